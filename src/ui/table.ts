// The domain table as data: column definitions, how wide each is, which fit
// in the terminal, and the text and role of every cell. Pure — the pane
// only concatenates what this returns.

import { isStateName, stateLetter } from '../types/state.js';
import type { SortKey } from '../model/sort.js';
import type { DomainView } from '../model/view.js';
import { shortHost } from '../util/uri.js';
import type { Role } from '../theme/roles.js';
import { cpuTimeCell, formatDuration, formatMs, formatPercent, humanBytes, humanCount, humanKiB } from '../util/units.js';
import { cleanText } from './text.js';
import { displayName } from '../model/names.js';
import { bootKind } from '../model/boot.js';
import { heatStrip } from './heat.js';
import { primaryAddress } from '../model/insight.js';

export type ColumnId =
  | 'id'
  | 'state'
  | 'cpu'
  | 'vcpu'
  | 'vcpus'
  | 'memused'
  | 'memcur'
  | 'memmax'
  | 'mem'
  | 'rss'
  | 'auto'
  | 'rd'
  | 'wr'
  | 'rx'
  | 'tx'
  | 'time'
  | 'uptime'
  | 'host'
  | 'steal'
  | 'lat'
  | 'ovh'
  | 'heat'
  | 'ip'
  | 'project'
  | 'name';

export type IoUnit = 'bytes' | 'reqs';

export interface CellContext {
  io: IoUnit;
  /** thresholds-aware role for a percentage */
  gauge: (percent: number) => Role;
  /** Irix mode: host CPU figures with 100 % = one core instead of the whole host */
  irix?: boolean;
  /** NAME shows display names (model/names.ts) */
  displayNames?: boolean;
  /** disk latency marks (config "latencyMs"); absent: LATENCY_WARN_MS, LATENCY_CRIT_MS */
  latencyMs?: { warn: number; crit: number };
}

export interface Cell {
  text: string;
  role: Role | null;
}

export interface ColumnDef {
  id: ColumnId;
  title: (io: IoUnit) => string;
  width: number;
  align: 'left' | 'right';
  sort: ((io: IoUnit) => SortKey) | null;
  /** lower numbers are dropped first when the terminal is too narrow */
  priority: number;
  description: string;
  cell: (d: DomainView, ctx: CellContext) => Cell;
}

export { stateLetter };

export function stateRole(state: string): Role {
  return (isStateName(state) ? `state.${state}` : 'state.nostate') as Role;
}

const UNKNOWN: Cell = { text: '-', role: 'value.unknown' };
const INIT: Cell = { text: 'init', role: 'value.init' };

function num(text: string, role: Role | null = null): Cell {
  return text === '-' ? UNKNOWN : { text, role };
}

/** A rate: "init" before the second sample of an active domain, "-" when unknown. */
function rate(d: DomainView, v: number | null, fmt: (v: number) => string, role: Role | null = null): Cell {
  if (v === null) return d.initializing ? INIT : UNKNOWN;
  return { text: fmt(v), role };
}

/** Steal %, with "!" once it stayed above the threshold long enough (noisy neighbours). */
function stealCell(d: DomainView): Cell {
  const v = d.stealPercent ?? null;
  if (v === null) return d.active && d.initializing ? INIT : UNKNOWN;
  if (!d.stealAlert) return { text: formatPercent(v), role: v >= 20 ? 'gauge.crit' : v >= 5 ? 'gauge.warn' : null };
  const t = formatPercent(v);
  return { text: `${t.length >= 5 ? Math.round(v) : t}!`, role: 'gauge.crit' };
}

/**
 * Disk latency from which a cell is marked, ms per request, unless the
 * config's "latencyMs" says otherwise: 20 ms is slow for any SSD-backed or
 * cached disk; 100 ms is what a guest feels as a stall.
 */
export const LATENCY_WARN_MS = 20;
export const LATENCY_CRIT_MS = 100;

export function latencyRole(ms: number | null, limits: { warn: number; crit: number } = { warn: LATENCY_WARN_MS, crit: LATENCY_CRIT_MS }): Role | null {
  if (ms === null) return null;
  return ms >= limits.crit ? 'gauge.crit' : ms >= limits.warn ? 'gauge.warn' : null;
}

/** The state letter; a pause on a disk error is marked as the fault it is. */
function stateCell(d: DomainView): Cell {
  if (d.state === 'paused' && d.stateReason === 'ioerror') return { text: stateLetter(d.state), role: 'gauge.crit' };
  return { text: stateLetter(d.state), role: stateRole(d.state) };
}

