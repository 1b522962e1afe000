// virt-top 1.0.9's --csv and --stream output, for scripts written against
// it (virtop --virt-top-compat). The figures are virt-top's: deltas of the
// cumulative counters between two ticks (not per-second rates), and its
// quirks kept so existing arithmetic stays right: "Mem (bytes)" holds the
// balloon size in KiB, %Mem is a whole number, a guest's CPU figures are 0
// on its first tick and block and network fields are empty until a
// previous tick saw at least one such device. Where virtop does not know a
// value (virt-top would have printed 0) the field is empty. Pure functions.

import type { DomainSample, HostSample, StateName } from '../types/sample.js';
import { clockText } from '../util/units.js';
import { sanitizeForTerminal } from './sanitize.js';

export interface VirtTopCsvFlags {
  cpu: boolean;
  mem: boolean;
  block: boolean;
  net: boolean;
  /** block columns in bytes (RDBY/WRBY) instead of requests */
  blockInBytes: boolean;
}

/** One active guest's figures for one tick, as virt-top computes them. */
export interface VirtTopDomain {
  id: number | null;
  name: string;
  state: StateName;
  /** cumulative CPU time (the stream's TIME column) */
  cpuTimeNs: bigint | null;
  /** since the previous tick; 0 on the guest's first tick, null when unknown */
  cpuDeltaNs: number | null;
  cpuPercent: number | null;
  /** the balloon's current size in KiB (virt-top calls it bytes); 0 on the first tick */
  memKiB: bigint | null;
  memPercent: bigint | null;
  /** summed over devices since the previous tick; null before a tick that saw a device, or when unknown */
  rdReqs: bigint | null;
  wrReqs: bigint | null;
  rdBytes: bigint | null;
  wrBytes: bigint | null;
  rxBytes: bigint | null;
  txBytes: bigint | null;
}

export interface VirtTopTick {
  hostname: string;
  /** wall time of the tick, ms since the epoch */
  wallMs: number;
  arch: string;
  /** online CPUs, and the topology's count (virt-top's "Physical CPUs") */
  cpus: number;
  maxCpus: number;
  mhz: number;
  memoryKiB: bigint;
  count: number;
  running: number;
  blocked: number;
  paused: number;
  shutdown: number;
  shutoff: number;
  crashed: number;
  active: number;
  inactive: number;
  /** guests' CPU time since the previous tick over the host's CPU time in the same span */
  cpuPercent: number;
  totalCpuNs: number;
  totalMemKiB: bigint;
  /** of guests with an ID above 0 (on Xen, all but dom0; elsewhere all) */
  totalGuestMemKiB: bigint;
  /** active guests in ID order */
  domains: VirtTopDomain[];
}

const ACTIVE_COUNTED: Partial<Record<StateName, keyof Pick<VirtTopTick, 'running' | 'blocked' | 'paused' | 'shutdown' | 'shutoff' | 'crashed'>>> = {
  running: 'running',
  blocked: 'blocked',
  paused: 'paused',
  // virt-top counts a suspended-to-RAM guest as paused
  pmsuspended: 'paused',
  shutdown: 'shutdown',
  crashed: 'crashed',
};

function sum(values: readonly (bigint | null)[]): bigint | null {
  let t = 0n;
  for (const v of values) {
    if (v === null) return null;
    t += v;
  }
  return t;
}

function delta(prev: bigint | null | undefined, cur: bigint | null): bigint | null {
  return prev === null || prev === undefined || cur === null ? null : cur - prev;
}

/** The same run of the guest (a restart starts its counters again). */
function sameRun(prev: DomainSample | undefined, cur: DomainSample): prev is DomainSample {
  return prev !== undefined && prev.state !== 'shutoff' && (prev.id === null || cur.id === null || prev.id === cur.id);
}

/**
 * One tick of a host as virt-top reports it, from this tick's sample and
 * the previous one (null on the first). Needs the host's info (a host that
 * never answered has no tick).
 */
