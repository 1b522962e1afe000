// One domain's view from two of its samples: every rate and insight figure
// derived from the counters and their stamps. A pure function; what is kept
// from tick to tick (the previous sample, history, steal streaks) is the
// model's (model.ts).

import type { DomainSample, HostSample, ThreadSample } from '../types/sample.js';
import { isActiveState, stateReasonName } from '../types/state.js';
import { diskLatency, NO_LATENCY, worstLatencyMs } from './latency.js';
import { guestCounterRate, guestCpu, guestStatsState, meanSteal, nicAddresses, overhead, vcpuTimeSumNs } from './insight.js';
import { counterRate, cpuPercent, guestUsedKiB, measuredElapsedNs, percentOf, scanElapsedNs, sumAvailable, sumKnown } from './rates.js';
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

  const disks: DiskView[] = ds.disks.map((d) => {
    const prevDisk = p?.disks.find((x) => x.name === d.name);
    return {
      name: d.name,
      path: d.path,
      ...deviceRates(prevDisk, d, DISK_RATES, se),
      rdBytes: d.rdBytes,
      wrBytes: d.wrBytes,
      rdReqs: d.rdReqs,
      wrReqs: d.wrReqs,
      errors: toNum(d.errors),
      capacityBytes: toNum(d.capacityBytes),
      allocationBytes: toNum(d.allocationBytes),
      physicalBytes: toNum(d.physicalBytes ?? null),
      // Per request, so no elapsed time: only a previous sample of the same guest run.
      ...(active ? diskLatency(prevDisk, d) : NO_LATENCY),
      rdTimesNs: d.rdTimesNs ?? null,
      wrTimesNs: d.wrTimesNs ?? null,
      flReqs: d.flReqs ?? null,
      flTimesNs: d.flTimesNs ?? null,
      ioError: d.ioError ?? null,
    };
  });
  const nics: NicView[] = ds.nics.map((n) => ({
    name: n.name,
    mac: n.mac,
    source: n.source,
    type: n.type ?? null,
    bridge: n.bridge ?? null,
    ...deviceRates(p?.nics.find((x) => x.name === n.name), n, NIC_RATES, se),
    rxBytes: n.rxBytes,
    txBytes: n.txBytes,
    rxPkts: n.rxPkts,
    txPkts: n.txPkts,
    rxErrs: toNum(n.rxErrs),
    txErrs: toNum(n.txErrs),
    rxDrop: toNum(n.rxDrop),
    txDrop: toNum(n.txDrop),
  }));

  // Steal per vCPU is its run-queue delay: the same figure under the insight name.
  const vcpuThreads = active ? threadViews(p, ds, elapsedNs, se) : [];
  const memCurrentKiB = toNum(ds.balloon.currentKiB);
  const memUsed = toNum(guestUsedKiB(ds.balloon.availableKiB, ds.balloon.unusedKiB));
  const rssKiB = ds.process?.rssKiB ?? toNum(ds.balloon.rssKiB);
  const started = ds.process?.startedWallMs ?? null;

  const view: DomainView = {
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
    memUsedKiB: active ? memUsed : null,
    memPercent: active ? percentOf(memCurrentKiB, hostMemKiB) : null,
    rssKiB: active ? rssKiB : null,
    rdBytesPerSec: sumAvailable(disks.map((d) => d.rdBytesPerSec)),
    wrBytesPerSec: sumAvailable(disks.map((d) => d.wrBytesPerSec)),
    rdReqPerSec: sumAvailable(disks.map((d) => d.rdReqPerSec)),
    wrReqPerSec: sumAvailable(disks.map((d) => d.wrReqPerSec)),
    diskLatencyMs: worstLatencyMs(disks.map((d) => ({ latencyMs: d.latencyMs ?? null }))),
    rxBytesPerSec: sumAvailable(nics.map((n) => n.rxBytesPerSec)),
    txBytesPerSec: sumAvailable(nics.map((n) => n.txBytesPerSec)),
    rxPktsPerSec: sumAvailable(nics.map((n) => n.rxPktsPerSec)),
    txPktsPerSec: sumAvailable(nics.map((n) => n.txPktsPerSec)),
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
  };

  // ---- insight: CPU breakdown, memory chain, addresses (src/model/insight.ts)
  const ovh = active ? overhead(p, ds, se, elapsedNs, hostCpus) : null;
  const gs = guestStatsState(ds, active, hs.wallMs, started);
  const prevView = p ? lastView : null;
  const gRate = (pick: (b: DomainSample['balloon']) => bigint | null, keep: number | null | undefined) =>
    active && p ? guestCounterRate(pick(p.balloon), pick(ds.balloon), p.balloon.lastUpdateSec, ds.balloon.lastUpdateSec, se, keep ?? null) : null;
  view.cpuCorePercent = active && p ? cpuPercent(p.cpuTimeNs, ds.cpuTimeNs, se, 1) : null;
  view.stealPercent = active && vcpuThreads.length ? meanSteal(vcpuThreads.map((t) => t.waitPercent)) : null;
  view.stealSumPercent = active && vcpuThreads.length ? sumKnown(vcpuThreads.map((t) => t.waitPercent)) : null;
  view.overheadPercent = ovh?.percent ?? null;
  view.overheadCorePercent = ovh?.corePercent ?? null;
  view.overheadSource = ovh?.source ?? null;
  view.guestCpuSource = guest?.source ?? null;
  view.contentionCausedPercent = null; // set by ingest() once every domain of the host is known
  view.guestStats = gs.state;
  // Without a stats period the guest's figures are its boot-time report: not "used" now.
  if (gs.state === 'off') view.memUsedKiB = null;
  view.memUsableKiB = active && gs.state !== 'off' ? toNum(ds.balloon.usableKiB) : null;
  view.guestStatsAgeSec = gs.ageSec;
  view.swapInKiBPerSec = gRate((b) => b.swapInKiB, prevView?.swapInKiBPerSec);
  view.swapOutKiBPerSec = gRate((b) => b.swapOutKiB, prevView?.swapOutKiBPerSec);
  view.majorFaultsPerSec = gRate((b) => b.majorFaults, prevView?.majorFaultsPerSec);
  view.addresses = active ? (ds.addresses ?? null) : null;
  if (view.addresses) {
    for (const n of view.nics) {
      const a = nicAddresses(view.addresses, n.mac);
      n.addrs = a?.addrs ?? null;
      n.addrSource = a?.source ?? null;
    }
  }

  view.stealStreak = 0;
  view.stealAlert = false;
  return view;
}