/** yes / no / tran (a transient domain never autostarts) / - (not read yet). */
export function autostartText(d: Pick<DomainView, 'autostart' | 'persistent'>): string {
  const k = bootKind(d);
  return k === null ? '-' : { transient: 'tran', autostart: 'yes', 'no-autostart': 'no' }[k];
}

export const COLUMNS: readonly ColumnDef[] = [
  {
    id: 'id',
    title: () => 'ID',
    width: 5,
    align: 'right',
    sort: () => 'id',
    priority: 40,
    description: 'hypervisor id ("-" when not running)',
    cell: (d) => (d.id === null ? UNKNOWN : { text: String(d.id), role: null }),
  },
  {
    id: 'state',
    title: () => 'S',
    width: 1,
    align: 'left',
    sort: () => 'state',
    priority: 95,
    description: 'state: R running, B blocked, P paused (marked when paused on a disk I/O error), D shutting down, O off, X crashed, S suspended',
    cell: (d) => stateCell(d),
  },
  {
    id: 'cpu',
    title: () => '%CPU',
    width: 5,
    align: 'right',
    sort: () => 'cpu',
    priority: 90,
    description: 'CPU used, as a share of the whole host (after %: of one core, Irix mode)',
    cell: (d, ctx) => rate(d, ctx.irix ? (d.cpuCorePercent ?? null) : d.cpuPercent, (v) => formatPercent(v)),
  },
  {
    id: 'vcpu',
    title: () => '%VCPU',
    width: 5,
    align: 'right',
    sort: () => 'vcpu',
    priority: 30,
    description: 'CPU used, as a share of the domain\'s own vCPUs',
    cell: (d, ctx) => rate(d, d.vcpuPercent, (v) => formatPercent(v), d.vcpuPercent === null ? null : ctx.gauge(d.vcpuPercent)),
  },
  {
    id: 'vcpus',
    title: () => 'VCPU',
    width: 4,
    align: 'right',
    sort: () => 'vcpus',
    priority: 50,
    description: 'vCPUs (current)',
    cell: (d) => (d.vcpus === null ? UNKNOWN : { text: String(d.vcpus), role: null }),
  },
  {
    id: 'memused',
    title: () => 'MEMUSE',
    width: 6,
    align: 'right',
    sort: null,
    priority: 25,
    description: 'memory used inside the guest (needs the balloon driver\'s stats); "m?" no stats period (press m), "~" stale stats',
    cell: (d) => {
      if (d.guestStats === 'off') return { text: 'm?', role: 'value.unknown' };
      const c = num(humanKiB(d.memUsedKiB));
      return d.guestStats === 'stale' && d.memUsedKiB !== null ? { text: `~${c.text}`, role: 'status.warn' } : c;
    },
  },
  {
    id: 'memcur',
    title: () => 'MEMCUR',
    width: 6,
    align: 'right',
    sort: null,
    priority: 60,
    description: 'memory currently given to the guest (balloon)',
    cell: (d) => num(humanKiB(d.memCurrentKiB)),
  },
  {
    id: 'memmax',
    title: () => 'MEMMAX',
    width: 6,
    align: 'right',
    sort: null,
    priority: 20,
    description: 'maximum memory of the guest',
    cell: (d) => num(humanKiB(d.memMaxKiB)),
  },
  {
    id: 'mem',
    title: () => '%MEM',
    width: 5,
    align: 'right',
    sort: () => 'mem',
    priority: 80,
    description: 'current memory as a share of host memory',
    cell: (d) => num(formatPercent(d.memPercent)),
  },
  {
    id: 'steal',
    title: () => 'ST%',
    width: 5,
    align: 'right',
    sort: () => 'steal',
    priority: 45,
    description: 'steal: mean share of time its vCPUs waited for a host CPU (run-queue delay); ! after 5 ticks above 10 %',
    cell: (d) => stealCell(d),
  },
  {
    id: 'lat',
    title: () => 'LATms',
    width: 5,
    align: 'right',
    sort: () => 'latency',
    priority: 35,
    description: `disk latency: the worst disk's mean ms per read/write request over the tick; marked from ${LATENCY_WARN_MS} and ${LATENCY_CRIT_MS} ms (config "latencyMs")`,
    cell: (d, ctx) => {
      const v = d.diskLatencyMs ?? null;
      // No request in the tick is not "fast": it is "-".
      if (v === null) return d.active && d.initializing ? INIT : UNKNOWN;
      return { text: formatMs(v), role: latencyRole(v, ctx.latencyMs) };
    },
  },
  {
    id: 'auto',
    title: () => 'AUTO',
    width: 4,
    align: 'left',
    sort: () => 'autostart',
    priority: 30,
    description: 'starts with the host (virsh autostart): yes, no, or tran for a transient domain (it never does); read every 30 s',
    cell: (d) => ({ text: autostartText(d), role: null }),
  },
  {
    id: 'ovh',
    title: () => 'OVH%',
    width: 5,
    align: 'right',
    sort: null,
    priority: 35,
    description: 'overhead: CPU of QEMU outside the vCPUs (emulator, I/O threads, vhost), share of the host (of one core after %)',
    cell: (d, ctx) => rate(d, (ctx.irix ? d.overheadCorePercent : d.overheadPercent) ?? null, (v) => formatPercent(v)),
  },
  {
    id: 'rss',
    title: () => 'RSS',
    width: 6,
    align: 'right',
    sort: () => 'rss',
    priority: 15,
    description: 'resident memory of the QEMU process',
    cell: (d) => num(humanKiB(d.rssKiB)),
  },
  {
    id: 'rd',
    title: (io) => (io === 'bytes' ? 'RDBY' : 'RDRQ'),
    width: 5,
    align: 'right',
    sort: (io) => (io === 'bytes' ? 'block' : 'blockreq'),
    priority: 70,
    description: 'disk reads per second (bytes, or requests after i)',
    cell: (d, ctx) =>
      ctx.io === 'bytes' ? rate(d, d.rdBytesPerSec, (v) => humanBytes(v)) : rate(d, d.rdReqPerSec, (v) => humanCount(v, 4)),
  },
  {
    id: 'wr',
    title: (io) => (io === 'bytes' ? 'WRBY' : 'WRRQ'),
    width: 5,
    align: 'right',
    sort: (io) => (io === 'bytes' ? 'block' : 'blockreq'),
    priority: 69,
    description: 'disk writes per second (bytes, or requests after i)',
    cell: (d, ctx) =>
      ctx.io === 'bytes' ? rate(d, d.wrBytesPerSec, (v) => humanBytes(v)) : rate(d, d.wrReqPerSec, (v) => humanCount(v, 4)),
  },
  {
    id: 'rx',
    title: () => 'RXBY',
    width: 5,
    align: 'right',
    sort: () => 'net',
    priority: 65,
    description: 'network bytes received per second',
    cell: (d) => rate(d, d.rxBytesPerSec, (v) => humanBytes(v)),
  },
  {
    id: 'tx',
    title: () => 'TXBY',
    width: 5,
    align: 'right',
    sort: () => 'net',
    priority: 64,
    description: 'network bytes sent per second',
    cell: (d) => rate(d, d.txBytesPerSec, (v) => humanBytes(v)),
  },
  {
    id: 'time',
    title: () => 'TIME',
    width: 9,
    align: 'right',
    sort: () => 'time',
    priority: 55,
    description: 'CPU time used since the domain started',
    cell: (d) => num(cpuTimeCell(d.cpuTimeNs)),
  },
  {
    id: 'uptime',
    title: () => 'UPTIME',
    width: 11,
    align: 'right',
    sort: null,
    priority: 10,
    description: 'time since the QEMU process started',
    cell: (d) => num(formatDuration(d.uptimeSec)),
  },
  {
    id: 'heat',
    title: () => 'VCPUS',
    width: 8,
    align: 'left',
    sort: null,
    priority: 12,
    description: 'per-vCPU load strip (▁ to █ = 0 to 100 % of a core, · unknown); more than 8 vCPUs: means of runs, ending in …',
    cell: (d, ctx) => {
      if (!d.active || d.vcpuThreads.length === 0) return UNKNOWN;
      const loads = d.vcpuThreads.map((t) => t.cpuPercent);
      const known = loads.filter((v): v is number => v !== null);
      if (known.length === 0) return d.initializing ? INIT : UNKNOWN;
      return { text: heatStrip(loads, 8), role: ctx.gauge(Math.max(...known)) };
    },
  },
  {
    id: 'ip',
    title: () => 'IP',
    width: 15,
    align: 'left',
    sort: null,
    priority: 8,
    description: 'guest IP address (DHCP lease, guest agent or ARP; looked up every 30 s; source in the NIC tables)',
    cell: (d) => {
      const a = primaryAddress(d.addresses);
      return a === null ? UNKNOWN : { text: a.addr, role: null };
    },
  },
  {
    id: 'host',
    title: () => 'HOST',
    width: 12,
    align: 'left',
    sort: () => 'host',
    priority: 85,
    description: 'host the domain runs on (shown when several hosts are watched)',
    cell: (d) => ({ text: cleanText(shortHost(d.host)), role: null }),
  },
  {
    id: 'project',
    title: () => 'PROJECT',
    width: 12,
    align: 'left',
    sort: () => 'project',
    priority: 5,
    description: 'OpenStack project of the instance (Nova metadata); - elsewhere',
    cell: (d) => (d.openstack?.projectName ? { text: cleanText(d.openstack.projectName), role: null } : { text: '-', role: 'value.unknown' }),
  },
  {
    id: 'name',
    title: () => 'NAME',
    width: 0,
    align: 'left',
    sort: () => 'name',
    priority: 100,
    description: 'name (n: display name)',
    cell: (d, ctx) => ({ text: cleanText(ctx.displayNames ? displayName(d) : d.name), role: null }),
  },
];

