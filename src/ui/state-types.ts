// The screen's state as plain data, and the shapes of what changes it: an
// action takes (state, context) and returns [state, reaction]; the reaction
// tells the app what to do outside the UI (quit, change the refresh
// interval, pause the collector, write the config, run a domain action,
// move a replay). Types only: state.ts, rewind.ts and the panes share them
// without importing each other.

import type { Plan } from '../actions/commands.js';
import type { WorkflowStep } from '../actions/workflow.js';
import type { SortKey } from '../model/sort.js';
import type { DomainView } from '../model/view.js';
import type { SeriesSource } from './chart.js';
import type { ColumnId, IoUnit } from './table.js';

/** What the screen knows of the recording played back (from UiHooks.replay.status()). */
export interface ReplayStatus {
  /** index of the record shown (-1 before the first) */
  index: number;
  length: number;
  speed: number;
  playing: boolean;
  /** wall time of the record shown, of the first and of the last one */
  currentMs: number | null;
  firstMs: number;
  lastMs: number;
}

/** Replay commands for the app to carry out (see UiHooks.replay). */
export interface TimeReaction {
  step?: 1 | -1;
  speed?: number;
  seekMs?: number;
}

export type ViewName = 'domains' | 'cpus' | 'nics' | 'disks' | 'hosts' | 'log' | 'noisy' | 'storage' | 'networks';
export type ListView = Exclude<ViewName, 'domains'>;
/** The views whose rows open: a pool to its volumes, a network to its leases. */
export type InventoryView = 'storage' | 'networks';

/** The pool or network opened in view 5 or 6 (Enter), and where the cursor was before. */
export interface OpenedItem {
  /** inventoryKey(host, uuid) */
  key: string;
  cursorWas: number;
}

export type Overlay =
  | { kind: 'help'; scroll: number }
  | { kind: 'columns'; cursor: number }
  | { kind: 'prompt'; purpose: 'filter' | 'interval' | 'jump'; text: string; error: string | null; previous: string }
  /** the steps of an action on guests: its prompt, confirmation and bulk preview (src/actions/workflow.ts) */
  | WorkflowStep
  /** the capacity pane (c): host headroom for the selected domain */
  | { kind: 'capacity'; scroll: number }
  /** the domain XML pane (X) */
  | XmlOverlay;

/** The domain XML pane: the live XML or the inactive definition, scrolled, searched. */
export interface XmlOverlay {
  kind: 'xml';
  domainKey: string;
  domainName: string;
  inactive: boolean;
  /** the XML's lines; null while it is being read */
  lines: string[] | null;
  /** why it could not be read */
  error: string | null;
  scroll: number;
  /** the search text; `searching` while it is being typed after / */
  search: string;
  searching: boolean;
}

export type StatusLevel = 'info' | 'ok' | 'warn' | 'error';

export interface StatusMessage {
  text: string;
  level: StatusLevel;
  atMs: number;
}

export interface UiState {
  view: ViewName;
  sort: SortKey;
  reverse: boolean;
  filter: string;
  /** the selected domain, by key: the selection follows it when the order changes */
  selectedKey: string | null;
  /** where the selection was; used when the selected domain goes away */
  selectedIndex: number;
  /** first domain row shown */
  scroll: number;
  listCursor: Record<ListView, number>;
  listScroll: Record<ListView, number>;
  columns: ColumnId[];
  io: IoUnit;
  paused: boolean;
  detailOpen: boolean;
  intervalSec: number;
  overlay: Overlay | null;
  status: StatusMessage | null;
  /** --readonly: every domain action answers "read-only mode" */
  readonly: boolean;
  /** keys of tagged domains (Space, t, u); actions apply to all of them when any is tagged */
  tagged: string[];
  /** keep each host's domains together in the table */
  groupByHost: boolean;
  /** Irix mode (%): host CPU figures with 100 % = one core instead of the whole host */
  irix: boolean;
  /** n: NAME shows the display name (OpenStack instance, else <title>) instead of libvirt's */
  displayNames?: boolean;
  /** disk latency marks from the config (ms per request); absent: table.ts's defaults */
  latencyMs?: { warn: number; crit: number };
  /** rewind cursor (←/→): the wall time of the history slot shown in the detail pane; null/absent = live */
  rewindAt?: number | null;
  /** set when the screen plays a recording (--replay): where playback is */
  replay?: ReplayStatus | null;
  /** the pool (view 5) or network (view 6) opened alone; absent or null: all of them, one row each */
  opened?: Partial<Record<InventoryView, OpenedItem | null>>;
}

export interface Reaction {
  quit?: boolean;
  setIntervalSec?: number;
  setPaused?: boolean;
  writeConfig?: boolean;
  /** read pools, volumes, networks and leases again now */
  refreshInventory?: boolean;
  /** repaint the whole terminal */
  redraw?: boolean;
  /** the action changed nothing on screen */
  none?: boolean;
  /** run this domain action (already planned, checked and confirmed) */
  runPlan?: Plan;
  /** run these (the tagged domains' plans, previewed and confirmed) */
  runBulk?: Plan[];
  /** replay controls: step, speed, jump (only with --replay) */
  time?: TimeReaction;
  /** read this domain's XML for the XML pane */
  loadXml?: { domainKey: string; inactive: boolean };
  /** write the XML shown to a backup file */
  saveXml?: { domainName: string; xml: string; inactive: boolean };
}

export interface ActionContext {
  /** keys of the domain rows in their on-screen order (sorted, filtered) */
  rowKeys: readonly string[];
  /** rows visible in the list of the current view */
  pageSize: number;
  /** rows of the current list view (1, 2, 3) and the domain each belongs to */
  listKeys: readonly (string | null)[];
  /** views 5 and 6: per row, the pool or network Enter opens (inventoryKey); null for the rows inside one */
  listOpens?: readonly (string | null)[];
  /** sortable columns in on-screen order */
  sortCycle: readonly SortKey[];
  nowMs: number;
  /** the domain an action would act on: the selected row, or the row under the cursor in views 2 and 3 */
  selected?: DomainView | null;
  /** the domain with this key as the model sees it now, or null if it is gone */
  domain?: (key: string) => DomainView | null;
  /** the wall times of the selected domain's history slots (for the rewind cursor) */
  times?: SeriesSource | null;
}

export type Action = (s: UiState, ctx: ActionContext) => [UiState, Reaction];