/** Which counter each per-second rate of a device comes from. */
const DISK_RATES = { rdBytesPerSec: 'rdBytes', wrBytesPerSec: 'wrBytes', rdReqPerSec: 'rdReqs', wrReqPerSec: 'wrReqs' } as const;
const NIC_RATES = { rxBytesPerSec: 'rxBytes', txBytesPerSec: 'txBytes', rxPktsPerSec: 'rxPkts', txPktsPerSec: 'txPkts' } as const;

/**
 * A device's rates against the same device (by name) in the previous
 * sample: all null for a device that was not there.
 */
function deviceRates<R extends string, C extends string>(
  prev: Readonly<Record<C, bigint | null>> | undefined,
  cur: Readonly<Record<C, bigint | null>>,
  rates: Readonly<Record<R, C>>,
  elapsedNs: bigint,
): Record<R, number | null> {
  const out = {} as Record<R, number | null>;
  for (const rate of Object.keys(rates) as R[]) {
    const counter = rates[rate];
    out[rate] = prev ? counterRate(prev[counter], cur[counter], elapsedNs) : null;
  }
  return out;
}

/** vCPU threads from /proc when we have the QEMU process, else libvirt's per-vCPU counters. */
function threadViews(prev: DomainSample | null, cur: DomainSample, elapsedNs: bigint, statsElapsedNs: bigint): VcpuThreadView[] {
  if (cur.process && cur.process.threads.some((t) => t.vcpu !== null)) {
    const procElapsed =
      scanElapsedNs(
        prev?.process ? { monoNs: prev.process.monoNs, spanNs: prev.process.spanNs } : null,
        { monoNs: cur.process.monoNs, spanNs: cur.process.spanNs },
        elapsedNs,
      ) ?? 0n;
    const prevByTid = new Map<number, ThreadSample>();
    for (const t of prev?.process?.threads ?? []) prevByTid.set(t.tid, t);
    return cur.process.threads
      .filter((t) => t.vcpu !== null)
      .sort((a, b) => (a.vcpu as number) - (b.vcpu as number))
      .map((t) => {
        const pt = prevByTid.get(t.tid);
        const waitPercent = pt ? cpuPercent(pt.runDelayNs, t.runDelayNs, procElapsed, 1) : null;
        return {
          vcpu: t.vcpu as number,
          tid: t.tid,
          cpuPercent: pt ? cpuPercent(pt.cpuTimeNs, t.cpuTimeNs, procElapsed, 1) : null,
          cpuTimeNs: t.cpuTimeNs,
          waitPercent,
          // Steal per vCPU is its run-queue delay: the same figure under the insight name.
          stealPercent: waitPercent,
          lastCpu: t.lastCpu,
        };
      });
  }
  // Offline vCPUs (state 0) have no thread and no meaningful rate.
  return cur.vcpus
    .filter((v) => v.state !== 0)
    .map((v) => {
      const pv = prev?.vcpus.find((x) => x.vcpu === v.vcpu);
      const waitPercent = pv ? cpuPercent(pv.delayNs, v.delayNs, statsElapsedNs, 1) : null;
      return {
        vcpu: v.vcpu,
        tid: null,
        cpuPercent: pv ? cpuPercent(pv.timeNs, v.timeNs, statsElapsedNs, 1) : null,
        cpuTimeNs: v.timeNs,
        waitPercent,
        stealPercent: waitPercent,
        lastCpu: null,
      };
    });
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
    disks: v.disks.map((d) => withNull(d, [...Object.keys(DISK_RATES), ...Object.keys(NO_LATENCY)])),
    nics: v.nics.map((n) => withNull(n, Object.keys(NIC_RATES))),
    vcpuThreads: v.vcpuThreads.map((t) => withNull(t, THREAD_RATES)),
    errors: [`${why}: values are from the last successful tick`],
  };
}
