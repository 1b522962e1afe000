// "Insight" figures the model derives from two samples, beyond virt-top's:
// the four CPU numbers (host, guest, steal, overhead), the guest memory
// chain's freshness and rates, contention caused on a host, and which IP
// addresses belong to which NIC. Pure functions, no I/O; unknown is null.

import type { AddressSource, DomainAddresses, DomainSample, GuestIpAddress, ProcessSample } from '../types/sample.js';
import { counterRate, cpuPercent, scanElapsedNs, sumKnown } from './rates.js';
import { previousMatch } from './previous.js';

// ---------------------------------------------------------------------------
// CPU

/**
 * CPU time of everything in the domain that is not a vCPU, in ns over the
 * interval, from /proc: the QEMU process's total (all its threads, the
 * emulator main loop, IO threads, worker pools and — on Linux >= 6.4 — its
 * vhost_task workers, which are threads of the process) minus its vCPU
 * threads, plus vhost kernel threads outside the process (Linux < 6.4).
 * In-process vhost workers are not added: they are in the total already.
 * Null when the two readings are not of the same process or the vCPU
 * threads changed (hot-plug) in between.
 */
export function procOverheadNs(prev: ProcessSample, cur: ProcessSample): bigint | null {
  if (prev.pid !== cur.pid || prev.cpuTimeNs === null || cur.cpuTimeNs === null) return null;
  const vcpu = procVcpuDeltaNs(prev, cur);
  if (vcpu === null) return null;
  const vcpuNs = vcpu.ns;
  const totalNs = cur.cpuTimeNs - prev.cpuTimeNs;
  if (totalNs < 0n) return null;
  // utime/stime are tick-granular and scaled per thread by the kernel; a few
  // ms of disagreement can make the difference dip below zero.
  let overhead = totalNs - vcpuNs;
  if (overhead < 0n) overhead = 0n;
  if (!prev.vhost?.length || !cur.vhost?.length) return overhead;
  const prevVhost = new Map<number, bigint>();
  for (const v of prev.vhost) if (!v.inQemuProcess) prevVhost.set(v.tid, v.cpuTimeNs);
  for (const v of cur.vhost) {
    if (v.inQemuProcess) continue;
    const p = prevVhost.get(v.tid);
    if (p !== undefined && v.cpuTimeNs >= p) overhead += v.cpuTimeNs - p;
  }
  return overhead;
}

/**
 * Σ vcpu.N.time over the interval, in ns, of the vCPUs online in both
 * samples, and how many they are. Null when a vCPU came or went (hot-plug,
 * offlined), a time is unknown, or a counter went backwards: a sum over a
 * changed set would mix vCPUs that were not there for the whole interval.
 */
export function vcpuTimeDeltaNs(prev: DomainSample, cur: DomainSample): { ns: bigint; count: number } | null {
  let prevOnline = 0;
  for (const p of prev.vcpus) if (p.state !== 0) prevOnline++;
  let online = 0;
  let ns = 0n;
  for (let i = 0; i < cur.vcpus.length; i++) {
    const v = cur.vcpus[i];
    if (v.state === 0) continue;
    online++;
    const p = previousMatch(prev.vcpus, 'vcpu', v.vcpu, i);
    if (!p || p.state === 0 || p.timeNs === null || v.timeNs === null || v.timeNs < p.timeNs) return null;
    ns += v.timeNs - p.timeNs;
  }
  if (online === 0 || online !== prevOnline) return null;
  return { ns, count: online };
}

/**
 * Σ vcpu.N.time of the online vCPUs, the raw counter behind guest CPU; null
 * when any is unknown, or libvirt was not asked for them (the screen on a
 * local host: collector/direct.ts). Not the vCPU threads' sum in their
 * place: that is schedstat's runtime, ahead of libvirt's 10 ms ticks, and a
 * counter that switched between the two would step back.
 */