export function virtTopTick(prev: HostSample | null, cur: HostSample): VirtTopTick | null {
  const info = cur.info;
  if (!info) return null;
  const elapsedNs = prev ? Number(cur.monoNs - prev.monoNs) : 0;
  // virt-top divides by the online CPUs' time in the span (its total_cpu)
  const hostCpuNs = elapsedNs > 0 ? info.cpus * elapsedNs : 1;
  const before = new Map((prev?.domains ?? []).map((d) => [d.uuid, d]));
  const t: VirtTopTick = {
    hostname: info.hostname,
    wallMs: cur.wallMs,
    arch: info.model,
    cpus: info.cpus,
    maxCpus: info.maxCpus ?? info.cpus,
    mhz: info.mhz,
    memoryKiB: info.memoryKiB,
    count: cur.domains.length,
    running: 0,
    blocked: 0,
    paused: 0,
    shutdown: 0,
    shutoff: 0,
    crashed: 0,
    active: 0,
    inactive: 0,
    cpuPercent: 0,
    totalCpuNs: 0,
    totalMemKiB: 0n,
    totalGuestMemKiB: 0n,
    domains: [],
  };
  for (const d of cur.domains) {
    if (d.state === 'shutoff') {
      t.inactive++;
      continue;
    }
    t.active++;
    const counted = ACTIVE_COUNTED[d.state];
    if (counted) t[counted]++;
    const p = before.get(d.uuid);
    const run = sameRun(p, d) ? p : undefined;
    const memKiB = d.balloon.currentKiB;
    if (memKiB !== null) {
      t.totalMemKiB += memKiB;
      if (d.id !== null && d.id > 0) t.totalGuestMemKiB += memKiB;
    }
    const cpuDeltaNs = run ? (run.cpuTimeNs === null || d.cpuTimeNs === null ? null : Number(d.cpuTimeNs - run.cpuTimeNs)) : 0;
    if (cpuDeltaNs !== null) t.totalCpuNs += cpuDeltaNs;
    const hadDisks = run !== undefined && run.disks.length > 0;
    const hadNics = run !== undefined && run.nics.length > 0;
    const blockSum = (k: 'rdReqs' | 'wrReqs' | 'rdBytes' | 'wrBytes') => (hadDisks ? delta(sum(run.disks.map((x) => x[k])), sum(d.disks.map((x) => x[k]))) : null);
    const netSum = (k: 'rxBytes' | 'txBytes') => (hadNics ? delta(sum(run.nics.map((x) => x[k])), sum(d.nics.map((x) => x[k]))) : null);
    t.domains.push({
      id: d.id,
      name: d.name,
      state: d.state,
      cpuTimeNs: d.cpuTimeNs,
      cpuDeltaNs,
      cpuPercent: cpuDeltaNs === null ? null : (100 * cpuDeltaNs) / hostCpuNs,
      memKiB: run ? memKiB : 0n,
      // whole percent, rounded down as virt-top's int64 division does
      memPercent: run ? (memKiB === null || info.memoryKiB <= 0n ? null : (100n * memKiB) / info.memoryKiB) : 0n,
      rdReqs: blockSum('rdReqs'),
      wrReqs: blockSum('wrReqs'),
      rdBytes: blockSum('rdBytes'),
      wrBytes: blockSum('wrBytes'),
      rxBytes: netSum('rxBytes'),
      txBytes: netSum('txBytes'),
    });
  }
  t.cpuPercent = (100 * t.totalCpuNs) / hostCpuNs;
  t.domains.sort((a, b) => (a.id ?? -1) - (b.id ?? -1));
  return t;
}

/**
 * OCaml's string_of_float: C's "%.12g", then a "." when the result looks
 * like an integer (0 → "0.", 1.5e9 → "1500000000.", 1.5e12 → "1.5e+12").
 */
