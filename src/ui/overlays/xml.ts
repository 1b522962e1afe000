// The domain XML pane (X): read-only, scrolled with the usual keys, searched
// with / and n, switched between the live XML and the inactive definition
// with i, and written to a backup file with w. Its keys and drawing; the app
// reads the XML and writes the file (reactions loadXml, saveXml).

import type { Palette } from '../../theme/palette.js';
import { cleanText, LineBuilder, padEnd } from '../text.js';
import type { ActionContext, Reaction, UiState, XmlOverlay } from '../state-types.js';

const ok = (s: UiState, r: Reaction = {}): [UiState, Reaction] => [s, r];

/** The overlay for a domain, waiting for its XML; with the reaction that asks for it. */
export function openXml(s: UiState, ctx: ActionContext, inactive = false): [UiState, Reaction] {
  const d = ctx.selected ?? null;
  if (!d) return ok({ ...s, status: { text: 'no domain selected', level: 'warn', atMs: ctx.nowMs } });
  const overlay: XmlOverlay = { kind: 'xml', domainKey: d.key, domainName: d.name, inactive, lines: null, error: null, scroll: 0, search: '', searching: false };
  return ok({ ...s, overlay }, { loadXml: { domainKey: d.key, inactive } });
}

/** The XML read (or why not), into the overlay if it still waits for that domain and that definition. */
export function xmlLoaded(s: UiState, domainKey: string, inactive: boolean, r: { xml: string } | { error: string }): UiState {
  const o = s.overlay;
  if (o?.kind !== 'xml' || o.domainKey !== domainKey || o.inactive !== inactive) return s;
  return 'xml' in r ? { ...s, overlay: { ...o, lines: r.xml.replace(/\n$/, '').split('\n'), error: null } } : { ...s, overlay: { ...o, error: r.error } };
}

/** The first line at or after `from` (wrapping around) holding `text`, case-insensitive; null when none does. */
export function findLine(lines: readonly string[], text: string, from: number): number | null {
  const needle = text.toLowerCase();
  if (needle === '' || lines.length === 0) return null;
  for (let i = 0; i < lines.length; i++) {
    const k = (from + i) % lines.length;
    if (lines[k].toLowerCase().includes(needle)) return k;
  }
  return null;
}

/** Rows of XML under the pane's title line, given the pane's height. */
export function xmlPageRows(height: number): number {
  return Math.max(1, height - 1);
}

export function handleXml(s: UiState, o: XmlOverlay, key: string, ctx: ActionContext): [UiState, Reaction] {
  const set = (patch: Partial<XmlOverlay>) => ({ ...s, overlay: { ...o, ...patch } });
  if (o.searching) {
    if (key === 'escape') return ok(set({ searching: false, search: '' }));
    if (key === 'enter') {
      const hit = o.lines ? findLine(o.lines, o.search, o.scroll) : null;
      const st = set({ searching: false, ...(hit !== null ? { scroll: hit } : {}) });
      return ok(hit === null && o.search !== '' ? { ...st, status: { text: `not found: ${o.search}`, level: 'warn', atMs: ctx.nowMs } } : st);
    }
    if (key === 'backspace') return ok(set({ search: o.search.slice(0, -1) }));
    if (key === 'space') return ok(set({ search: `${o.search} ` }));
    if ([...key].length === 1) return ok(set({ search: o.search + key }));
    return ok(s);
  }
  const page = xmlPageRows(ctx.pageSize);
  const last = Math.max(0, (o.lines?.length ?? 0) - 1);
  switch (key) {
    case 'down':
    case 'j':
      return ok(set({ scroll: Math.min(last, o.scroll + 1) }));
    case 'up':
    case 'k':
      return ok(set({ scroll: Math.max(0, o.scroll - 1) }));
    case 'pagedown':
    case 'space':
      return ok(set({ scroll: Math.min(last, o.scroll + page) }));
    case 'pageup':
      return ok(set({ scroll: Math.max(0, o.scroll - page) }));
    case 'home':
    case 'g':
      return ok(set({ scroll: 0 }));
    case 'end':
    case 'G':
      return ok(set({ scroll: last }));
    case '/':
      return ok(set({ searching: true, search: '' }));
    case 'n': {
      const hit = o.lines ? findLine(o.lines, o.search, o.scroll + 1) : null;
      return ok(hit === null ? s : set({ scroll: hit }));
    }
    case 'i': {
      const inactive = !o.inactive;
      return ok(set({ inactive, lines: null, error: null, scroll: 0 }), { loadXml: { domainKey: o.domainKey, inactive } });
    }
    case 'w':
      if (!o.lines) return ok({ ...s, status: { text: 'nothing to write yet: the XML is not read', level: 'warn', atMs: ctx.nowMs } });
      return ok(s, { saveXml: { domainName: o.domainName, xml: `${o.lines.join('\n')}\n`, inactive: o.inactive } });
    case 'escape':
    case 'q':
    case 'X':
      return ok({ ...s, overlay: null });
    default:
      return ok(s, { none: true });
  }
}

/** The pane: a title line with the keys, then the XML from `scroll`, lines holding the search marked. */
export function xmlLines(o: XmlOverlay, width: number, height: number, p: Palette): string[] {
  const what = o.inactive ? 'inactive definition' : 'live XML';
  const title = new LineBuilder(width, p.reset)
    .add(`${cleanText(o.domainName)} — ${what}`, p.open('pane.title'))
    .addRight(o.searching ? `/${cleanText(o.search)}█ ` : `i ${o.inactive ? 'live' : 'inactive'}  / find  n next  w backup  Esc `, p.open('chart.label'));
  const out = [title.toString()];
  const rows = xmlPageRows(height);
  if (o.error !== null) out.push(p.paint('status.error', padEnd(cleanText(`  cannot read the XML: ${o.error}`), width)));
  else if (o.lines === null) out.push(p.paint('value.unknown', padEnd('  reading…', width)));
  else {
    const start = Math.min(o.scroll, Math.max(0, o.lines.length - 1));
    const needle = o.search.toLowerCase();
    for (const line of o.lines.slice(start, start + rows)) {
      // Tabs and control characters would shift the columns; the XML's indentation is spaces.
      const text = padEnd(cleanText(line), width);
      out.push(needle !== '' && line.toLowerCase().includes(needle) ? p.paint('status.warn', text) : text);
    }
  }
  const blank = ' '.repeat(width);
  while (out.length < height) out.push(blank);
  return out.slice(0, height);
}
