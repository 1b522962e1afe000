// Shared frame of the list views (1 CPUs, 2 NICs, 3 disks): a title bar, a
// column header and a scrolled list with a cursor. Rows are formatted only
// when on screen.

import type { Palette } from '../../theme/palette.js';
import { center, LineBuilder, padEnd, padStart } from '../text.js';

export interface ListSpec {
  title: string;
  /** right side of the title bar */
  info: string;
  header: string;
  count: number;
  cursor: number;
  scroll: number;
  empty: string;
  /** row i as a line of exactly `width` cells; `selected` rows must be plain text */
  format: (i: number, selected: boolean) => string;
}

/** A pool's or network's key among all hosts' (what views 5 and 6 open by). */
export function inventoryKey(host: string, uuid: string): string {
  return `${host}#${uuid}`;
}

/** The title bar and the column header above a list's rows. */
export const LIST_HEADER_ROWS = 2;

/** Rows of a list view that fit under its title and column header. */
export function listPageSize(height: number): number {
  return Math.max(0, height - LIST_HEADER_ROWS);
}

export function renderList(spec: ListSpec, width: number, height: number, p: Palette): string[] {
  const lines: string[] = [];
  const title = new LineBuilder(width, p.reset).add(spec.title, p.open('pane.title'));
  title.addRight(spec.info, p.open('chart.label'));
  lines.push(title.toString());
  lines.push(`${p.combo('table.header', 'table.header.bg')}${padEnd(spec.header, width)}${p.reset}`);
  const page = listPageSize(height);
  if (spec.count === 0 && page > 0) lines.push(p.paint('value.unknown', center(spec.empty, width)));
  const end = Math.min(spec.count, spec.scroll + page);
  for (let i = spec.scroll; i < end; i++) {
    const sel = i === spec.cursor;
    const line = spec.format(i, sel);
    lines.push(sel ? `${p.combo('selection.fg', 'selection.bg')}${line}${p.reset}` : line);
  }
  const blank = ' '.repeat(width);
  while (lines.length < height) lines.push(blank);
  return lines.slice(0, height);
}

export interface SimpleColumn {
  title: string;
  width: number;
  align: 'left' | 'right';
  /** lower is dropped first when the terminal is narrow */
  priority: number;
  /** takes the width left over (at least `width`) */
  flex?: boolean;
}

export interface PlacedSimple extends SimpleColumn {
  index: number;
  w: number;
}

/** Fits columns into `width`: drops the lowest priority ones until the rest fit, the flex column takes the slack. */
export function placeSimple(cols: readonly SimpleColumn[], width: number): PlacedSimple[] {
  let kept = cols.map((c, index) => ({ ...c, index, w: c.width }));
  const need = (cs: PlacedSimple[]) => cs.reduce((a, c) => a + c.width, 0) + Math.max(0, cs.length - 1);
  while (kept.length > 1 && need(kept) > width) {
    let drop = 0;
    for (let i = 1; i < kept.length; i++) if (kept[i].priority < kept[drop].priority) drop = i;
    kept = kept.filter((_, i) => i !== drop);
  }
  const slack = Math.max(0, width - need(kept));
  const flex = kept.find((c) => c.flex);
  if (flex) flex.w += slack;
  return kept;
}

export function simpleHeader(placed: readonly PlacedSimple[]): string {
  return placed.map((c) => (c.align === 'right' ? c.title.padStart(c.w) : c.title.padEnd(c.w))).join(' ');
}

/** One row from cell texts (indexed like the column list given to placeSimple), exactly `width` cells. */
export function simpleRow(placed: readonly PlacedSimple[], values: readonly string[], width: number): string {
  const line = placed.map((c) => (c.align === 'right' ? padStart(values[c.index] ?? '', c.w) : padEnd(values[c.index] ?? '', c.w))).join(' ');
  return padEnd(line, width);
}