export const COLUMN_BY_ID: ReadonlyMap<ColumnId, ColumnDef> = new Map(COLUMNS.map((c) => [c.id, c]));
export const ALL_COLUMN_IDS: readonly ColumnId[] = COLUMNS.map((c) => c.id);
export const DEFAULT_COLUMNS: readonly ColumnId[] = [
  'id',
  'state',
  'cpu',
  'vcpu',
  'vcpus',
  'memused',
  'memcur',
  'mem',
  'steal',
  'ovh',
  'rd',
  'wr',
  'rx',
  'tx',
  'time',
  'host',
  'name',
];

export function isColumnId(s: string): s is ColumnId {
  return COLUMN_BY_ID.has(s as ColumnId);
}

/** Column ids from a config file: unknown ones dropped (reported), NAME always kept, table order kept. */
export function normalizeColumns(ids: readonly string[] | null): { columns: ColumnId[]; unknown: string[] } {
  if (ids === null) return { columns: [...DEFAULT_COLUMNS], unknown: [] };
  const unknown = ids.filter((i) => !isColumnId(i));
  const wanted = new Set(ids.filter(isColumnId));
  wanted.add('name');
  return { columns: ALL_COLUMN_IDS.filter((c) => wanted.has(c)), unknown };
}

export const NAME_MIN_WIDTH = 10;