export function vcpuTimeSumNs(cur: DomainSample): bigint | null {
  let ns = 0n;
  let online = 0;
  for (const v of cur.vcpus) {
    if (v.state === 0) continue;
    if (v.timeNs === null) return null;
    ns += v.timeNs;
    online++;
  }
  return online === 0 ? null : ns;
}

/**
 * The same from libvirt's counters, for hosts without /proc access: the
 * domain's cgroup CPU time (cpu.time: every QEMU thread, and vhost kernel
 * threads, which the kernel attaches to the owner's cgroup) minus the sum
 * of vcpu.N.time. Null unless every vCPU's time is known in both samples.
 */
export function libvirtOverheadNs(prev: DomainSample, cur: DomainSample): bigint | null {
  if (prev.cpuTimeNs === null || cur.cpuTimeNs === null) return null;
  const vcpu = vcpuTimeDeltaNs(prev, cur);
  if (vcpu === null) return null;
  const total = cur.cpuTimeNs - prev.cpuTimeNs;
  if (total < 0n) return null;
  return total > vcpu.ns ? total - vcpu.ns : 0n;
}

export interface GuestCpuReading {
  /** the guest's own CPU: Σ vCPU time over (elapsed × online vCPUs), percent */
  percent: number | null;
  source: 'libvirt' | 'proc' | null;
}

/**
 * Guest CPU (%VCPU): how busy the guest kept its own vCPUs. On a local host
 * from the vCPU threads' schedstat runtime (ns, timed by the /proc scan);
 * elsewhere from libvirt's vcpu.N.time, timed by the stats call. libvirt
 * reads vcpu.N.time from the same threads' /proc stat, in 10 ms ticks: over
 * a 0.5 s interval that alone can make a busy vCPU read 104 %. Unlike
 * cpu.time it leaves out QEMU's emulator and I/O threads, so it passes 100
 * only by the counters' resolution. Null when neither is known for both
 * samples, or a vCPU came or went.
 */
const NO_GUEST_CPU: Readonly<GuestCpuReading> = Object.freeze({ percent: null, source: null });

export function guestCpu(prev: DomainSample | null, cur: DomainSample, statsElapsedNs: bigint, fallbackNs: bigint): Readonly<GuestCpuReading> {
  const none = NO_GUEST_CPU;
  if (prev === null) return none;
  const pp = prev.process;
  const cp = cur.process;
  const threads = pp && cp ? procVcpuDeltaNs(pp, cp) : null;
  if (threads !== null && pp && cp) {
    const elapsed = scanElapsedNs({ monoNs: pp.monoNs, spanNs: pp.spanNs }, { monoNs: cp.monoNs, spanNs: cp.spanNs }, fallbackNs);
    if (elapsed === null || elapsed <= 0n) return none;
    return { percent: cpuPercent(0n, threads.ns, elapsed, threads.count), source: 'proc' };
  }
  const vcpu = vcpuTimeDeltaNs(prev, cur);
  if (vcpu === null || statsElapsedNs <= 0n) return none;
  return { percent: cpuPercent(0n, vcpu.ns, statsElapsedNs, vcpu.count), source: 'libvirt' };
}

/**
 * Σ CPU time of the QEMU process's vCPU threads over the interval (ns), and
 * how many they are; null when the process changed, or a vCPU thread came,
 * went or went backwards.
 */
export function procVcpuDeltaNs(prev: ProcessSample, cur: ProcessSample): { ns: bigint; count: number } | null {
  if (prev.pid !== cur.pid) return null;
  // No map per call: a QEMU has a few dozen threads, listed in the same order each scan.
  let prevCount = 0;
  for (const t of prev.threads) if (t.vcpu !== null) prevCount++;
  let count = 0;
  let ns = 0n;
  for (let i = 0; i < cur.threads.length; i++) {
    const t = cur.threads[i];
    if (t.vcpu === null) continue;
    count++;
    const p = previousMatch(prev.threads, 'tid', t.tid, i);
    if (p === undefined || p.vcpu === null || t.cpuTimeNs < p.cpuTimeNs) return null;
    ns += t.cpuTimeNs - p.cpuTimeNs;
  }
  if (count === 0 || count !== prevCount) return null;
  return { ns, count };
}

