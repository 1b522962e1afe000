// The screen's state at rest: how it starts, the status message, and the
// selection rules (which row is selected and scrolled to, as rows come, go
// and move).

import type { SortKey } from '../model/sort.js';
import type { ActionContext, ListView, StatusLevel, UiState, ViewName } from './state-types.js';
import { DEFAULT_COLUMNS, type ColumnId, type IoUnit } from './table.js';

export function initialState(opts: {
  sort: SortKey;
  reverse: boolean;
  intervalSec: number;
  columns?: ColumnId[];
  io?: IoUnit;
  readonly?: boolean;
  irix?: boolean;
  latencyMs?: { warn: number; crit: number };
  /** the first view; the domain table when absent */
  view?: ViewName;
}): UiState {
  return {
    view: opts.view ?? 'domains',
    sort: opts.sort,
    reverse: opts.reverse,
    filter: '',
    selectedKey: null,
    selectedIndex: 0,
    scroll: 0,
    listCursor: { cpus: 0, nics: 0, disks: 0, hosts: 0, log: 0, noisy: 0, storage: 0, networks: 0 },
    listScroll: { cpus: 0, nics: 0, disks: 0, hosts: 0, log: 0, noisy: 0, storage: 0, networks: 0 },
    columns: opts.columns ?? [...DEFAULT_COLUMNS],
    io: opts.io ?? 'bytes',
    paused: false,
    detailOpen: false,
    intervalSec: opts.intervalSec,
    overlay: null,
    status: null,
    readonly: opts.readonly ?? false,
    tagged: [],
    groupByHost: false,
    irix: opts.irix ?? false,
    ...(opts.latencyMs ? { latencyMs: opts.latencyMs } : {}),
  };
}

export function withStatus(s: UiState, text: string, level: StatusLevel, nowMs: number): UiState {
  return { ...s, status: { text, level, atMs: nowMs } };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Keeps the scroll position such that `cursor` is visible in `page` rows of `count`. */
export function scrollFor(cursor: number, scroll: number, page: number, count: number): number {
  if (count <= 0 || page <= 0) return 0;
  let s = scroll;
  if (cursor < s) s = cursor;
  if (cursor >= s + page) s = cursor - page + 1;
  return clamp(s, 0, Math.max(0, count - page));
}

/**
 * Makes the selection valid for the rows now shown: it stays on the same
 * domain if that is still there, else on the row where it was; and the
 * table scrolls to keep it visible. Returns the same object when nothing changed.
 */
export function reconcile(s: UiState, rowKeys: readonly string[], pageSize: number): UiState {
  let idx = s.selectedKey === null ? -1 : rowKeys.indexOf(s.selectedKey);
  if (idx < 0) idx = rowKeys.length ? clamp(s.selectedIndex, 0, rowKeys.length - 1) : -1;
  const key = idx >= 0 ? rowKeys[idx] : null;
  const scroll = scrollFor(Math.max(0, idx), s.scroll, pageSize, rowKeys.length);
  if (key === s.selectedKey && idx === s.selectedIndex && scroll === s.scroll) return s;
  return { ...s, selectedKey: key, selectedIndex: Math.max(0, idx), scroll };
}

/** Same for a list view's cursor. */
export function reconcileList(s: UiState, view: ListView, count: number, pageSize: number): UiState {
  const cursor = count ? clamp(s.listCursor[view], 0, count - 1) : 0;
  const scroll = scrollFor(cursor, s.listScroll[view], pageSize, count);
  if (cursor === s.listCursor[view] && scroll === s.listScroll[view]) return s;
  return { ...s, listCursor: { ...s.listCursor, [view]: cursor }, listScroll: { ...s.listScroll, [view]: scroll } };
}

/** Moves the selection by `delta` rows (or to an absolute row with `to`). */
export function moveSelection(s: UiState, ctx: ActionContext, delta: number, to?: number): UiState {
  if (s.view !== 'domains') {
    const v = s.view;
    const n = ctx.listKeys.length;
    if (!n) return s;
    const cur = to ?? clamp(s.listCursor[v] + delta, 0, n - 1);
    return { ...s, listCursor: { ...s.listCursor, [v]: clamp(cur, 0, n - 1) } };
  }
  const n = ctx.rowKeys.length;
  if (!n) return s;
  let idx = s.selectedKey === null ? -1 : ctx.rowKeys.indexOf(s.selectedKey);
  if (idx < 0) idx = clamp(s.selectedIndex, 0, n - 1);
  const next = clamp(to ?? idx + delta, 0, n - 1);
  return { ...s, selectedKey: ctx.rowKeys[next], selectedIndex: next };
}

export function selectKey(s: UiState, ctx: ActionContext, key: string): UiState {
  const idx = ctx.rowKeys.indexOf(key);
  return idx < 0 ? s : { ...s, selectedKey: key, selectedIndex: idx };
}
