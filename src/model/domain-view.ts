// One domain's view from two of its samples: every rate and insight figure
// derived from the counters and their stamps. A pure function; what is kept
// from tick to tick (the previous sample, history, steal streaks) is the
// model's (model.ts).

import type { DiskSample, DomainSample, HostSample, NicSample } from '../types/sample.js';
import { previousMatch } from './previous.js';
import { isActiveState, stateReasonName } from '../types/state.js';
import { diskLatency, NO_LATENCY, worstLatencyMs } from './latency.js';
import { guestCounterRate, guestCpu, guestStatsState, nicAddresses, overhead, vcpuTimeSumNs } from './insight.js';
import { counterRate, cpuPercent, guestUsedKiB, measuredElapsedNs, percentOf, scanElapsedNs } from './rates.js';
import type { DiskView, DomainView, NicView, VcpuThreadView } from './view.js';

export function toNum(v: bigint | null | undefined): number | null {
  return v === null || v === undefined ? null : Number(v);
}

export interface DomainViewInput {
  /** stable key: host URI + uuid */
  key: string;
  hs: HostSample;
  ds: DomainSample;
  /** the domain's previous sample, null on its first */
  prev: DomainSample | null;
  /** the view built from the previous sample (guest-side rates hold between reports) */
  lastView: DomainView | null;
  /** host time between the two samples, for readings without stamps of their own */
  elapsedNs: bigint;
  hostCpus: number | null;
  hostMemKiB: number | null;
}

/**
 * The view of `ds`, with rates against `prev` when both are of the same run
 * of the guest. Steal streaks and contention caused need the model's state
 * and the host's other domains: they are left at their neutral values here.
 */
