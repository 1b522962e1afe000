// The actions that change the UI state (its shape: state-types.ts), the
// selection rules, and the dispatch of a key press: overlays first, then the
// keymap.

import { planBulk, type BulkPlan } from '../actions/bulk.js';
import { Command as Act, NEEDS_INPUT, planCommand, precheck, type Plan } from '../actions/commands.js';
import { formatKiB } from '../actions/input.js';
import type { SortKey } from '../model/sort.js';
import type { DomainView } from '../model/view.js';
import { checkInterval, formatInterval } from '../config/interval.js';
import { Command, type Keymap } from './keymap.js';
import type { SeriesSource } from './chart.js';
import { backToLive, handleJumpPrompt, isRewound, TIME_ACTIONS } from './rewind.js';
import type { Action, ActionContext, ListView, Overlay, Reaction, StatusLevel, UiState, ViewName } from './state-types.js';
import { ALL_COLUMN_IDS, DEFAULT_COLUMNS, type ColumnId, type IoUnit } from './table.js';

export function initialState(opts: {
  sort: SortKey;
  reverse: boolean;
  intervalSec: number;
  columns?: ColumnId[];
  io?: IoUnit;
  readonly?: boolean;
  irix?: boolean;
}): UiState {
  return {
    view: 'domains',
    sort: opts.sort,
    reverse: opts.reverse,
    filter: '',
    selectedKey: null,
    selectedIndex: 0,
    scroll: 0,
    listCursor: { cpus: 0, nics: 0, disks: 0, hosts: 0, log: 0, noisy: 0 },
    listScroll: { cpus: 0, nics: 0, disks: 0, hosts: 0, log: 0, noisy: 0 },
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

const SORT_NAMES: Record<string, string> = {
  cpu: '%CPU',
  vcpu: '%VCPU',
  mem: '%MEM',
  time: 'TIME',
  name: 'NAME',
  id: 'ID',
  state: 'STATE',
  block: 'block I/O bytes',
  blockreq: 'block I/O requests',
  net: 'network I/O',
  vcpus: 'vCPUs',
  host: 'HOST',
  rss: 'RSS',
};

export function sortName(k: SortKey): string {
  return SORT_NAMES[k] ?? k;
}

/** Sorting by the key already in use flips the order, as in htop. */
export function sortBy(s: UiState, key: SortKey): UiState {
  if (s.sort === key) return { ...s, reverse: !s.reverse };
  return { ...s, sort: key, reverse: false };
}

const ok = (s: UiState): [UiState, Reaction] => [s, {}];

function sortAction(key: SortKey | ((s: UiState) => SortKey)): Action {
  return (s) => ok(sortBy(s, typeof key === 'function' ? key(s) : key));
}

function stepSort(dir: 1 | -1): Action {
  return (s, ctx) => {
    const cycle = ctx.sortCycle;
    if (!cycle.length) return ok(s);
    const i = cycle.indexOf(s.sort);
    const next = i < 0 ? (dir > 0 ? 0 : cycle.length - 1) : (i + dir + cycle.length) % cycle.length;
    return ok({ ...s, sort: cycle[next], reverse: false });
  };
}

function view(v: ViewName): Action {
  return (s) => ok(s.view === v ? s : { ...s, view: v, overlay: null });
}

function promptLabel(cmd: Act, d: DomainView): string {
  const name = cleanName(d.name);
  if (cmd === Act.Balloon) {
    const kib = (v: number | null) => (v === null ? '?' : formatKiB(v));
    const used = d.memUsedKiB === null ? 'no guest memory stats' : `guest uses ${kib(d.memUsedKiB)}`;
    return `Memory for ${name} (now ${kib(d.memCurrentKiB)}, max ${kib(d.memMaxKiB)}, ${used}): `;
  }
  return `vCPUs for ${name} (now ${d.vcpus ?? '?'}, max ${d.maxVcpus ?? '?'}): `;
}

// Names reach the status line through cleanText when drawn; here only keep them short.
function cleanName(name: string): string {
  return name.length > 40 ? `${name.slice(0, 39)}…` : name;
}

/** After planning: ask first when the plan says so, else hand it to the app to run. */
function proceed(s: UiState, plan: Plan, ctx: ActionContext): [UiState, Reaction] {
  if (plan.confirm) return ok({ ...s, overlay: { kind: 'confirm', question: plan.confirm, plan } });
  return [withStatus({ ...s, overlay: null }, `${plan.summary}…`, 'info', ctx.nowMs), { runPlan: plan }];
}

function taggedDomains(s: UiState, ctx: ActionContext): DomainView[] {
  const out: DomainView[] = [];
  for (const k of s.tagged) {
    const d = ctx.domain?.(k) ?? null;
    if (d) out.push(d);
  }
  return out;
}

function bulkPreview(s: UiState, bulk: BulkPlan, ctx: ActionContext): [UiState, Reaction] {
  if (bulk.plans.length === 0) {
    const why = bulk.skipped[0]?.reason ?? 'no tagged domain is left';
    return ok(withStatus({ ...s, overlay: null }, `nothing to do for the tagged domains: ${why}`, 'warn', ctx.nowMs));
  }
  return ok({ ...s, overlay: { kind: 'bulk-preview', bulk, scroll: 0 } });
}

function domainAction(cmd: Act): Action {
  return (s, ctx) => {
    if (s.readonly) return ok(withStatus(s, 'read-only mode: actions are disabled (--readonly)', 'warn', ctx.nowMs));
    if (s.tagged.length > 0) {
      // Tagged domains: the action applies to all of them, after a preview.
      const doms = taggedDomains(s, ctx);
      if (doms.length === 0) return ok(withStatus({ ...s, tagged: [] }, 'the tagged domains are gone', 'warn', ctx.nowMs));
      if (NEEDS_INPUT.has(cmd)) {
        const what = cmd === Act.Balloon ? 'Memory' : 'vCPUs';
        return ok({
          ...s,
          overlay: { kind: 'action-prompt', command: cmd, domainKey: '', label: `${what} for ${doms.length} tagged domain(s): `, text: '', error: null, persist: false, bulkKeys: doms.map((d) => d.key) },
        });
      }
      return bulkPreview(s, planBulk(cmd, doms), ctx);
    }
    const d = ctx.selected ?? null;
    if (!d) return ok(withStatus(s, 'no domain selected', 'warn', ctx.nowMs));
    const refusal = precheck(cmd, d);
    if (refusal) return ok(withStatus(s, refusal, 'warn', ctx.nowMs));
    if (NEEDS_INPUT.has(cmd)) {
      return ok({ ...s, overlay: { kind: 'action-prompt', command: cmd, domainKey: d.key, label: promptLabel(cmd, d), text: '', error: null, persist: false } });
    }
    const p = planCommand(cmd, d);
    if (!p.ok) return ok(withStatus(s, p.error, 'warn', ctx.nowMs));
    return proceed(s, p.plan, ctx);
  };
}

function toggleTag(s: UiState, ctx: ActionContext): UiState {
  const key = s.view === 'domains' ? s.selectedKey : (ctx.selected?.key ?? null);
  if (key === null) return withStatus(s, 'no domain selected', 'warn', ctx.nowMs);
  const tagged = s.tagged.includes(key) ? s.tagged.filter((k) => k !== key) : [...s.tagged, key];
  // As in htop, tagging moves down so a run of rows is tagged by holding Space.
  const moved = s.view === 'domains' ? moveSelection({ ...s, tagged }, ctx, 1) : { ...s, tagged };
  return withStatus(moved, `${tagged.length} tagged (actions now apply to all of them; u untags)`, 'info', ctx.nowMs);
}

export const ACTIONS: Record<Command, Action> = {
  ...TIME_ACTIONS,
  [Command.ToggleTag]: (s, ctx) => ok(toggleTag(s, ctx)),
  [Command.TagFiltered]: (s, ctx) => {
    const tagged = [...new Set([...s.tagged, ...ctx.rowKeys])];
    const what = s.filter ? `matching '${s.filter}'` : 'shown';
    return ok(withStatus({ ...s, tagged }, `tagged ${ctx.rowKeys.length} domain(s) ${what}; ${tagged.length} tagged in all`, 'info', ctx.nowMs));
  },
  [Command.UntagAll]: (s, ctx) => ok(withStatus({ ...s, tagged: [] }, s.tagged.length ? `untagged ${s.tagged.length} domain(s)` : 'nothing was tagged', 'info', ctx.nowMs)),
  [Command.GroupByHost]: (s, ctx) =>
    ok(withStatus({ ...s, groupByHost: !s.groupByHost }, s.groupByHost ? 'hosts mixed in one table' : 'domains grouped by host', 'info', ctx.nowMs)),
  [Command.ViewHosts]: view('hosts'),
  [Command.ViewNoisy]: view('noisy'),
  [Command.ToggleIrix]: (s, ctx) => {
    const irix = !s.irix;
    return ok(withStatus({ ...s, irix }, irix ? 'host CPU figures: 100 % = one core (Irix mode)' : 'host CPU figures: 100 % = the whole host', 'info', ctx.nowMs));
  },
  [Command.ToggleCapacity]: (s) => ok({ ...s, overlay: s.overlay?.kind === 'capacity' ? null : { kind: 'capacity', scroll: 0 } }),
  [Command.ViewLog]: view('log'),
  [Command.DomainStart]: domainAction(Act.Start),
  [Command.DomainShutdown]: domainAction(Act.Shutdown),
  [Command.DomainReboot]: domainAction(Act.Reboot),
  [Command.DomainForceOff]: domainAction(Act.ForceOff),
  [Command.DomainPauseResume]: domainAction(Act.PauseResume),
  [Command.DomainBalloon]: domainAction(Act.Balloon),
  [Command.DomainVcpus]: domainAction(Act.Vcpus),
  [Command.DomainMemStats]: domainAction(Act.StatsPeriod),
  [Command.Quit]: (s) => [s, { quit: true }],
  [Command.Help]: (s) => ok({ ...s, overlay: { kind: 'help', scroll: 0 } }),
  [Command.Up]: (s, ctx) => ok(moveSelection(s, ctx, -1)),
  [Command.Down]: (s, ctx) => ok(moveSelection(s, ctx, 1)),
  [Command.PageUp]: (s, ctx) => ok(moveSelection(s, ctx, -Math.max(1, ctx.pageSize - 1))),
  [Command.PageDown]: (s, ctx) => ok(moveSelection(s, ctx, Math.max(1, ctx.pageSize - 1))),
  [Command.Home]: (s, ctx) => ok(moveSelection(s, ctx, 0, 0)),
  // End leaves rewind first (back to live); otherwise it goes to the last row.
  [Command.End]: (s, ctx) => ok(isRewound(s) ? backToLive(s, ctx.nowMs) : moveSelection(s, ctx, 0, Number.MAX_SAFE_INTEGER)),
  [Command.ToggleDetail]: (s, ctx) => {
    if (s.view !== 'domains') {
      // From a list view, Enter opens the detail of the row's domain.
      const key = ctx.listKeys[s.listCursor[s.view]] ?? null;
      if (key === null) return ok(s);
      return ok({ ...s, view: 'domains', selectedKey: key, detailOpen: true });
    }
    if (!s.detailOpen && s.selectedKey === null) return ok(withStatus(s, 'no domain selected', 'warn', ctx.nowMs));
    return ok({ ...s, detailOpen: !s.detailOpen });
  },
  [Command.Back]: (s) => {
    if (s.view !== 'domains') return ok({ ...s, view: 'domains' });
    if (s.detailOpen) return ok({ ...s, detailOpen: false });
    if (s.filter !== '') return ok({ ...s, filter: '' });
    return [s, { none: true }];
  },
  [Command.ViewDomains]: view('domains'),
  [Command.ViewCpus]: view('cpus'),
  [Command.ViewNics]: view('nics'),
  [Command.ViewDisks]: view('disks'),
  [Command.SortCpu]: sortAction('cpu'),
  [Command.SortMem]: sortAction('mem'),
  [Command.SortTime]: sortAction('time'),
  [Command.SortName]: sortAction('name'),
  [Command.SortBlock]: sortAction((s) => (s.io === 'bytes' ? 'block' : 'blockreq')),
  [Command.SortNet]: sortAction('net'),
  [Command.SortPrev]: stepSort(-1),
  [Command.SortNext]: stepSort(1),
  [Command.ReverseSort]: (s) => ok({ ...s, reverse: !s.reverse }),
  [Command.Filter]: (s) => ok({ ...s, overlay: { kind: 'prompt', purpose: 'filter', text: s.filter, error: null, previous: s.filter } }),
  [Command.ChooseColumns]: (s) => ok({ ...s, overlay: { kind: 'columns', cursor: 0 } }),
  [Command.SetInterval]: (s) =>
    ok({ ...s, overlay: { kind: 'prompt', purpose: 'interval', text: String(s.intervalSec), error: null, previous: String(s.intervalSec) } }),
  [Command.TogglePause]: (s, ctx) => {
    const paused = !s.paused;
    const what = s.replay ? (paused ? 'playback paused (Z resumes)' : 'playback resumed') : paused ? 'refresh paused (Z resumes)' : 'refresh resumed';
    const next = withStatus({ ...s, paused }, what, 'info', ctx.nowMs);
    return [next, { setPaused: paused }];
  },
  [Command.ToggleIoUnit]: (s, ctx) => {
    const io: IoUnit = s.io === 'bytes' ? 'reqs' : 'bytes';
    const sort: SortKey = s.sort === 'block' || s.sort === 'blockreq' ? (io === 'bytes' ? 'block' : 'blockreq') : s.sort;
    return ok(withStatus({ ...s, io, sort }, `disk columns show ${io === 'bytes' ? 'bytes' : 'requests'} per second`, 'info', ctx.nowMs));
  },
  [Command.WriteConfig]: (s) => [s, { writeConfig: true }],
  [Command.Redraw]: (s) => [s, { redraw: true }],
};

/** Text editing shared by the filter and interval prompts. */
function editPrompt(text: string, key: string): string | null {
  if (key === 'backspace') return text.slice(0, -1);
  if (key === 'C-u') return '';
  if (key === 'C-w') return text.replace(/\S+\s*$/, '');
  if (key === 'space') return `${text} `;
  if ([...key].length === 1) return text.length < 200 ? text + key : text;
  return null;
}

function handlePrompt(s: UiState, o: Extract<Overlay, { kind: 'prompt' }>, key: string, ctx: ActionContext): [UiState, Reaction] {
  if (o.purpose === 'jump') return handleJumpPrompt(s, o, key, ctx, editPrompt);
  if (o.purpose === 'filter') {
    if (key === 'escape') return ok({ ...s, overlay: null, filter: '' });
    if (key === 'enter') return ok({ ...s, overlay: null });
    const text = editPrompt(o.text, key);
    if (text === null) return [s, { none: true }];
    // Incremental: the table follows every keystroke; the selection goes back to the top match.
    return ok({ ...s, overlay: { ...o, text }, filter: text, selectedKey: null, selectedIndex: 0, scroll: 0 });
  }
  if (key === 'escape') return ok({ ...s, overlay: null });
  if (key === 'enter') {
    const c = checkInterval(o.text);
    if (!c.ok) return ok({ ...s, overlay: { ...o, error: `interval ${c.reason}, got '${o.text.trim()}'` } });
    const next = withStatus({ ...s, overlay: null, intervalSec: c.seconds }, `refreshing every ${formatInterval(c.seconds)}`, 'ok', ctx.nowMs);
    return [next, { setIntervalSec: c.seconds }];
  }
  const text = editPrompt(o.text, key);
  if (text === null) return [s, { none: true }];
  return ok({ ...s, overlay: { ...o, text, error: null } });
}

function handleActionPrompt(
  s: UiState,
  o: Extract<Overlay, { kind: 'action-prompt' }>,
  key: string,
  ctx: ActionContext,
): [UiState, Reaction] {
  if (key === 'escape' || key === 'C-c') return ok(withStatus({ ...s, overlay: null }, 'cancelled', 'info', ctx.nowMs));
  if (key === 'tab') return ok({ ...s, overlay: { ...o, persist: !o.persist } });
  if (key === 'enter' && o.bulkKeys) {
    const doms = o.bulkKeys.map((k) => ctx.domain?.(k) ?? null).filter((d): d is DomainView => d !== null);
    const bulk = planBulk(o.command, doms, { text: o.text, persist: o.persist });
    // Every domain refused the value: keep the prompt open with the first reason.
    if (bulk.plans.length === 0) return ok({ ...s, overlay: { ...o, error: bulk.skipped[0]?.reason ?? 'the tagged domains are gone' } });
    return bulkPreview(s, bulk, ctx);
  }
  if (key === 'enter') {
    const d = ctx.domain?.(o.domainKey) ?? null;
    if (!d) return ok(withStatus({ ...s, overlay: null }, 'not done: the domain is gone', 'warn', ctx.nowMs));
    const p = planCommand(o.command, d, { text: o.text, persist: o.persist });
    // A refused value keeps the prompt open with the reason; nothing is sent.
    if (!p.ok) return ok({ ...s, overlay: { ...o, error: p.error } });
    return proceed(s, p.plan, ctx);
  }
  const text = editPrompt(o.text, key);
  if (text === null) return [s, { none: true }];
  return ok({ ...s, overlay: { ...o, text, error: null } });
}

function handleConfirm(s: UiState, o: Extract<Overlay, { kind: 'confirm' }>, key: string, ctx: ActionContext): [UiState, Reaction] {
  if (key === 'y' || key === 'Y') {
    // Some plans ask twice (ballooning below what the guest uses): the first yes only brings the second question.
    if (o.plan.confirmAgain && !o.second) return ok({ ...s, overlay: { kind: 'confirm', question: o.plan.confirmAgain, plan: o.plan, second: true } });
    return [withStatus({ ...s, overlay: null }, `${o.plan.summary}…`, 'info', ctx.nowMs), { runPlan: o.plan }];
  }
  return ok(withStatus({ ...s, overlay: null }, `cancelled: ${o.plan.summary}`, 'info', ctx.nowMs));
}

/** The capacity pane scrolls with ↑/↓; c or Esc closes it; any other key closes it and does its job. */
function handleCapacity(s: UiState, o: Extract<Overlay, { kind: 'capacity' }>, key: string, keymap: Keymap, ctx: ActionContext): [UiState, Reaction] {
  if (key === 'down' || key === 'j') return ok({ ...s, overlay: { ...o, scroll: o.scroll + 1 } });
  if (key === 'up' || key === 'k') return ok({ ...s, overlay: { ...o, scroll: Math.max(0, o.scroll - 1) } });
  const closed = { ...s, overlay: null };
  const cmd = keymap.get(key);
  if (key === 'escape' || cmd === Command.ToggleCapacity || cmd === undefined) return ok(closed);
  return ACTIONS[cmd](closed, ctx);
}

function handleBulkPreview(s: UiState, o: Extract<Overlay, { kind: 'bulk-preview' }>, key: string, ctx: ActionContext): [UiState, Reaction] {
  if (key === 'y' || key === 'Y') {
    // Plans that ask twice alone (ballooning below the guest's use + margin) ask twice in bulk too.
    const risky = o.bulk.plans.filter((p) => p.confirmAgain);
    if (risky.length && !o.second) {
      const names = risky.map((p) => p.domainName).join(', ');
      return ok(withStatus({ ...s, overlay: { ...o, second: true } }, `${risky.length} of these shrink below what the guest uses + a margin (${names}): y once more to run all`, 'warn', ctx.nowMs));
    }
    const n = o.bulk.plans.length;
    return [withStatus({ ...s, overlay: null }, `running ${n} action(s) on tagged domains…`, 'info', ctx.nowMs), { runBulk: o.bulk.plans }];
  }
  if (key === 'down' || key === 'j') return ok({ ...s, overlay: { ...o, scroll: o.scroll + 1 } });
  if (key === 'up' || key === 'k') return ok({ ...s, overlay: { ...o, scroll: Math.max(0, o.scroll - 1) } });
  return ok(withStatus({ ...s, overlay: null }, `cancelled: nothing was run on the ${o.bulk.plans.length} tagged domain(s)`, 'info', ctx.nowMs));
}

function handleColumns(s: UiState, o: Extract<Overlay, { kind: 'columns' }>, key: string): [UiState, Reaction] {
  const n = ALL_COLUMN_IDS.length;
  switch (key) {
    case 'up':
    case 'k':
      return ok({ ...s, overlay: { ...o, cursor: (o.cursor - 1 + n) % n } });
    case 'down':
    case 'j':
      return ok({ ...s, overlay: { ...o, cursor: (o.cursor + 1) % n } });
    case 'space':
    case 'enter':
    case 'x': {
      const id = ALL_COLUMN_IDS[o.cursor];
      if (id === 'name') return ok(s);
      const on = s.columns.includes(id);
      const wanted = new Set(on ? s.columns.filter((c) => c !== id) : [...s.columns, id]);
      return ok({ ...s, columns: ALL_COLUMN_IDS.filter((c) => wanted.has(c)) });
    }
    case 'escape':
    case 'f':
    case 'q':
      return ok({ ...s, overlay: null });
    default:
      return [s, { none: true }];
  }
}

function handleHelp(s: UiState, o: Extract<Overlay, { kind: 'help' }>, key: string, ctx: ActionContext): [UiState, Reaction] {
  switch (key) {
    case 'up':
    case 'k':
      return ok({ ...s, overlay: { ...o, scroll: Math.max(0, o.scroll - 1) } });
    case 'down':
    case 'j':
      return ok({ ...s, overlay: { ...o, scroll: o.scroll + 1 } });
    case 'pageup':
      return ok({ ...s, overlay: { ...o, scroll: Math.max(0, o.scroll - ctx.pageSize) } });
    case 'pagedown':
    case 'space':
      return ok({ ...s, overlay: { ...o, scroll: o.scroll + ctx.pageSize } });
    case 'C-c':
      return [s, { quit: true }];
    default:
      // Any other key closes help, as in htop.
      return ok({ ...s, overlay: null });
  }
}

/** One keypress: overlays first (they take every key), then the keymap. */
export function handleKey(s: UiState, key: string, keymap: Keymap, ctx: ActionContext): [UiState, Reaction] {
  const o = s.overlay;
  if (o?.kind === 'prompt') return handlePrompt(s, o, key, ctx);
  if (o?.kind === 'columns') return handleColumns(s, o, key);
  if (o?.kind === 'help') return handleHelp(s, o, key, ctx);
  if (o?.kind === 'action-prompt') return handleActionPrompt(s, o, key, ctx);
  if (o?.kind === 'confirm') return handleConfirm(s, o, key, ctx);
  if (o?.kind === 'bulk-preview') return handleBulkPreview(s, o, key, ctx);
  if (o?.kind === 'capacity') return handleCapacity(s, o, key, keymap, ctx);
  const cmd = keymap.get(key);
  if (cmd !== undefined) return ACTIONS[cmd](s, ctx);
  return [s, { none: true }];
}