export interface OverheadReading {
  /** share of the whole host, like virt-top's %CPU */
  percent: number | null;
  /** 100 % = one core */
  corePercent: number | null;
  source: 'proc' | 'libvirt' | null;
}

/**
 * Overhead % of a domain between two samples: from /proc when both samples
 * carry the QEMU process with its vCPU threads, else from libvirt.
 * `fallbackNs` times readings without their own stamps (as elsewhere).
 */
const NO_OVERHEAD: Readonly<OverheadReading> = Object.freeze({ percent: null, corePercent: null, source: null });

export function overhead(prev: DomainSample | null, cur: DomainSample, statsElapsedNs: bigint, fallbackNs: bigint, hostCpus: number | null): Readonly<OverheadReading> {
  const none = NO_OVERHEAD;
  if (prev === null) return none;
  let ns: bigint | null = null;
  let elapsed: bigint | null = null;
  let source: OverheadReading['source'] = null;
  if (prev.process && cur.process && cur.process.threads.some((t) => t.vcpu !== null)) {
    ns = procOverheadNs(prev.process, cur.process);
    elapsed = scanElapsedNs(
      { monoNs: prev.process.monoNs, spanNs: prev.process.spanNs },
      { monoNs: cur.process.monoNs, spanNs: cur.process.spanNs },
      fallbackNs,
    );
    source = 'proc';
  } else {
    ns = libvirtOverheadNs(prev, cur);
    elapsed = statsElapsedNs;
    source = 'libvirt';
  }
  if (ns === null || elapsed === null || elapsed <= 0n) return none;
  const core = cpuPercent(0n, ns, elapsed, 1);
  return {
    corePercent: core,
    percent: core === null || hostCpus === null || !(hostCpus > 0) ? null : core / hostCpus,
    source,
  };
}

/**
 * Steal of a domain: the mean over its vCPUs of the share of time each
 * wanted a host CPU and waited in the run queue (schedstat run_delay, or
 * libvirt's vcpu.N.delay) — what `top` inside the guest shows as "st".
 * Null when any vCPU's figure is unknown.
 */
export function meanSteal(perVcpu: readonly (number | null)[]): number | null {
  const sum = sumKnown(perVcpu);
  return sum === null ? null : sum / perVcpu.length;
}

// ---------------------------------------------------------------------------
// Memory: guest stats freshness and guest-side rates

/**
 * ok: fresh guest stats; stale: the last update is older than three periods;
 * off: no stats period set (press m); waiting: a period is set but the guest
 * has not reported yet (no balloon driver in the guest?); no-balloon: no
 * balloon device; unknown: not running, or nothing to tell.
 */
export type GuestStatsState = 'ok' | 'stale' | 'off' | 'waiting' | 'no-balloon' | 'unknown';

/** Period assumed when guest stats arrive but the XML does not say how often. */
export const ASSUMED_STATS_PERIOD_SEC = 10;
/** Stats older than this many periods are stale. */
export const STALE_PERIODS = 3;

/**
 * Freshness of the guest's memory report. Its stamp (balloon.last-update,
 * wall seconds) counts only when it could be true: 0, or a time before the
 * guest's QEMU started (`startedWallMs`, when known), is a driver's
 * placeholder and means "unknown", never an age of decades.
 */