export function buildDomainView(input: DomainViewInput): DomainView {
  const { key, hs, ds, prev, lastView, elapsedNs, hostCpus, hostMemKiB } = input;
  // A domain that went through shutoff, or whose QEMU process changed, restarted:
  // its counters start over, so no rate can span the two samples.
  const restarted =
    prev !== null &&
    ((prev.id !== null && ds.id !== null && prev.id !== ds.id) ||
      (prev.process?.pid !== undefined && ds.process?.pid !== undefined && prev.process.pid !== ds.process.pid));
  // Coming back from shut off is a fresh start too: nothing to rate against.
  const p = restarted || (prev !== null && !isActiveState(prev.state)) ? null : prev;
  const active = isActiveState(ds.state);

  const vcpus = ds.vcpusCurrent;
  // libvirt counters are timed by the stats call that returned them, /proc by its read.
  const statsElapsed = p
    ? measuredElapsedNs({ monoNs: p.statsMonoNs, spanNs: p.statsSpanNs }, { monoNs: ds.statsMonoNs, spanNs: ds.statsSpanNs }, elapsedNs)
    : null;
  const se = statsElapsed ?? 0n; // 0 makes every rate null
  const cpuPct = active && p ? cpuPercent(p.cpuTimeNs, ds.cpuTimeNs, se, hostCpus) : null;
  // %VCPU is the guest's own time (Σ vcpu.N.time), not cpu.time, which adds QEMU's own threads.
  const guest = active ? guestCpu(p, ds, se, elapsedNs) : null;
  const vcpuPct = guest?.percent ?? null;

  // Built field by field, without spreads or per-figure arrays: at 1000
  // domains this runs ~5000 times a tick, and every temporary is GC work.
  const disks: DiskView[] = new Array(ds.disks.length);
  for (let i = 0; i < ds.disks.length; i++) disks[i] = diskView(p ? previousMatch(p.disks, 'name', ds.disks[i].name, i) : undefined, ds.disks[i], se, active);
  const nics: NicView[] = new Array(ds.nics.length);
  for (let i = 0; i < ds.nics.length; i++) nics[i] = nicView(p ? previousMatch(p.nics, 'name', ds.nics[i].name, i) : undefined, ds.nics[i], se);

  // Steal per vCPU is its run-queue delay: the same figure under the insight name.
  const vcpuThreads = active ? threadViews(p, ds, elapsedNs, se) : [];
  const memCurrentKiB = toNum(ds.balloon.currentKiB);
  const memUsed = toNum(guestUsedKiB(ds.balloon.availableKiB, ds.balloon.unusedKiB));
  const rssKiB = ds.process?.rssKiB ?? toNum(ds.balloon.rssKiB);
  const started = ds.process?.startedWallMs ?? null;

  // ---- insight: CPU breakdown, memory chain, addresses (src/model/insight.ts)
  const ovh = active ? overhead(p, ds, se, elapsedNs, hostCpus) : null;
  const gs = guestStatsState(ds, active, hs.wallMs, started);
  const prevView = p ? lastView : null;
  const gRate = (pick: (b: DomainSample['balloon']) => bigint | null, keep: number | null | undefined) =>
    active && p ? guestCounterRate(pick(p.balloon), pick(ds.balloon), p.balloon.lastUpdateSec, ds.balloon.lastUpdateSec, se, keep ?? null) : null;
  let stealSum: number | null = null;
  if (active && vcpuThreads.length) {
    stealSum = 0;
    for (const t of vcpuThreads) {
      if (t.waitPercent === null) {
        stealSum = null;
        break;
      }
      stealSum += t.waitPercent;
    }
  }
  const addresses = active ? (ds.addresses ?? null) : null;
  if (addresses) {
    for (const n of nics) {
      const a = nicAddresses(addresses, n.mac);
      n.addrs = a?.addrs ?? null;
      n.addrSource = a?.source ?? null;
    }
  }
  const d = deviceTotals(disks, nics);

  return {
    key,
    host: hs.uri,
    name: ds.name,
    uuid: ds.uuid,
    id: ds.id,
    state: ds.state,
    stateReason: stateReasonName(ds.state, ds.stateReason),
    persistent: ds.persistent,
    // from the slow loop's last round (model.ts); unknown until then
    autostart: null,
    title: ds.title ?? null,
    openstack: ds.openstack ?? null,
    active,
    cpuPercent: cpuPct,
    vcpuPercent: vcpuPct,
    vcpus,
    maxVcpus: ds.vcpusMax,
    memCurrentKiB: active ? memCurrentKiB : null,
    memMaxKiB: toNum(ds.balloon.maximumKiB ?? ds.memMaxKiB),
    // Without a stats period the guest's figures are its boot-time report: not "used" now.
    memUsedKiB: active && gs.state !== 'off' ? memUsed : null,
    memPercent: active ? percentOf(memCurrentKiB, hostMemKiB) : null,
    rssKiB: active ? rssKiB : null,
    rdBytesPerSec: d.rdBytesPerSec,
    wrBytesPerSec: d.wrBytesPerSec,
    rdReqPerSec: d.rdReqPerSec,
    wrReqPerSec: d.wrReqPerSec,
    diskLatencyMs: worstLatencyMs(disks as { latencyMs: number | null }[]),
    rxBytesPerSec: d.rxBytesPerSec,
    txBytesPerSec: d.txBytesPerSec,
    rxPktsPerSec: d.rxPktsPerSec,
    txPktsPerSec: d.txPktsPerSec,
    cpuTimeNs: ds.cpuTimeNs,
    vcpuTimeNs: active ? vcpuTimeSumNs(ds) : null,
    statsMonoNs: ds.statsMonoNs ?? null,
    procMonoNs: ds.process?.monoNs ?? null,
    uptimeSec: active && started !== null ? Math.max(0, (hs.wallMs - started) / 1000) : null,
    disks,
    nics,
    vcpuThreads,
    hasBalloon: ds.hasBalloon,
    balloonStatsPeriodSec: ds.balloonStatsPeriodSec,
    errors: ds.errors,
    initializing: active && p === null,
    cpuCorePercent: active && p ? cpuPercent(p.cpuTimeNs, ds.cpuTimeNs, se, 1) : null,
    stealPercent: stealSum === null ? null : stealSum / vcpuThreads.length,
    stealSumPercent: stealSum,
    overheadPercent: ovh?.percent ?? null,
    overheadCorePercent: ovh?.corePercent ?? null,
    overheadSource: ovh?.source ?? null,
    guestCpuSource: guest?.source ?? null,
    contentionCausedPercent: null, // set by ingest() once every domain of the host is known
    guestStats: gs.state,
    memUsableKiB: active && gs.state !== 'off' ? toNum(ds.balloon.usableKiB) : null,
    guestStatsAgeSec: gs.ageSec,
    swapInKiBPerSec: gRate((b) => b.swapInKiB, prevView?.swapInKiBPerSec),
    swapOutKiBPerSec: gRate((b) => b.swapOutKiB, prevView?.swapOutKiBPerSec),
    majorFaultsPerSec: gRate((b) => b.majorFaults, prevView?.majorFaultsPerSec),
    addresses,
    stealStreak: 0,
    stealAlert: false,
  };
}

