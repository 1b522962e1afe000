// The model: turns successive snapshots into rates and keeps fixed-size
// history. No I/O and no timers — the collector pushes, views pull.

import type { DomainSample, HostSample, Snapshot, ThreadSample } from '../types/sample.js';
import { RingBuffer, type RingKind } from '../util/ring.js';
import { isActiveState } from '../types/state.js';
export { isActiveState };
import { counterRate, cpuPercent, guestUsedKiB, measuredElapsedNs, percentOf, scanElapsedNs, sumAvailable, sumKnown } from './rates.js';
import type { DiskView, DomainView, HostView, ModelView, NicView, VcpuThreadView } from './view.js';
import { capacityOf } from './capacity.js';
import { contentionCaused, guestCounterRate, guestCpu, guestStatsState, meanSteal, nextStealStreak, nicAddresses, overhead, vcpuTimeSumNs } from './insight.js';

export const HISTORY_METRICS = [
  'cpuPercent',
  'vcpuPercent',
  'memCurrentKiB',
  'memUsedKiB',
  'rssKiB',
  'rdBytesPerSec',
  'wrBytesPerSec',
  'rxBytesPerSec',
  'txBytesPerSec',
  'stealPercent',
  'overheadCorePercent',
  'contentionCausedPercent',
] as const;
export type HistoryMetric = (typeof HISTORY_METRICS)[number];

export interface ModelOptions {
  /** samples kept per metric per domain */
  historySize: number;
  /** steal % above which a domain counts as suffering (noisy neighbours), default 10 */
  stealThresholdPercent: number;
  /** ticks in a row above the threshold before a domain is marked, default 5 */
  stealTicks: number;
}

interface DomainState {
  key: string;
  /** the ingest() call that last saw the domain: the rest of its host's are gone */
  seenTick: number;
  prev: DomainSample;
  prevMonoNs: bigint;
  history: Record<HistoryMetric, RingBuffer>;
  /** the host the domain is on: its time ring dates this domain's history slots */
  host: HostState;
  samples: number;
  view: DomainView | null;
  stealStreak: number;
}

interface HostState {
  /** this host's domains by UUID (the same states as Model.domains, without key building) */
  domains: Map<string, DomainState>;
  prev: HostSample | null;
  lastConnectedMonoNs: bigint | null;
  cpuHistory: RingBuffer;
  times: RingBuffer;
}


/** Wall times (ms) of a domain's history slots, oldest first. */
export interface TimeSeries {
  readonly length: number;
  at(i: number): number | null;
  last(): number | null;
  toArray(): (number | null)[];
}

// Storage per metric, two bytes each: percentages in 0.1 steps, sizes and
// rates as a small float within 0.05 % (util/ring.ts). 1000 domains x 12
// metrics x 3600 samples is then 82 MiB instead of 330 MiB as float64.
const METRIC_KIND = (m: string): RingKind => (/Percent$/.test(m) ? 'pct16' : 'uf16');

function toNum(v: bigint | null | undefined): number | null {
  return v === null || v === undefined ? null : Number(v);
}

export class Model {
  private readonly hosts = new Map<string, HostState>();
  private readonly domains = new Map<string, DomainState>();
  private current: ModelView = { seq: -1, wallMs: 0, intervalSec: null, hosts: [], domains: [] };
  private tickNo = 0;
  private readonly historySize: number;
  readonly stealThresholdPercent: number;
  readonly stealTicks: number;

  constructor(opts: Partial<ModelOptions> = {}) {
    this.historySize = opts.historySize ?? 600;
    this.stealThresholdPercent = opts.stealThresholdPercent ?? 10;
    this.stealTicks = opts.stealTicks ?? 5;
  }

  view(): ModelView {
    return this.current;
  }

