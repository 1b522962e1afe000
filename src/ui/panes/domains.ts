// The domain table: a title row marking the sort column, then one row per
// visible domain. Only the rows on screen are formatted, whatever the
// number of domains, and with a RowCache a row whose data and look did not
// change since the last frame is not formatted again.

import type { SortKey } from '../../model/sort.js';
import type { DomainView } from '../../model/view.js';
import type { Palette } from '../../theme/palette.js';
import type { Frame } from '../frame.js';
import { placeColumns, sortColumnIndex, type CellContext, type PlacedColumn } from '../table.js';
import { center, cleanText, padEnd, padStart } from '../text.js';

const ASCENDING: ReadonlySet<SortKey> = new Set(['name', 'id', 'state', 'host']);

/** True when the table shows the largest values first. */
export function sortDescending(sort: SortKey, reverse: boolean): boolean {
  return ASCENDING.has(sort) === reverse;
}

export function hostColumnWidth(rows: readonly DomainView[], hostLabel: (uri: string) => string): number {
  let w = 4;
  const seen = new Set<string>();
  for (const d of rows) {
    if (seen.has(d.host)) continue;
    seen.add(d.host);
    w = Math.max(w, hostLabel(d.host).length);
  }
  return w;
}

export function tableHeader(placed: readonly PlacedColumn[], frame: Frame, width: number): string {
  const p = frame.palette;
  const { state } = frame;
  const sortIdx = sortColumnIndex(placed, state.sort, state.io);
  const arrow = sortDescending(state.sort, state.reverse) ? '▼' : '▲';
  const base = p.combo('table.header', 'table.header.bg');
  let out = base;
  let used = 0;
  placed.forEach((c, i) => {
    if (i > 0) {
      out += ' ';
      used++;
    }
    let title = c.def.title(state.io);
    if (i === sortIdx && title.length < c.width) title = c.def.align === 'right' ? arrow + title : title + arrow;
    const text = c.def.align === 'right' ? padStart(title, c.width) : padEnd(title, c.width);
    if (i === sortIdx) out += `${p.combo('table.header', 'table.header.bg', 'table.sort')}${text}${p.reset}${base}`;
    else out += text;
    used += c.width;
  });
  if (used < width) out += ' '.repeat(width - used);
  return `${out}${p.reset}`;
}

export function domainRow(
  d: DomainView,
  placed: readonly PlacedColumn[],
  ctx: CellContext,
  p: Palette,
  selected: boolean,
  width: number,
  tagged = false,
): string {
  const plain = selected || !d.active;
  // A tagged row starts with '*' (the first cell is right-aligned, so column 0 is padding).
  let out = tagged ? (plain ? '*' : p.paint('status.warn', '*')) : '';
  let skipFirst = tagged;
  let used = 0;
  for (let i = 0; i < placed.length; i++) {
    const c = placed[i];
    if (i > 0) {
      out += ' ';
      used++;
    }
    const cell = c.def.cell(d, ctx);
    let text = c.def.align === 'right' ? padStart(cell.text, c.width) : padEnd(cell.text, c.width);
    if (skipFirst) {
      text = text.slice(1);
      skipFirst = false;
    }
    out += !plain && cell.role ? p.paint(cell.role, text) : text;
    used += c.width;
  }
  if (used < width) out += ' '.repeat(width - used);
  if (selected) return `${p.combo('selection.fg', 'selection.bg')}${out}${p.reset}`;
  if (!d.active) return `${p.open('inactive.fg')}${out}${p.reset}`;
  return out;
}

/** Same data: equal primitives, and arrays or plain objects with equal members, recursively. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let n = 0;
  for (const k in ra) {
    if (!sameData(ra[k], rb[k])) return false;
    n++;
  }
  for (const k in rb) if (--n < 0 || !(k in ra)) return false;
  return n === 0;
}

/**
 * Formatted rows of the last frames by domain key. The model hands out new
 * DomainView objects every tick, so a row is reused when its view holds the
 * same data (most inactive and idle domains) and the columns, width and
 * highlighting are the same; moving the selection re-formats two rows.
 */
export class RowCache {
  private rows = new Map<string, { d: DomainView; look: string; line: string }>();
  private seen = new Set<string>();

  line(d: DomainView, look: string, build: () => string): string {
    this.seen.add(d.key);
    const hit = this.rows.get(d.key);
    if (hit && hit.look === look && (hit.d === d || sameData(hit.d, d))) {
      hit.d = d;
      return hit.line;
    }
    const line = build();
    this.rows.set(d.key, { d, look, line });
    return line;
  }

  /** Forgets the rows not drawn since the last sweep (scrolled away, gone). */
  sweep(): void {
    if (this.rows.size > this.seen.size) for (const k of this.rows.keys()) if (!this.seen.has(k)) this.rows.delete(k);
    this.seen.clear();
  }
}

export interface TableRender {
  lines: string[];
  placed: PlacedColumn[];
  /** rows of domains that fit under the title */
  pageSize: number;
}

/** The column header above the domain table's rows. */
export const TABLE_HEADER_ROWS = 1;

/** Rows of the domain table that fit under its header. */
export function tablePageSize(height: number): number {
  return Math.max(0, height - TABLE_HEADER_ROWS);
}

export function renderDomainTable(
  frame: Frame,
  width: number,
  height: number,
  hostLabel: (uri: string) => string,
  cache: RowCache | null = null,
): TableRender {
  const { state, rows, palette: p } = frame;
  const placed = placeColumns(state.columns, width, {
    multiHost: frame.multiHost,
    hostWidth: frame.multiHost ? hostColumnWidth(rows, hostLabel) : undefined,
  });
  const lines: string[] = [tableHeader(placed, frame, width)];
  const pageSize = tablePageSize(height);
  const ctx: CellContext = { io: state.io, gauge: (v) => p.gauge(v), irix: state.irix, displayNames: state.displayNames ?? false, latencyMs: state.latencyMs };
  if (rows.length === 0) {
    const msg =
      frame.view.seq < 0
        ? 'waiting for the first sample…'
        : state.filter
          ? `no domain matches '${cleanText(state.filter)}' (Esc clears the filter)`
          : frame.view.domains.length
            ? 'no domains'
            : 'no domains on the watched hosts';
    if (pageSize > 0) lines.push(p.paint('value.unknown', center(msg, width)));
  }
  const end = Math.min(rows.length, state.scroll + pageSize);
  const tagged = state.tagged.length ? new Set(state.tagged) : null;
  // Everything a row's text depends on besides its domain's data.
  const look = cache ? `${width}|${state.io}|${state.irix}|${state.displayNames ?? false}|${placed.map((c) => `${c.def.id}:${c.width}`).join()}` : '';
  for (let i = state.scroll; i < end; i++) {
    const d = rows[i];
    const selected = d.key === state.selectedKey;
    const isTagged = tagged?.has(d.key) ?? false;
    const build = () => domainRow(d, placed, ctx, p, selected, width, isTagged);
    lines.push(cache ? cache.line(d, `${look}|${selected}|${isTagged}`, build) : build());
  }
  cache?.sweep();
  const blank = ' '.repeat(width);
  while (lines.length < height) lines.push(blank);
  return { lines: lines.slice(0, height), placed, pageSize };
}
