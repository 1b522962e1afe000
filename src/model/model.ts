// The model: turns successive snapshots into rates and keeps fixed-size
// history. No I/O and no timers — the collector pushes, views pull.

import type { DomainSample, HostSample, Snapshot } from '../types/sample.js';
import { RingBuffer, type RingKind } from '../util/ring.js';
import { isActiveState } from '../types/state.js';
export { isActiveState };
import type { DomainView, HostView, ModelView, NetworkView, PoolView } from './view.js';
import { capacityOf } from './capacity.js';
import { hostBridgeViews, networkViews, PoolGrowth, poolViews, volumeIndex } from './storage.js';
import { buildDomainView, staleView, toNum } from './domain-view.js';
import { sumAvailable } from './rates.js';
import { contentionCaused, nextStealStreak } from './insight.js';

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
  /** samples kept per metric per domain; 0 keeps none (batch output, which draws no charts) */
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
  /** null when the model keeps no history (historySize 0) */
  history: Record<HistoryMetric, RingBuffer> | null;
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
  /** its pools' allocation over the slow loop's rounds */
  growth: PoolGrowth;
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

/** Running guests a host reboot would leave off: not autostart (a transient one never is). */
export function notComingBack(domains: readonly DomainView[]): number {
  return domains.filter((d) => (d.state === 'running' || d.state === 'blocked') && (d.persistent === false || d.autostart === false)).length;
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
    if (!Number.isInteger(this.historySize) || this.historySize < 0) throw new RangeError(`history size must be a whole number >= 0, got ${this.historySize}`);
    this.stealThresholdPercent = opts.stealThresholdPercent ?? 10;
    this.stealTicks = opts.stealTicks ?? 5;
  }

  view(): ModelView {
    return this.current;
  }

  /** History buffers for one domain (oldest first), or null if unknown. */
  history(key: string): { times: TimeSeries; metrics: Record<HistoryMetric, RingBuffer> } | null {
    const st = this.domains.get(key);
    if (!st || st.history === null) return null;
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
          // a host's two rings are kept even without domain history: one slot is next to nothing
          cpuHistory: new RingBuffer(Math.max(1, this.historySize)),
          times: new RingBuffer(Math.max(1, this.historySize)),
          growth: new PoolGrowth(),
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
        // (forEach: no entry pair per domain per tick; deleting the entry being visited is allowed)
        host.domains.forEach((st, uuid, map) => {
          if (st.seenTick === tickNo) return;
          map.delete(uuid);
          this.domains.delete(st.key);
        });
        // Contention caused needs every domain of the host: a second pass.
        const caused = contentionCaused(hostDomainViews, cpus);
        for (let i = 0; i < hostDomainViews.length; i++) {
          const d = hostDomainViews[i];
          d.contentionCausedPercent = caused[i];
          this.domains.get(d.key)?.history?.contentionCausedPercent.push(d.contentionCausedPercent);
        }
      } else {
        // Host unreachable or not answering in time: keep its domains and
        // their history, show them with unknown rates, and leave a gap in the charts.
        for (const st of host.domains.values()) {
          if (!st.view) continue;
          if (st.history) for (const m of HISTORY_METRICS) st.history[m].push(null);
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
      // Pools and networks: the slow loop's last round (a stale tick keeps the one before).
      const inv = hs.inventory ?? prevHost?.inventory;
      let pools: PoolView[] | null = null;
      let networks: NetworkView[] | null = null;
      if (inv) {
        host.growth.add(inv);
        pools = poolViews(inv, host.growth, hostDomainViews);
        networks = networkViews(inv, hostDomainViews, { prev: prevHost?.bridges, cur: hs.stale ? undefined : hs.bridges });
        const onVolume = volumeIndex(pools);
        for (const d of hostDomainViews) for (const k of d.disks) k.pool = k.path === null ? null : (onVolume.get(k.path)?.pool ?? null);
        const autostart = new Map((inv.domainAutostart ?? []).map((f) => [f.uuid, f.autostart]));
        for (const d of hostDomainViews) d.autostart = autostart.get(d.uuid) ?? null;
      }
      const bridges = hostBridgeViews(hostDomainViews, networks, { prev: prevHost?.bridges, cur: hs.stale ? undefined : hs.bridges });
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
        // a stale sample's latency is how long its call has waited so far
        unresponsiveSec: hs.status === 'unresponsive' ? hs.tickLatencyMs / 1000 : null,
        domainsTotal: hostDomainViews.length,
        domainsActive: active.length,
        domainsRunning: hostDomainViews.filter((d) => d.state === 'running' || d.state === 'blocked').length,
        runningNoAutostart: inv?.domainAutostart ? notComingBack(hostDomainViews) : null,
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
        pools,
        networks,
        bridges,
        inventoryWallMs: inv?.atWallMs ?? null,
        inventoryError: inv?.error ?? null,
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
    const view = buildDomainView({ key, hs, ds, prev, lastView: st?.view ?? null, elapsedNs, hostCpus, hostMemKiB });
    const active = view.active;

    if (!st) {
      let history: Record<HistoryMetric, RingBuffer> | null = null;
      if (this.historySize > 0) {
        history = {} as Record<HistoryMetric, RingBuffer>;
        for (const m of HISTORY_METRICS) history[m] = new RingBuffer(this.historySize, METRIC_KIND(m));
      }
      st = { key, seenTick: tickNo, prev: ds, prevMonoNs: hs.monoNs, history, host, samples: 0, view: null, stealStreak: 0 };
      this.domains.set(key, st);
      host.domains.set(ds.uuid, st);
    }
    st.stealStreak = active ? nextStealStreak(st.stealStreak, view.stealPercent ?? null, this.stealThresholdPercent) : 0;
    view.stealStreak = st.stealStreak;
    view.stealAlert = st.stealStreak >= this.stealTicks;
    // contentionCausedPercent is pushed by ingest() after the host's second pass.
    if (st.history) pushHistory(st.history, view);
    st.seenTick = tickNo;
    st.prev = ds;
    st.prevMonoNs = hs.monoNs;
    st.samples++;
    st.view = view;
    return view;
  }
}

/**
 * One tick of a domain's history, metric by metric: named loads, where a
 * loop over HISTORY_METRICS would look each up by key on every domain.
 */
function pushHistory(h: Record<HistoryMetric, RingBuffer>, v: DomainView): void {
  h.cpuPercent.push(v.cpuPercent);
  h.vcpuPercent.push(v.vcpuPercent);
  h.memCurrentKiB.push(v.memCurrentKiB);
  h.memUsedKiB.push(v.memUsedKiB);
  h.rssKiB.push(v.rssKiB);
  h.rdBytesPerSec.push(v.rdBytesPerSec);
  h.wrBytesPerSec.push(v.wrBytesPerSec);
  h.rxBytesPerSec.push(v.rxBytesPerSec);
  h.txBytesPerSec.push(v.txBytesPerSec);
  h.stealPercent.push(v.stealPercent ?? null);
  h.overheadCorePercent.push(v.overheadCorePercent ?? null);
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