export function guestStatsState(
  ds: Pick<DomainSample, 'balloon' | 'hasBalloon' | 'balloonStatsPeriodSec'>,
  active: boolean,
  wallMs: number,
  startedWallMs: number | null = null,
): { state: GuestStatsState; ageSec: number | null } {
  if (!active) return { state: 'unknown', ageSec: null };
  if (ds.hasBalloon === false) return { state: 'no-balloon', ageSec: null };
  const period = ds.balloonStatsPeriodSec;
  const stamp = ds.balloon.lastUpdateSec;
  // The stamp has whole seconds: one second of slack against the start time.
  const last = stamp !== null && startedWallMs !== null && Number(stamp) * 1000 < startedWallMs - 1000 ? null : stamp;
  const haveUsed = ds.balloon.availableKiB !== null && ds.balloon.unusedKiB !== null;
  // No period in a known XML: QEMU never asks the guest. The virtio balloon
  // driver still pushes one report when it loads, so QEMU's figures may be
  // there, stamped — a snapshot from the guest's boot, not its memory now.
  // (Figures without a stamp come from drivers that keep no period, e.g.
  // libvirt's test driver: they are taken as they are.)
  const noPeriod = ds.hasBalloon === true && (period === null || period <= 0);
  if (noPeriod && last !== null && last > 0n) return { state: 'off', ageSec: Math.max(0, wallMs / 1000 - Number(last)) };
  if (noPeriod && !haveUsed) return { state: 'off', ageSec: null };
  if (last === null || last <= 0n) {
    if (haveUsed) return { state: 'ok', ageSec: null };
    if (period !== null && period > 0) return { state: 'waiting', ageSec: null };
    return { state: ds.hasBalloon === null ? 'unknown' : 'off', ageSec: null };
  }
  const ageSec = Math.max(0, wallMs / 1000 - Number(last));
  const p = period !== null && period > 0 ? period : ASSUMED_STATS_PERIOD_SEC;
  return { state: ageSec > STALE_PERIODS * p ? 'stale' : 'ok', ageSec };
}

/**
 * Rate of a guest-side counter (swap in/out KiB, major faults). The guest
 * reports every stats period, not every tick, so the rate is taken between
 * its own report times (balloon.last-update) when they are known: a tick
 * without a new report keeps the previous rate (`keep`) instead of showing
 * 0, and one with a report divides by the report interval. Without report
 * times, the stats call's interval is used.
 */
export function guestCounterRate(
  prevVal: bigint | null,
  curVal: bigint | null,
  prevLastSec: bigint | null,
  curLastSec: bigint | null,
  statsElapsedNs: bigint,
  keep: number | null,
): number | null {
  if (prevLastSec !== null && curLastSec !== null && prevLastSec > 0n && curLastSec > 0n) {
    if (curLastSec === prevLastSec) return keep;
    if (curLastSec < prevLastSec) return null;
    return counterRate(prevVal, curVal, (curLastSec - prevLastSec) * 1_000_000_000n);
  }
  return counterRate(prevVal, curVal, statsElapsedNs);
}

// ---------------------------------------------------------------------------
// Contention caused

export interface ContentionInput {
  key: string;
  active: boolean;
  /** 100 % = one core; a view may leave it out (unknown) */
  cpuCorePercent?: number | null;
  stealPercent?: number | null;
  vcpus: number | null;
  vcpuThreads: readonly { lastCpu: number | null; cpuPercent: number | null; waitPercent: number | null }[];
}

/**
 * How much CPU each domain used while other domains' vCPUs waited for a
 * CPU, in "100 % = one core" units: an estimate of the contention it caused.
 * One figure per input domain, in the same order (a domain view is an input).
 *
 * With vCPU placement known (local hosts, /proc), per physical CPU: the
 * domain's vCPU use on that CPU times the share of the interval other
 * domains' vCPUs spent queued for it (their waits summed, capped at 1).
 * Without placement, the whole host: its CPU use times the other domains'
 * waiting vCPUs over the host's CPUs (capped at 1).
 */
