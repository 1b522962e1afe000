// The actions the keymap's commands run on the UI state (its shape:
// state-types.ts), and the dispatch of a key press: an open overlay takes
// every key (overlays/), else the keymap picks the action. Selection rules
// live in selection.ts, actions on guests in domain-actions.ts.

import { Command as Act } from '../actions/commands.js';
import type { SortKey } from '../model/sort.js';
import { domainAction, handleWorkflowKey, toggleTag } from './domain-actions.js';
import { Command, type Keymap } from './keymap.js';
import { handleCapacity } from './overlays/capacity.js';
import { handleXml, openXml } from './overlays/xml.js';
import { handleColumns } from './overlays/columns.js';
import { handleHelp } from './overlays/help.js';
import { handlePrompt } from './overlays/prompt.js';
import { backToLive, isRewound, TIME_ACTIONS } from './rewind.js';
import { moveSelection, withStatus } from './selection.js';
import type { Action, ActionContext, InventoryView, Reaction, UiState, ViewName } from './state-types.js';
import type { IoUnit } from './table.js';

export { initialState, moveSelection, reconcile, reconcileList, scrollFor, selectKey, withStatus } from './selection.js';

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
  steal: 'ST%',
  latency: 'disk latency',
  autostart: 'AUTO',
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

/**
 * Opens the pool or network with this key alone (its volumes or leases), or
 * closes the one open (same key, or null) with the cursor back where it was.
 */
function toggleOpened(s: UiState, v: InventoryView, key: string | null): UiState {
  const cur = s.opened?.[v] ?? null;
  const at = (n: number) => ({ listCursor: { ...s.listCursor, [v]: n }, listScroll: { ...s.listScroll, [v]: 0 } });
  if (cur && (key === null || key === cur.key)) return { ...s, opened: { ...s.opened, [v]: null }, ...at(cur.cursorWas) };
  if (key === null) return s;
  return { ...s, opened: { ...s.opened, [v]: { key, cursorWas: s.listCursor[v] } }, ...at(0) };
}

function view(v: ViewName): Action {
  return (s) => ok(s.view === v ? s : { ...s, view: v, overlay: null });
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
  [Command.ViewStorage]: view('storage'),
  [Command.ViewNetworks]: view('networks'),
  [Command.ToggleDisplayNames]: (s, ctx) => {
    const displayNames = !s.displayNames;
    return ok(
      withStatus(
        { ...s, displayNames },
        displayNames ? 'NAME: the names people know (OpenStack instance name, else the title), libvirt\'s where there is none' : "NAME: libvirt's domain names",
        'info',
        ctx.nowMs,
      ),
    );
  },
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
  [Command.DomainAutostart]: domainAction(Act.Autostart),
  [Command.ShowXml]: (s, ctx) => openXml(s, ctx),
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
    const opens = ctx.listOpens?.[s.view === 'domains' ? -1 : s.listCursor[s.view]] ?? null;
    if ((s.view === 'storage' || s.view === 'networks') && opens !== null) return ok(toggleOpened(s, s.view, opens));
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
    // An opened pool or network closes first, back to the list of them all.
    if ((s.view === 'storage' || s.view === 'networks') && s.opened?.[s.view]) return ok(toggleOpened(s, s.view, null));
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
  [Command.RefreshInventory]: (s) => [s, { refreshInventory: true }],
};

/** One keypress: overlays first (they take every key), then the keymap. */
export function handleKey(s: UiState, key: string, keymap: Keymap, ctx: ActionContext): [UiState, Reaction] {
  const o = s.overlay;
  if (o?.kind === 'prompt') return handlePrompt(s, o, key, ctx);
  if (o?.kind === 'columns') return handleColumns(s, o, key);
  if (o?.kind === 'help') return handleHelp(s, o, key, ctx);
  if (o?.kind === 'action-prompt' || o?.kind === 'confirm' || o?.kind === 'bulk-preview') return handleWorkflowKey(s, o, key, ctx);
  if (o?.kind === 'xml') return handleXml(s, o, key, ctx);
  if (o?.kind === 'capacity') return handleCapacity(s, o, key, keymap, ctx, (cmd, st, c) => ACTIONS[cmd](st, c));
  const cmd = keymap.get(key);
  if (cmd !== undefined) return ACTIONS[cmd](s, ctx);
  return [s, { none: true }];
}