  /** History buffers for one domain (oldest first), or null if unknown. */
  history(key: string): { times: TimeSeries; metrics: Record<HistoryMetric, RingBuffer> } | null {
    const st = this.domains.get(key);
    if (!st) return null;
    // Every domain of a host gets exactly one slot per host tick, so its slots are
    // the newest ones of the host's time ring: one shared ring instead of one per domain.
    const hostTimes = st.host.times;
    const len = st.history.cpuPercent.length;
    const off = hostTimes.length - len;
    const times: TimeSeries = {
      length: len,
      at: (i) => (i < 0 || i >= len ? null : hostTimes.at(off + i)),
      last: () => (len ? hostTimes.at(off + len - 1) : null),
      toArray: () => Array.from({ length: len }, (_, i) => hostTimes.at(off + i)),
    };
    return { times, metrics: st.history };
  }

  hostHistory(uri: string): { times: RingBuffer; cpuPercent: RingBuffer } | null {
    const st = this.hosts.get(uri);
    return st ? { times: st.times, cpuPercent: st.cpuHistory } : null;
  }

  ingest(snap: Snapshot): ModelView {
    const tickNo = ++this.tickNo;
    const hostViews: HostView[] = [];
    const domainViews: DomainView[] = [];
    let intervalSec: number | null = null;

    for (const hs of snap.hosts) {
      let host = this.hosts.get(hs.uri);
      if (!host) {
        host = {
          domains: new Map(),
          prev: null,
          lastConnectedMonoNs: null,
          cpuHistory: new RingBuffer(this.historySize),
          times: new RingBuffer(this.historySize),
        };
        this.hosts.set(hs.uri, host);
      }
      const prevHost = host.prev;
      const cpus = hs.info?.cpus ?? prevHost?.info?.cpus ?? null;
      // The kernel's MemTotal (local /proc or virNodeGetMemoryStats) is the truth;
      // virNodeGetInfo's figure can be capped by libvirtd's own cgroup.
      const hostMemKiB = toNum(
        hs.counters?.memTotalKiB ?? prevHost?.counters?.memTotalKiB ?? hs.info?.memoryKiB ?? prevHost?.info?.memoryKiB ?? null,
      );
      if (prevHost && intervalSec === null) intervalSec = Number(hs.monoNs - prevHost.monoNs) / 1e9;

      const hostDomainViews: DomainView[] = [];
      if (hs.status === 'connected' && !hs.stale) {
        host.lastConnectedMonoNs = hs.monoNs;
        for (const ds of hs.domains) {
          hostDomainViews.push(this.ingestDomain(host, tickNo, hs, ds, cpus, hostMemKiB));
        }
        // Domains gone from a connected host are gone: no ghost rows.
        for (const [uuid, st] of host.domains) {
          if (st.seenTick === tickNo) continue;
          host.domains.delete(uuid);
          this.domains.delete(st.key);
        }
        // Contention caused needs every domain of the host: a second pass.
        const caused = contentionCaused(
          hostDomainViews.map((d) => ({
            key: d.key,
            active: d.active,
            cpuCorePercent: d.cpuCorePercent ?? null,
            stealPercent: d.stealPercent ?? null,
            vcpus: d.vcpus,
            threads: d.vcpuThreads,
          })),
          cpus,
        );
        for (const d of hostDomainViews) {
          d.contentionCausedPercent = caused.get(d.key) ?? null;
          this.domains.get(d.key)?.history.contentionCausedPercent.push(d.contentionCausedPercent);
        }
      } else {
        // Host unreachable or not answering in time: keep its domains and
        // their history, show them with unknown rates, and leave a gap in the charts.
        for (const st of host.domains.values()) {
          if (!st.view) continue;
          for (const m of HISTORY_METRICS) st.history[m].push(null);
          hostDomainViews.push(staleView(st.view, hs.stale ? 'host slow to answer' : 'host unreachable'));
        }
      }

      const hostCpuPercent =
        prevHost?.counters && hs.counters
          ? percentOfDelta(prevHost.counters.cpuBusyNs, hs.counters.cpuBusyNs, prevHost.counters.cpuTotalNs, hs.counters.cpuTotalNs)
          : null;
      const perCpuPercent = (hs.counters?.perCpu ?? []).map((c) => {
        const p = prevHost?.counters?.perCpu.find((x) => x.cpu === c.cpu);
        return { cpu: c.cpu, percent: p ? percentOfDelta(p.busyNs, c.busyNs, p.totalNs, c.totalNs) : null };
      });
      host.cpuHistory.push(hostCpuPercent);
      host.times.push(snap.wallMs);

      const active = hostDomainViews.filter((d) => d.active);
      const info = hs.info ?? prevHost?.info ?? null;
      hostViews.push({
        uri: hs.uri,
        hostname: info?.hostname ?? null,
        model: info?.model ?? null,
        cpus,
        mhz: info?.mhz ?? null,
        memoryKiB: hostMemKiB,
        libvirtVersion: info?.libvirtVersion ?? null,
        status: hs.status,
        error: hs.error,
        downForSec:
          hs.status === 'connected' || host.lastConnectedMonoNs === null
            ? null
            : Number(hs.monoNs - host.lastConnectedMonoNs) / 1e9,
        tickLatencyMs: hs.tickLatencyMs,
        domainsTotal: hostDomainViews.length,
        domainsActive: active.length,
        domainsRunning: hostDomainViews.filter((d) => d.state === 'running' || d.state === 'blocked').length,
        domainsPaused: hostDomainViews.filter((d) => d.state === 'paused' || d.state === 'pmsuspended').length,
        domainsInactive: hostDomainViews.length - active.length,
        guestCpuPercent: hostDomainViews.length ? sumAvailable(active.map((d) => d.cpuPercent)) : null,
        hostCpuPercent,
        perCpuPercent,
        guestMemKiB: active.reduce((acc, d) => acc + (d.memCurrentKiB ?? 0), 0),
        memAvailableKiB: toNum(hs.counters?.memAvailableKiB ?? null),
        vcpusActive: active.reduce((acc, d) => acc + (d.vcpus ?? 0), 0),
        capacity:
          hs.status === 'connected' && !hs.stale
            ? capacityOf({ cpus, memoryKiB: hostMemKiB, hostCpuPercent }, hs.counters, hs.extra, hostDomainViews)
            : null,
      });
      domainViews.push(...hostDomainViews);
      if (hs.status === 'connected' && !hs.stale) host.prev = hs;
    }

    this.current = { seq: snap.seq, wallMs: snap.wallMs, intervalSec, hosts: hostViews, domains: domainViews };
    return this.current;
  }