/** A disk's rates and latencies against the same disk in the previous sample (undefined: it was not there). */
function diskView(prev: DiskSample | undefined, d: DiskSample, se: bigint, active: boolean): DiskView {
  // Per request, so no elapsed time: only a previous sample of the same guest run.
  const lat = active ? diskLatency(prev, d) : NO_LATENCY;
  return {
    name: d.name,
    path: d.path,
    rdBytesPerSec: prev ? counterRate(prev.rdBytes, d.rdBytes, se) : null,
    wrBytesPerSec: prev ? counterRate(prev.wrBytes, d.wrBytes, se) : null,
    rdReqPerSec: prev ? counterRate(prev.rdReqs, d.rdReqs, se) : null,
    wrReqPerSec: prev ? counterRate(prev.wrReqs, d.wrReqs, se) : null,
    rdBytes: d.rdBytes,
    wrBytes: d.wrBytes,
    rdReqs: d.rdReqs,
    wrReqs: d.wrReqs,
    errors: toNum(d.errors),
    capacityBytes: toNum(d.capacityBytes),
    allocationBytes: toNum(d.allocationBytes),
    physicalBytes: toNum(d.physicalBytes ?? null),
    rdLatencyMs: lat.rdLatencyMs,
    wrLatencyMs: lat.wrLatencyMs,
    flLatencyMs: lat.flLatencyMs,
    latencyMs: lat.latencyMs,
    rdTimesNs: d.rdTimesNs ?? null,
    wrTimesNs: d.wrTimesNs ?? null,
    flReqs: d.flReqs ?? null,
    flTimesNs: d.flTimesNs ?? null,
    ioError: d.ioError ?? null,
  };
}

/** A NIC's rates against the same NIC in the previous sample (undefined: it was not there). */
function nicView(prev: NicSample | undefined, n: NicSample, se: bigint): NicView {
  return {
    name: n.name,
    mac: n.mac,
    source: n.source,
    type: n.type ?? null,
    bridge: n.bridge ?? null,
    rxBytesPerSec: prev ? counterRate(prev.rxBytes, n.rxBytes, se) : null,
    txBytesPerSec: prev ? counterRate(prev.txBytes, n.txBytes, se) : null,
    rxPktsPerSec: prev ? counterRate(prev.rxPkts, n.rxPkts, se) : null,
    txPktsPerSec: prev ? counterRate(prev.txPkts, n.txPkts, se) : null,
    rxBytes: n.rxBytes,
    txBytes: n.txBytes,
    rxPkts: n.rxPkts,
    txPkts: n.txPkts,
    rxErrs: toNum(n.rxErrs),
    txErrs: toNum(n.txErrs),
    rxDrop: toNum(n.rxDrop),
    txDrop: toNum(n.txDrop),
  };
}

interface DeviceTotals {
  rdBytesPerSec: number | null;
  wrBytesPerSec: number | null;
  rdReqPerSec: number | null;
  wrReqPerSec: number | null;
  rxBytesPerSec: number | null;
  txBytesPerSec: number | null;
  rxPktsPerSec: number | null;
  txPktsPerSec: number | null;
}

/** Adds a known figure to a total that stays null until one is known (sumAvailable's rule). */
const add = (total: number | null, v: number | null): number | null => (v === null ? total : (total ?? 0) + v);

/** The domain's totals over its devices: the sum of the known rates, null only when none is known. */
function deviceTotals(disks: readonly DiskView[], nics: readonly NicView[]): DeviceTotals {
  const t: DeviceTotals = { rdBytesPerSec: null, wrBytesPerSec: null, rdReqPerSec: null, wrReqPerSec: null, rxBytesPerSec: null, txBytesPerSec: null, rxPktsPerSec: null, txPktsPerSec: null };
  for (const k of disks) {
    t.rdBytesPerSec = add(t.rdBytesPerSec, k.rdBytesPerSec);
    t.wrBytesPerSec = add(t.wrBytesPerSec, k.wrBytesPerSec);
    t.rdReqPerSec = add(t.rdReqPerSec, k.rdReqPerSec);
    t.wrReqPerSec = add(t.wrReqPerSec, k.wrReqPerSec);
  }
  for (const n of nics) {
    t.rxBytesPerSec = add(t.rxBytesPerSec, n.rxBytesPerSec);
    t.txBytesPerSec = add(t.txBytesPerSec, n.txBytesPerSec);
    t.rxPktsPerSec = add(t.rxPktsPerSec, n.rxPktsPerSec);
    t.txPktsPerSec = add(t.txPktsPerSec, n.txPktsPerSec);
  }
  return t;
}

/** The rate figures of a device view: unknown while its host is not answering (staleView). */
const DISK_RATES = ['rdBytesPerSec', 'wrBytesPerSec', 'rdReqPerSec', 'wrReqPerSec'] as const satisfies readonly (keyof DiskView)[];
const NIC_RATES = ['rxBytesPerSec', 'txBytesPerSec', 'rxPktsPerSec', 'txPktsPerSec'] as const satisfies readonly (keyof NicView)[];