export function ocamlFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const g = formatG(x, 12);
  return /^-?\d+$/.test(g) ? `${g}.` : g;
}

/**
 * C's printf "%.{d}f". It differs from toFixed on exact ties: C rounds a
 * value exactly halfway to the even digit (55.25 → "55.2"), toFixed up.
 */
export function cFixed(x: number, d: number): string {
  const up = x.toFixed(d);
  // An exact tie ends in 5 at the next digit with nothing after it (a double's expansion terminates).
  const exact = Math.abs(x).toFixed(Math.min(100, d + 40));
  if (!/^\d+\.?\d*$/.test(exact)) return up;
  const cut = exact.indexOf('.') + d + (d > 0 ? 1 : 0);
  if (!/^50*$/.test(exact.slice(cut + (d === 0 ? 1 : 0)))) return up;
  const kept = exact.slice(0, cut).replace('.', '');
  if (Number(kept[kept.length - 1]) % 2 === 1) return up;
  const down = exact.slice(0, cut).replace(/\.$/, '');
  return x < 0 ? `-${down}` : down;
}

/** C's printf "%.{p}g". */
export function formatG(x: number, p: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, expText] = x.toExponential(p - 1).split('e');
  const exp = Number(expText);
  const strip = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= p) {
    const e = Math.abs(exp);
    return `${strip(mant)}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  return strip(cFixed(x, p - 1 - exp));
}

export function virtTopCsvHeader(f: VirtTopCsvFlags): string[] {
  return [
    'Hostname',
    'Time',
    'Arch',
    'Physical CPUs',
    'Count',
    'Running',
    'Blocked',
    'Paused',
    'Shutdown',
    'Shutoff',
    'Crashed',
    'Active',
    'Inactive',
    '%CPU',
    'Total hardware memory (KB)',
    'Total memory (KB)',
    'Total guest memory (KB)',
    'Total CPU time (ns)',
    // repeated for each guest in the rows
    'Domain ID',
    'Domain name',
    ...(f.cpu ? ['CPU (ns)', '%CPU'] : []),
    ...(f.mem ? ['Mem (bytes)', '%Mem'] : []),
    ...(f.block ? (f.blockInBytes ? ['Block RDBY', 'Block WRBY'] : ['Block RDRQ', 'Block WRRQ']) : []),
    ...(f.net ? ['Net RXBY', 'Net TXBY'] : []),
  ];
}

const text = (v: bigint | number | null): string => (v === null ? '' : String(v));

export function virtTopCsvRow(t: VirtTopTick, f: VirtTopCsvFlags): string[] {
  const row = [
    t.hostname,
    clockText(t.wallMs),
    t.arch,
    String(t.maxCpus),
    String(t.count),
    String(t.running),
    String(t.blocked),
    String(t.paused),
    String(t.shutdown),
    String(t.shutoff),
    String(t.crashed),
    String(t.active),
    String(t.inactive),
    cFixed(t.cpuPercent, 1),
    String(t.memoryKiB),
    String(t.totalMemKiB),
    String(t.totalGuestMemKiB),
    // OCaml's Int64.of_float truncates
    String(Math.trunc(t.totalCpuNs)),
  ];
  for (const d of t.domains) {
    row.push(text(d.id), d.name);
    if (f.cpu) row.push(d.cpuDeltaNs === null ? '' : ocamlFloat(d.cpuDeltaNs), d.cpuPercent === null ? '' : ocamlFloat(d.cpuPercent));
    if (f.mem) row.push(text(d.memKiB), text(d.memPercent));
    if (f.block) row.push(...(f.blockInBytes ? [text(d.rdBytes), text(d.wrBytes)] : [text(d.rdReqs), text(d.wrReqs)]));
    if (f.net) row.push(text(d.rxBytes), text(d.txBytes));
  }
  return row;
}

/** One CSV line: a field with a comma, quote or line break is quoted, quotes doubled (as virt-top's CSV library writes). */
export function csvLine(fields: readonly string[]): string {
  return fields.map((v) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
}

// ---- --stream -----------------------------------------------------------

const STATE_LETTER: Record<StateName, string> = {
  nostate: '?',
  running: 'R',
  blocked: 'S',
  paused: 'P',
  shutdown: 'D',
  shutoff: 'O',
  crashed: 'X',
  // virt-top 1.0.9 reads a suspended-to-RAM guest as paused
  pmsuspended: 'P',
};

/** A percentage in 4 characters, virt-top's way. */
export function streamPercent(p: number | null): string {
  if (p === null || p <= 0) return ' 0.0';
  if (p <= 9.9) return ` ${cFixed(p, 1)}`;
  if (p <= 99.9) return cFixed(p, 1);
  return '100 ';
}

/** A count in 4 characters: plain up to 9999, then K, M, G (powers of 1024). */
export function streamCount(n: bigint | null): string {
  if (n === null) return '    ';
  if (n < 0n) return '-!!!';
  if (n <= 9999n) return String(n).padStart(4);
  for (const [unit, div] of [['K', 1024n], ['M', 1048576n], ['G', 1073741824n]] as const) {
    if (n / div <= 999n) return `${String(n / div).padStart(3)}${unit}`;
  }
  return '>!!!';
}

/** Cumulative CPU time in 9 characters: M:SS.hh below 12 hours, then H:MM:SS, then DdHH:MM. */
export function streamTime(ns: bigint | null): string {
  if (ns === null) return '        -';
  const hours = ns / 3_600_000_000_000n;
  let rest = ns - hours * 3_600_000_000_000n;
  const mins = rest / 60_000_000_000n;
  rest -= mins * 60_000_000_000n;
  const secs = rest / 1_000_000_000n;
  rest -= secs * 1_000_000_000n;
  const hundredths = rest / 10_000_000n;
  const two = (n: bigint) => String(n).padStart(2, '0');
  if (hours < 12n) return `${String(hours * 60n + mins).padStart(3)}:${two(secs)}.${two(hundredths)}`;
  if (hours <= 999n) return `${String(hours).padStart(3)}:${two(mins)}:${two(secs)}`;
  const days = hours / 24n;
  return `${String(days).padStart(3)}d${two(hours - days * 24n)}:${two(mins)}`;
}

/** One tick in virt-top's --stream layout. Names are made inert for a terminal (this goes to stdout). */
export function virtTopStreamFrame(t: VirtTopTick, blockInBytes: boolean): string {
  const lines = [
    `virt-top time  ${clockText(t.wallMs)} Host ${sanitizeForTerminal(t.hostname)} ${sanitizeForTerminal(t.arch)} ${t.cpus}/${t.maxCpus}CPU ${t.mhz}MHz ${t.memoryKiB / 1024n}MB `,
    `   ID S ${blockInBytes ? 'RDBY WRBY' : 'RDRQ WRRQ'} RXBY TXBY %CPU %MEM   TIME    NAME`,
  ];
  // virt-top prints "   0" where it has no figure yet
  const count = (v: bigint | null) => (v === null ? '   0' : streamCount(v));
  for (const d of t.domains) {
    const rd = blockInBytes ? d.rdBytes : d.rdReqs;
    const wr = blockInBytes ? d.wrBytes : d.wrReqs;
    const memPercent = d.memPercent === null ? null : Number(d.memPercent);
    lines.push(
      `${String(d.id ?? -1).padStart(5)} ${STATE_LETTER[d.state]} ${count(rd)} ${count(wr)} ${count(d.rxBytes)} ${count(d.txBytes)} ${streamPercent(d.cpuPercent)} ${streamPercent(memPercent)} ${streamTime(d.cpuTimeNs)} ${sanitizeForTerminal(d.name)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