  private ingestDomain(
    host: HostState,
    tickNo: number,
    hs: HostSample,
    ds: DomainSample,
    hostCpus: number | null,
    hostMemKiB: number | null,
  ): DomainView {
    let st = host.domains.get(ds.uuid);
    const key = st?.key ?? `${hs.uri}#${ds.uuid}`;
    const prev = st?.prev ?? null;
    const elapsedNs = st ? hs.monoNs - st.prevMonoNs : 0n;
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
      const pd = p?.disks.find((x) => x.name === d.name);
      return {
        name: d.name,
        path: d.path,
        rdBytesPerSec: pd ? counterRate(pd.rdBytes, d.rdBytes, se) : null,
        wrBytesPerSec: pd ? counterRate(pd.wrBytes, d.wrBytes, se) : null,
        rdReqPerSec: pd ? counterRate(pd.rdReqs, d.rdReqs, se) : null,
        wrReqPerSec: pd ? counterRate(pd.wrReqs, d.wrReqs, se) : null,
        rdBytes: d.rdBytes,
        wrBytes: d.wrBytes,
        rdReqs: d.rdReqs,
        wrReqs: d.wrReqs,
        errors: toNum(d.errors),
        capacityBytes: toNum(d.capacityBytes),
        allocationBytes: toNum(d.allocationBytes),
      };
    });
    const nics: NicView[] = ds.nics.map((n) => {
      const pn = p?.nics.find((x) => x.name === n.name);
      return {
        name: n.name,
        mac: n.mac,
        source: n.source,
        rxBytesPerSec: pn ? counterRate(pn.rxBytes, n.rxBytes, se) : null,
        txBytesPerSec: pn ? counterRate(pn.txBytes, n.txBytes, se) : null,
        rxPktsPerSec: pn ? counterRate(pn.rxPkts, n.rxPkts, se) : null,
        txPktsPerSec: pn ? counterRate(pn.txPkts, n.txPkts, se) : null,
        rxBytes: n.rxBytes,
        txBytes: n.txBytes,
        rxPkts: n.rxPkts,
        txPkts: n.txPkts,
        rxErrs: toNum(n.rxErrs),
        txErrs: toNum(n.txErrs),
        rxDrop: toNum(n.rxDrop),
        txDrop: toNum(n.txDrop),
      };
    });

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
      rxBytesPerSec: sumAvailable(nics.map((n) => n.rxBytesPerSec)),
      txBytesPerSec: sumAvailable(nics.map((n) => n.txBytesPerSec)),
      rxPktsPerSec: sumAvailable(nics.map((n) => n.rxPktsPerSec)),
      txPktsPerSec: sumAvailable(nics.map((n) => n.txPktsPerSec)),
      cpuTimeNs: ds.cpuTimeNs,
      vcpuTimeNs: active ? vcpuTimeSumNs(ds) : null,
      statsMonoNs: ds.statsMonoNs ?? null,
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
    const prevView = p ? (st?.view ?? null) : null;
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

    if (!st) {
      const history = {} as Record<HistoryMetric, RingBuffer>;
      for (const m of HISTORY_METRICS) history[m] = new RingBuffer(this.historySize, METRIC_KIND(m));
      st = { key, seenTick: tickNo, prev: ds, prevMonoNs: hs.monoNs, history, host, samples: 0, view: null, stealStreak: 0 };
      this.domains.set(key, st);
      host.domains.set(ds.uuid, st);
    }
    st.stealStreak = active ? nextStealStreak(st.stealStreak, view.stealPercent, this.stealThresholdPercent) : 0;
    view.stealStreak = st.stealStreak;
    view.stealAlert = st.stealStreak >= this.stealTicks;
    // contentionCausedPercent is pushed by ingest() after the host's second pass.
    for (const m of HISTORY_METRICS) if (m !== 'contentionCausedPercent') st.history[m].push(view[m] ?? null);
    st.seenTick = tickNo;
    st.prev = ds;
    st.prevMonoNs = hs.monoNs;
    st.samples++;
    st.view = view;
    return view;
  }
}