export function contentionCaused(domains: readonly ContentionInput[], hostCpus: number | null): (number | null)[] {
  const out: (number | null)[] = new Array<number | null>(domains.length).fill(null);
  if (domains.some((d) => d.vcpuThreads.some((t) => t.lastCpu !== null))) {
    // Wait per physical CPU in cores, all domains together; "the others'
    // wait" is that total minus the domain's own (linear, not domains x domains).
    const totalBy: number[] = [];
    for (const d of domains) {
      if (!d.active) continue;
      for (const t of d.vcpuThreads) {
        if (t.lastCpu === null || t.waitPercent === null) continue;
        totalBy[t.lastCpu] = (totalBy[t.lastCpu] ?? 0) + t.waitPercent / 100;
      }
    }
    for (let i = 0; i < domains.length; i++) {
      const d = domains[i];
      if (!d.active || d.vcpuThreads.length === 0) continue;
      let caused: number | null = 0;
      for (const t of d.vcpuThreads) {
        if (t.cpuPercent === null || t.lastCpu === null) {
          caused = null;
          break;
        }
        // The domain's own wait on this CPU: a few threads, summed in place of a map per domain.
        let own = 0;
        for (const u of d.vcpuThreads) if (u.lastCpu === t.lastCpu && u.waitPercent !== null) own += u.waitPercent / 100;
        const others = Math.max(0, (totalBy[t.lastCpu] ?? 0) - own);
        caused += (t.cpuPercent / 100) * Math.min(1, others);
      }
      out[i] = caused === null ? null : caused * 100;
    }
    return out;
  }
  // vCPUs' worth of waiting per domain, and the host's total
  const waiting = new Array<number>(domains.length).fill(0);
  let total = 0;
  for (let i = 0; i < domains.length; i++) {
    const d = domains[i];
    const steal = d.stealPercent ?? null;
    if (d.active && steal !== null && d.vcpus) total += waiting[i] = (steal / 100) * d.vcpus;
  }
  if (hostCpus === null || !(hostCpus > 0)) return out;
  for (let i = 0; i < domains.length; i++) {
    const d = domains[i];
    const core = d.cpuCorePercent ?? null;
    if (!d.active || core === null) continue;
    out[i] = core * Math.min(1, (total - waiting[i]) / hostCpus);
  }
  return out;
}

/** Ticks in a row above the threshold: the streak goes on, is broken, or (unknown) holds. */
export function nextStealStreak(streak: number, steal: number | null, thresholdPercent: number): number {
  if (steal === null) return streak;
  return steal > thresholdPercent ? streak + 1 : 0;
}

// ---------------------------------------------------------------------------
// Addresses

/** The addresses the lookup found for the NIC with this MAC (case-insensitive), or null when not looked up. */
export function nicAddresses(addresses: DomainAddresses | null | undefined, mac: string | null): { addrs: GuestIpAddress[]; source: AddressSource | null } | null {
  if (!addresses) return null;
  if (mac === null) return { addrs: [], source: addresses.source };
  const m = mac.toLowerCase();
  const addrs: GuestIpAddress[] = [];
  for (const i of addresses.interfaces) if (i.hwaddr !== null && i.hwaddr.toLowerCase() === m) addrs.push(...i.addrs);
  return { addrs, source: addresses.source };
}

/** Rank for picking the one address a column shows: global IPv4, global IPv6, then link-local; loopback never. */
function addrRank(a: GuestIpAddress): number {
  if (a.type === 'ipv4') {
    if (a.addr.startsWith('127.')) return 99;
    if (a.addr.startsWith('169.254.')) return 3;
    return 0;
  }
  const lower = a.addr.toLowerCase();
  if (lower === '::1') return 99;
  if (lower.startsWith('fe80')) return 4;
  return 1;
}

/** The address worth showing in one cell, or null. */
export function primaryAddress(addresses: DomainAddresses | null | undefined): GuestIpAddress | null {
  if (!addresses) return null;
  let best: GuestIpAddress | null = null;
  for (const i of addresses.interfaces) {
    for (const a of i.addrs) {
      if (addrRank(a) >= 99) continue;
      if (best === null || addrRank(a) < addrRank(best)) best = a;
    }
  }
  return best;
}