export interface PlacedColumn {
  def: ColumnDef;
  /** first cell of the column in the line */
  x: number;
  width: number;
}

/**
 * Which of the shown columns fit in `width` cells and where. HOST appears
 * only with several hosts; NAME takes what is left; when even NAME's
 * minimum does not fit, the lowest-priority columns go first.
 */
export function placeColumns(shown: readonly ColumnId[], width: number, opts: { multiHost: boolean; hostWidth?: number }): PlacedColumn[] {
  let defs = shown
    .map((id) => COLUMN_BY_ID.get(id) as ColumnDef)
    .filter((c) => c && (c.id !== 'host' || opts.multiHost));
  const widthOf = (c: ColumnDef) => (c.id === 'host' ? Math.max(4, Math.min(opts.hostWidth ?? c.width, 20)) : c.width);
  const needed = (cs: ColumnDef[]) =>
    cs.reduce((acc, c) => acc + (c.id === 'name' ? NAME_MIN_WIDTH : widthOf(c)), 0) + Math.max(0, cs.length - 1);
  while (defs.length > 1 && needed(defs) > width) {
    let drop = -1;
    for (let i = 0; i < defs.length; i++) {
      if (defs[i].id === 'name') continue;
      if (drop < 0 || defs[i].priority < defs[drop].priority) drop = i;
    }
    if (drop < 0) break;
    defs = defs.filter((_, i) => i !== drop);
  }
  const placed: PlacedColumn[] = [];
  let x = 0;
  const fixed = defs.filter((c) => c.id !== 'name').reduce((a, c) => a + widthOf(c) + 1, 0);
  for (const def of defs) {
    const w = def.id === 'name' ? Math.max(1, width - fixed - (defs[defs.length - 1].id === 'name' ? 0 : 1)) : widthOf(def);
    placed.push({ def, x, width: w });
    x += w + 1;
  }
  return placed;
}

/** Sortable columns in on-screen order, for < and >. */
export function sortCycle(placed: readonly PlacedColumn[], io: IoUnit): SortKey[] {
  const out: SortKey[] = [];
  for (const p of placed) {
    const k = p.def.sort?.(io);
    if (k && !out.includes(k)) out.push(k);
  }
  return out;
}

/** The column that carries a sort key's marker (the first one sorting by it). */
export function sortColumnIndex(placed: readonly PlacedColumn[], sort: SortKey, io: IoUnit): number {
  return placed.findIndex((p) => p.def.sort?.(io) === sort);
}

/** Column under screen column x of the table, or null. */
export function columnAt(placed: readonly PlacedColumn[], x: number): PlacedColumn | null {
  for (const p of placed) if (x >= p.x && x < p.x + p.width + 1) return p;
  return null;
}