/** vCPU threads from /proc when we have the QEMU process, else libvirt's per-vCPU counters. */
function threadViews(prev: DomainSample | null, cur: DomainSample, elapsedNs: bigint, statsElapsedNs: bigint): VcpuThreadView[] {
  const proc = cur.process;
  if (proc && proc.threads.some((t) => t.vcpu !== null)) {
    const procElapsed =
      scanElapsedNs(
        prev?.process ? { monoNs: prev.process.monoNs, spanNs: prev.process.spanNs } : null,
        { monoNs: proc.monoNs, spanNs: proc.spanNs },
        elapsedNs,
      ) ?? 0n;
    const prevThreads = prev?.process?.threads ?? [];
    const out: VcpuThreadView[] = [];
    // QEMU lists its vCPU threads in vCPU order: sort only when a scan did not.
    let ordered = true;
    for (let i = 0; i < proc.threads.length; i++) {
      const t = proc.threads[i];
      if (t.vcpu === null) continue;
      const pt = previousMatch(prevThreads, 'tid', t.tid, i);
      const waitPercent = pt ? cpuPercent(pt.runDelayNs, t.runDelayNs, procElapsed, 1) : null;
      out.push({
        vcpu: t.vcpu,
        tid: t.tid,
        cpuPercent: pt ? cpuPercent(pt.cpuTimeNs, t.cpuTimeNs, procElapsed, 1) : null,
        cpuTimeNs: t.cpuTimeNs,
        waitPercent,
        // Steal per vCPU is its run-queue delay: the same figure under the insight name.
        stealPercent: waitPercent,
        lastCpu: t.lastCpu,
      });
      if (out.length > 1 && out[out.length - 2].vcpu > t.vcpu) ordered = false;
    }
    return ordered ? out : out.sort((a, b) => a.vcpu - b.vcpu);
  }
  // Offline vCPUs (state 0) have no thread and no meaningful rate.
  const out: VcpuThreadView[] = [];
  for (let i = 0; i < cur.vcpus.length; i++) {
    const v = cur.vcpus[i];
    if (v.state === 0) continue;
    const pv = prev ? previousMatch(prev.vcpus, 'vcpu', v.vcpu, i) : undefined;
    const waitPercent = pv ? cpuPercent(pv.delayNs, v.delayNs, statsElapsedNs, 1) : null;
    out.push({
      vcpu: v.vcpu,
      tid: null,
      cpuPercent: pv ? cpuPercent(pv.timeNs, v.timeNs, statsElapsedNs, 1) : null,
      cpuTimeNs: v.timeNs,
      waitPercent,
      stealPercent: waitPercent,
      lastCpu: null,
    });
  }
  return out;
}

/** Every figure of a domain view that is a rate over the last interval (unknown while its host is not answering). */
const DOMAIN_RATES = [
  'cpuPercent',
  'vcpuPercent',
  'rdBytesPerSec',
  'wrBytesPerSec',
  'rdReqPerSec',
  'wrReqPerSec',
  'diskLatencyMs',
  'rxBytesPerSec',
  'txBytesPerSec',
  'rxPktsPerSec',
  'txPktsPerSec',
  'cpuCorePercent',
  'stealPercent',
  'stealSumPercent',
  'overheadPercent',
  'overheadCorePercent',
  'contentionCausedPercent',
  'swapInKiBPerSec',
  'swapOutKiBPerSec',
  'majorFaultsPerSec',
] as const satisfies readonly (keyof DomainView)[];
const THREAD_RATES = ['cpuPercent', 'waitPercent', 'stealPercent'] as const satisfies readonly (keyof VcpuThreadView)[];

const withNull = <T extends object>(o: T, keys: readonly string[]): T => {
  const out = { ...o } as Record<string, unknown>;
  for (const k of keys) out[k] = null;
  return out as T;
};

/** The last view of a domain whose host did not answer: sizes kept, every rate unknown, and why. */
export function staleView(v: DomainView, why: string): DomainView {
  return {
    ...withNull(v, DOMAIN_RATES),
    disks: v.disks.map((d) => withNull(d, [...DISK_RATES, ...Object.keys(NO_LATENCY)])),
    nics: v.nics.map((n) => withNull(n, NIC_RATES)),
    vcpuThreads: v.vcpuThreads.map((t) => withNull(t, THREAD_RATES)),
    errors: [`${why}: values are from the last successful tick`],
  };
}