function percentOfDelta(
  prevPart: bigint | null,
  curPart: bigint | null,
  prevTotal: bigint | null,
  curTotal: bigint | null,
): number | null {
  if (prevPart === null || curPart === null || prevTotal === null || curTotal === null) return null;
  const dt = curTotal - prevTotal;
  const dp = curPart - prevPart;
  if (dt <= 0n || dp < 0n) return null;
  return Math.min(100, (Number(dp) / Number(dt)) * 100);
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

function staleView(v: DomainView, why: string): DomainView {
  return {
    ...v,
    cpuPercent: null,
    vcpuPercent: null,
    rdBytesPerSec: null,
    wrBytesPerSec: null,
    rdReqPerSec: null,
    wrReqPerSec: null,
    rxBytesPerSec: null,
    txBytesPerSec: null,
    rxPktsPerSec: null,
    txPktsPerSec: null,
    disks: v.disks.map((d) => ({ ...d, rdBytesPerSec: null, wrBytesPerSec: null, rdReqPerSec: null, wrReqPerSec: null })),
    nics: v.nics.map((n) => ({ ...n, rxBytesPerSec: null, txBytesPerSec: null, rxPktsPerSec: null, txPktsPerSec: null })),
    vcpuThreads: v.vcpuThreads.map((t) => ({ ...t, cpuPercent: null, waitPercent: null, stealPercent: null })),
    cpuCorePercent: null,
    stealPercent: null,
    stealSumPercent: null,
    overheadPercent: null,
    overheadCorePercent: null,
    contentionCausedPercent: null,
    swapInKiBPerSec: null,
    swapOutKiBPerSec: null,
    majorFaultsPerSec: null,
    errors: [`${why}: values are from the last successful tick`],
  };
}
