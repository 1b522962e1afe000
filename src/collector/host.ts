// Samples one libvirt host per tick: the bulk stats call (plus per-domain
// fallback calls when the driver's bulk stats are thin) and domain XML from
// a cache, joined with the host's readings (host-readings.ts) and, for a
// local host, each QEMU process (domain-process.ts). Owns the connection and
// its reconnect state, and what is kept per domain; never throws: failures
// become the sample's status.

import { parseDomainXml, type DomainDef } from '../libvirt/domain-xml.js';
import { withAccessHint } from '../libvirt/hints.js';
import { KEEPALIVE } from '../libvirt/connection.js';
import { LifecycleEventType, ListFlags, StatsGroup, type DiskErrorEntry, type DomainListEntry, type LifecycleEvent, type RawStatsRecord } from '../libvirt/types.js';
import type { HostInfo, HostSample, DomainSample, ConnectionStatus, Draft } from '../types/sample.js';
import { systemClock, type Clock } from '../util/clock.js';
import { isLocalUri, isQemuUri, isRemoteUri } from '../util/uri.js';
import { chunksOf, mapLimit } from '../util/pool.js';
import { isActiveState } from '../types/state.js';
import { domainFromRecord, isThinRecord, stateName } from './bulk.js';
import { applyDetail, DETAIL_CHUNK, detailRequest, readDetails, Unsupported, type FallbackItem } from './fallback.js';
import { asError, connectionLost, errorMessage, type Connector, type LibvirtSource } from './source.js';
import { AddressPoller, type AddressPollerOptions } from './addresses.js';
import { InventoryPoller, type InventoryPollerOptions } from './inventory.js';
import { DomainProcessReader, type ProcessCache } from './domain-process.js';
import { HostReadings } from './host-readings.js';
import type { ProcProbe } from './proc-probe.js';
import { timedCall } from './timed.js';
import {
  applyDirect,
  applyVcpuThreads,
  canReadDirect,
  coveredByDirect,
  DIRECT_GROUPS,
  DirectPlan,
  interfaceSet,
  readDirect,
  tapsOf,
  VCPU_GROUP,
  vcpusCoveredByProc,
  type DirectReadings,
} from './direct.js';
import { pausedOnIoError, withDiskErrors } from './disk-errors.js';

export interface HostCollectorOptions {
  connect: Connector;
  readonly: boolean;
  /** /proc access for hosts whose guests run on this machine; null for none */
  proc: ProcProbe | null;
  clock?: Clock;
  /** per-domain fallback calls in flight at once */
  fallbackConcurrency?: number;
  /** read per-vCPU figures (/proc thread files, and per-domain vCPU times where the bulk call lacks them) — only when something shows them */
  threads?: boolean;
  /** bulk stats groups to ask for */
  statsMask?: number;
  /** longest wait between reconnect attempts; keep it near the tick so a returning daemon is seen within a tick or two */
  maxBackoffMs?: number;
  /** called on every domain lifecycle event, so the loop can sample early */
  onDomainEvent?: (uri: string, ev: LifecycleEvent) => void;
  /** guest IP lookups on a slow loop of their own (never awaited by a tick); null/undefined: none */
  addresses?: AddressPollerOptions | null;
  /** storage pools, volumes, networks and leases on a slow loop of their own; null/undefined: none */
  inventory?: InventoryPollerOptions | null;
  /** read host capacity files (KSM, hugepages, NUMA, PSI) at most this often, default 2 s */
  extraEveryMs?: number;
  /** look for vhost workers again this often (a full /proc scan), default 60 s */
  vhostRescanMs?: number;
  /**
   * On a local QEMU host, read each domain's CPU time from its cgroup and its
   * NICs' counters from /proc/net/dev instead of asking libvirtd (direct.ts).
   * Default true; ignored where the probe cannot read them.
   */
  direct?: boolean;
  /**
   * Keep asking libvirt for its vCPU group where /proc could stand in
   * (direct.ts): for whoever publishes libvirt's own per-vCPU figures
   * (the exporter's vcpu.N.wait) or keeps the samples (a recording).
   * Default false; without threads the group is always asked for.
   */
  libvirtVcpuStats?: boolean;
}

export const DEFAULT_STATS_MASK =
  StatsGroup.State | StatsGroup.CpuTotal | StatsGroup.Balloon | StatsGroup.Vcpu | StatsGroup.Interface | StatsGroup.Block;

// VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT: a domain busy with a job (migration,
// snapshot) reports what it can at once instead of stalling the whole tick.
const STATS_NOWAIT = 1 << 29;

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
const LIST_REFRESH_TICKS = 30;


/** A domain's parsed definition, or why there is none. */
type DefEntry = { def: DomainDef | null; error: string | null };

/** What a HostCollector keeps per domain from tick to tick (all dropped when the domain goes). */
interface DomainCache extends ProcessCache {
  /** its parsed XML, or why it could not be had */
  def?: DefEntry;
  /** balloon.last-update at which its XML was last re-read because the cached XML has no stats period */
  periodSeen?: string;
  /** the disk errors of its current pause on an I/O error (undefined: not paused so, or not asked yet) */
  diskErrors?: readonly DiskErrorEntry[];
}

export class HostCollector {
  private conn: LibvirtSource | null = null;
  private info: HostInfo | null = null;
  private everConnected = false;
  private lost = false;
  private status: ConnectionStatus = 'reconnecting';
  private lastError: string | null = null;
  private failures = 0;
  private nextAttemptMs = 0;
  private listed: Map<string, DomainListEntry> | null = null;
  private listAge = 0;
  private readonly unsupported = new Unsupported();
  private readonly clock: Clock;
  private closed = false;
  /** guest IP addresses, looked up off the hot path */
  readonly addresses: AddressPoller | null;
  /** pools, volumes, networks and leases, read off the hot path */
  readonly inventory: InventoryPoller | null;
  private readonly readings: HostReadings;
  /** local hosts' QEMU processes; null when /proc is not read */
  private readonly processes: DomainProcessReader | null;
  /** host bridges the guests' NICs were plugged into at the last tick (their traffic is read with the networks') */
  private nicBridges = new Set<string>();
  /** what is kept per domain between ticks; dropped with the domain */
  private readonly perDomain = new Map<string, DomainCache>();
  /** the last tick showed every active domain's CPU and NICs readable here: the next may leave DIRECT_GROUPS out */
  private readonly directPlan = new DirectPlan();
  /** the last tick found every active domain's vCPU threads in /proc: the next may leave VCPU_GROUP out */
  private readonly vcpuPlan = new DirectPlan();
  /** the host's interface names at the last tick (direct.ts interfaceSet) */
  private lastInterfaces: string | null = null;
  /** the QEMU pids of the domains active at the last tick: whose cgroups the next reads */
  private directPids: number[] = [];
  /** and their taps: whose counters the next reads */
  private directTaps = new Set<string>();

  constructor(
    readonly uri: string,
    private readonly opts: HostCollectorOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.addresses = opts.addresses ? new AddressPoller(uri, { clock: this.clock, ...opts.addresses }) : null;
    this.inventory = opts.inventory ? new InventoryPoller(uri, { clock: this.clock, ...opts.inventory }) : null;
    this.readings = new HostReadings(uri, opts.proc, this.clock, opts.extraEveryMs);
    this.processes =
      opts.proc && isLocalUri(uri) ? new DomainProcessReader(opts.proc, this.clock, () => this.opts.threads ?? true, opts.vhostRescanMs) : null;
  }

  /** Forget a domain's cached XML (after a define or device event). */
  invalidate(uuid: string): void {
    this.forgetDef(uuid);
  }

  private cacheOf(uuid: string): DomainCache {
    let c = this.perDomain.get(uuid);
    if (!c) this.perDomain.set(uuid, (c = {}));
    return c;
  }

  private forgetDef(uuid: string): void {
    const c = this.perDomain.get(uuid);
    if (c) c.def = undefined;
  }

  setThreads(on: boolean): void {
    this.opts.threads = on;
  }

  /** Gives up on the current connection (its calls hang): closed now, reopened on the next tick. */
  abandon(why: string): void {
    const c = this.conn;
    this.conn = null;
    this.lost = false;
    this.status = 'reconnecting';
    this.lastError = `${this.uri}: connection abandoned: ${why}`;
    this.nextAttemptMs = 0;
    if (c) void c.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.conn;
    this.conn = null;
    // The /proc handles close at once even if a libvirt close waits behind a hung call.
    this.opts.proc?.close?.();
    await Promise.all([c?.close().catch(() => undefined), this.addresses?.close(), this.inventory?.close()]);
  }

  private async ensureConnected(): Promise<LibvirtSource | null> {
    if (this.conn && !this.lost) return this.conn;
    if (this.conn && this.lost) {
      const c = this.conn;
      this.conn = null;
      void c.close().catch(() => undefined);
    }
    if (this.clock.wallMs() < this.nextAttemptMs) return null;
    try {
      const c = await this.opts.connect(this.uri, { readonly: this.opts.readonly });
      if (this.closed) {
        await c.close().catch(() => undefined);
        return null;
      }
      this.lost = false;
      c.onClose(() => {
        this.lost = true;
      });
      c.onLifecycle((ev) => {
        // defined / started / undefined change the XML we cached.
        if (ev.event === LifecycleEventType.Defined || ev.event === LifecycleEventType.Undefined || ev.event === LifecycleEventType.Started) {
          this.forgetDef(ev.uuid);
        }
        // A domain defined or undefined: its autostart flag is read again with the pools and networks.
        if (ev.event === LifecycleEventType.Defined || ev.event === LifecycleEventType.Undefined) this.inventory?.refresh();
        // Any lifecycle change can change ids, persistence or the set of domains.
        this.listed = null;
        const cached = this.perDomain.get(ev.uuid);
        if (cached) cached.periodSeen = undefined;
        this.addresses?.invalidate(ev.uuid);
        this.opts.onDomainEvent?.(this.uri, ev);
      });
      // Drivers without keepalive (test://, local unix sockets on old libvirt) say so; that's fine.
      if (isRemoteUri(this.uri)) {
        void c.setKeepAlive(KEEPALIVE.intervalSec, KEEPALIVE.count).catch(() => undefined);
      }
      this.conn = c;
      this.listed = null;
      this.failures = 0;
      this.everConnected = true;
      return c;
    } catch (e) {
      this.failures++;
      const backoff = BACKOFF_MS[Math.min(this.failures - 1, BACKOFF_MS.length - 1)];
      this.nextAttemptMs = this.clock.wallMs() + Math.min(backoff, this.opts.maxBackoffMs ?? Infinity);
      this.lastError = `${this.uri}: cannot connect: ${withAccessHint(errorMessage(e))}`;
      this.status = this.everConnected ? 'reconnecting' : 'failed';
      return null;
    }
  }

  /**
   * The domain list (ids, persistence). Listing costs libvirt a round trip
   * per domain, so it is cached and re-read only when the stats show
   * something it cannot explain — a new domain, one that started or stopped —
   * after a lifecycle event, or every LIST_REFRESH_TICKS ticks as a safety net.
   */
  private async domainList(c: LibvirtSource, records: readonly RawStatsRecord[]): Promise<DomainListEntry[]> {
    const cached = this.listed;
    let fresh = cached !== null && this.listAge < LIST_REFRESH_TICKS;
    if (fresh && cached) {
      for (const r of records) {
        const e = cached.get(r.uuid);
        const code = r.params['state.state'];
        const activeNow = typeof code === 'number' ? isActiveState(stateName(code)) : null;
        if (!e || (activeNow !== null && activeNow !== e.id >= 0)) {
          fresh = false;
          break;
        }
      }
    }
    if (fresh && cached) {
      this.listAge++;
      return [...cached.values()];
    }
    const list = await c.listAllDomains(ListFlags.Active | ListFlags.Inactive);
    this.listed = new Map(list.map((d) => [d.uuid, d]));
    this.listAge = 0;
    return list;
  }

  async sample(): Promise<HostSample> {
    const t0 = this.clock.monoNs();
    const base = (status: ConnectionStatus, error: string | null): HostSample => ({
      uri: this.uri,
      monoNs: this.clock.monoNs(),
      wallMs: this.clock.wallMs(),
      status,
      error,
      info: this.info,
      counters: null,
      domains: [],
      tickLatencyMs: Number(this.clock.monoNs() - t0) / 1e6,
    });

    const c = await this.ensureConnected();
    if (!c) return base(this.everConnected ? 'reconnecting' : this.status, this.lastError);

    try {
      if (!this.info) this.info = await this.readings.info(c);
      const proc = this.opts.proc;
      const direct = this.processes !== null && this.opts.direct !== false && isQemuUri(this.uri) && canReadDirect(proc) ? proc : null;
      const reduced = direct !== null && this.directPlan.leaveOut();
      const vcpusFromProc = direct !== null && this.vcpuPlan.leaveOut();
      const mask = (this.opts.statsMask ?? DEFAULT_STATS_MASK) & ~(reduced ? DIRECT_GROUPS : 0) & ~(vcpusFromProc ? VCPU_GROUP : 0);
      const [stats, counters, extra, bridges] = await Promise.all([
        // The kernel's counters are read inside the stats call's span, so they share its stamp.
        timedCall(this.clock, async () => {
          const records = await c.getAllDomainStats(mask, isQemuUri(this.uri) ? STATS_NOWAIT : 0);
          return { records, readings: direct ? await readDirect(direct, this.directPids, this.directTaps) : null };
        }),
        this.readings.counters(c),
        this.readings.extra(c),
        this.readings.bridges(this.networkBridges()),
      ]);
      const { records, readings } = stats.value;
      const list = await this.domainList(c, records);
      const domains = await this.buildDomains(c, list, records, stats.monoNs, stats.spanNs, readings && { reduced, vcpusFromProc, readings });
      this.nicBridges = new Set(domains.flatMap((d) => d.nics.map((n) => n.bridge ?? null)).filter((b): b is string => b !== null));
      // Addresses: merge the slow loop's last answers, and let it start a round if one is due (not awaited).
      if (this.addresses) {
        this.addresses.update(domains.map((d) => ({ uuid: d.uuid, active: isActiveState(d.state), nics: d.nics.length, macs: d.nics.map((n) => n.mac) })));
        for (const d of domains) {
          const a = this.addresses.get(d.uuid);
          if (a !== undefined) d.addresses = a;
        }
      }
      // Pools and networks: the slow loop's last round, and a new one if due (not awaited).
      this.inventory?.update();
      const inventory = this.inventory?.get();
      // The libvirt calls are done: stamp the sample now, /proc reads are quick.
      const monoNs = this.clock.monoNs();
      this.status = 'connected';
      this.lastError = null;
      return {
        uri: this.uri,
        monoNs,
        wallMs: this.clock.wallMs(),
        status: 'connected',
        error: null,
        info: this.info,
        counters,
        domains,
        tickLatencyMs: Number(monoNs - t0) / 1e6,
        ...(extra !== undefined ? { extra } : {}),
        ...(inventory !== undefined ? { inventory } : {}),
        ...(bridges !== undefined ? { bridges } : {}),
      };
    } catch (e) {
      if (this.lost || connectionLost(e)) {
        this.lost = true;
        this.status = 'reconnecting';
        this.lastError = `${this.uri}: connection lost: ${errorMessage(e)}`;
        this.nextAttemptMs = 0;
        return base('reconnecting', this.lastError);
      }
      this.lastError = `${this.uri}: ${errorMessage(e)}`;
      return base('connected', this.lastError);
    }
  }

  /** The bridges of the libvirt networks the slow loop last saw active, and those the guests' NICs were on last tick. */
  private networkBridges(): string[] {
    const names = new Set<string>(this.nicBridges);
    for (const n of this.inventory?.get()?.networks ?? []) if (n.active && n.bridge) names.add(n.bridge);
    return [...names];
  }

  /** A domain's parsed XML, from the cache or read now; `prefetched` holds this tick's batch answers. */
  private async domainDef(
    c: LibvirtSource,
    uuid: string,
    prefetched: Map<string, string | Error>,
  ): Promise<DefEntry> {
    const cached = this.perDomain.get(uuid)?.def;
    if (cached) return cached;
    let xml = prefetched.get(uuid);
    if (xml === undefined) {
      try {
        xml = await c.domainXml(uuid, 0);
      } catch (e) {
        xml = asError(e);
      }
    }
    // Not cached: a vanished domain or a transient failure is retried next tick.
    if (xml instanceof Error) return { def: null, error: `virDomainGetXMLDesc: ${errorMessage(xml)}` };
    const parsed = parseDomainXml(xml);
    const entry = parsed.ok ? { def: parsed.value, error: null } : { def: null, error: parsed.error };
    this.cacheOf(uuid).def = entry;
    return entry;
  }

  /** The XML of every domain not in the cache, in a few batch calls where the source has them (the first tick reads them all). */
  private async prefetchXml(c: LibvirtSource, uuids: string[]): Promise<Map<string, string | Error>> {
    const out = new Map<string, string | Error>();
    const batch = c.domainXmls?.bind(c);
    const missing = uuids.filter((u) => !this.perDomain.get(u)?.def);
    if (!batch || missing.length < 2) return out;
    await Promise.all(
      chunksOf(missing, DETAIL_CHUNK).map(async (chunk) => {
        try {
          const xmls = await batch(chunk, 0);
          chunk.forEach((u, i) => out.set(u, xmls[i]));
        } catch {
          // Left out: each of these domains asks on its own (domainDef), and says why if it fails again.
        }
      }),
    );
    return out;
  }

  private async buildDomains(
    c: LibvirtSource,
    list: DomainListEntry[],
    records: RawStatsRecord[],
    statsMonoNs: bigint,
    statsSpanNs: bigint,
    /** the kernel's counters, and whether the bulk call left their groups (and the vCPU group) out: then they stand in */
    direct: { reduced: boolean; vcpusFromProc: boolean; readings: DirectReadings } | null,
  ): Promise<Draft<DomainSample>[]> {
    const byUuid = new Map(list.map((d) => [d.uuid, d]));
    // Records are the truth for what exists now; a listed domain missing from
    // the stats vanished in between and is dropped with it.
    const recs = records;
    const live = new Set(recs.map((r) => r.uuid));
    for (const k of this.perDomain.keys()) if (!live.has(k)) this.perDomain.delete(k);

    const limit = this.opts.fallbackConcurrency ?? 16;

    const prefetched = await this.prefetchXml(c, recs.map((r) => r.uuid));
    // Definitions: the cached ones at once, the rest (new domains, a source
    // without the batch call) fetched. No promise per domain when every one
    // is cached, which is every tick after the first.
    const defs: DefEntry[] = new Array(recs.length);
    const missing: number[] = [];
    for (let i = 0; i < recs.length; i++) {
      const cached = this.perDomain.get(recs[i].uuid)?.def;
      if (cached) defs[i] = cached;
      else missing.push(i);
    }
    if (missing.length) {
      await mapLimit(missing, limit, async (i) => {
        defs[i] = await this.domainDef(c, recs[i].uuid, prefetched);
      });
    }
    const drafts = recs.map((rec, i) => {
      const { def, error } = defs[i];
      const meta = byUuid.get(rec.uuid);
      const ds = domainFromRecord(
        rec,
        { id: meta?.id ?? null, persistent: meta?.persistent ?? null, state: meta?.state ?? null },
        def,
      );
      if (error) ds.errors.push(error);
      ds.statsMonoNs = statsMonoNs;
      ds.statsSpanNs = statsSpanNs;
      // Device added since the XML was cached: refresh it next tick.
      if (def && ds.nics.some((n) => !def.nics.some((d) => d.target === n.name))) this.forgetDef(rec.uuid);
      // Guest stats turned on live (virtop's m, virsh dommemstat --period): the cached XML
      // still says no period. A new guest report (last-update moved) means someone did:
      // re-read the XML so the period (and staleness) is known. Without a period the
      // guest's one boot-time report never moves, so this costs nothing then.
      const lastUpdate = rec.params['balloon.last-update'];
      if (def && def.balloonStatsPeriodSec === null && lastUpdate !== undefined) {
        const seen = this.perDomain.get(rec.uuid)?.periodSeen;
        if (seen !== String(lastUpdate)) {
          if (seen !== undefined) this.forgetDef(rec.uuid);
          this.cacheOf(rec.uuid).periodSeen = String(lastUpdate);
        }
      }
      if (direct?.reduced && isActiveState(ds.state)) applyDirect(ds, { def, pid: this.pidOf(ds) }, direct.readings);
      // Without the CPU group every record lacks cpu.time: that is not the test driver's thin record.
      return { ds, def, thin: !direct?.reduced && isActiveState(ds.state) && isThinRecord(rec.params) };
    });

    // Thin records: all of the tick's per-domain calls at once (see fallback.ts).
    const thin = drafts.filter((d) => d.thin);
    if (thin.length) {
      const items: FallbackItem[] = thin.map((d) => ({ base: d.ds, def: d.def }));
      const details = await readDetails(c, items.map((it) => detailRequest(it, this.unsupported, this.opts.threads ?? true)), this.clock, limit);
      thin.forEach((d, i) => {
        d.ds = applyDetail(items[i], details[i], this.unsupported);
      });
    }

    // /proc and disk errors, for the domains that have either to read.
    /** the reader of this domain's QEMU in /proc; null where there is none to read */
    const procOf = (ds: Draft<DomainSample>): DomainProcessReader | null => (isActiveState(ds.state) ? this.processes : null);
    const slow = drafts.filter(({ ds }) => procOf(ds) !== null || this.diskErrorsToRead(ds));
    await mapLimit(slow, limit, async ({ ds }) => {
      const processes = procOf(ds);
      if (processes !== null) {
        ds.process = await processes.read(ds, this.cacheOf(ds.uuid));
        if (direct?.vcpusFromProc) applyVcpuThreads(ds);
      }
      await this.addDiskErrors(c, ds);
    });
    if (direct) this.planDirect(drafts, direct.readings, direct.vcpusFromProc);
    return drafts.map((d) => d.ds);
  }

  /** The QEMU pid found for this run of the domain (the cache's, if it is of the same hypervisor id). */
  private pidOf(ds: Draft<DomainSample>): number | null {
    const p = this.perDomain.get(ds.uuid)?.pid;
    return p && p.id === (ds.id ?? -1) ? p.pid : null;
  }

  /**
   * Whether the next tick may leave DIRECT_GROUPS out: every active domain's
   * CPU and NICs were readable here this tick, and no interface came or went;
   * and VCPU_GROUP: every active domain's vCPU threads were read (as many as
   * libvirt counted, when this tick asked it), and nobody needs libvirt's own
   * per-vCPU figures.
   */
  private planDirect(drafts: readonly { ds: Draft<DomainSample>; def: DomainDef | null }[], readings: DirectReadings, vcpusFromProc: boolean): void {
    const interfaces = interfaceSet(readings);
    const steady = interfaces !== null && interfaces === this.lastInterfaces;
    this.lastInterfaces = interfaces;
    this.directPids = [];
    this.directTaps = new Set();
    let covered = steady;
    let vcpusCovered = (this.opts.threads ?? true) && this.opts.libvirtVcpuStats !== true;
    for (const { ds, def } of drafts) {
      if (!isActiveState(ds.state)) continue;
      const pid = this.pidOf(ds);
      if (pid !== null) this.directPids.push(pid);
      for (const t of tapsOf(def)) this.directTaps.add(t);
      covered &&= coveredByDirect({ def, pid }, readings);
      vcpusCovered &&= vcpusCoveredByProc(ds, !vcpusFromProc);
    }
    this.directPlan.covered = covered;
    this.vcpuPlan.covered = vcpusCovered;
  }

  /** Whether addDiskErrors has anything to do: a domain paused on an I/O error, or one whose last errors are to be forgotten. */
  private diskErrorsToRead(ds: Draft<DomainSample>): boolean {
    return pausedOnIoError(ds) || this.perDomain.get(ds.uuid)?.diskErrors !== undefined;
  }

  /** For a guest paused on an I/O error: which disk and why, asked once per pause. */
  private async addDiskErrors(c: LibvirtSource, ds: Draft<DomainSample>): Promise<void> {
    const cache = this.cacheOf(ds.uuid);
    if (!pausedOnIoError(ds)) {
      cache.diskErrors = undefined;
      return;
    }
    if (cache.diskErrors === undefined) {
      try {
        cache.diskErrors = await c.diskErrors(ds.uuid);
      } catch (e) {
        // Not kept: asked again next tick.
        ds.errors.push(`virDomainGetDiskErrors: ${errorMessage(e)}`);
        return;
      }
    }
    ds.disks = withDiskErrors(ds.disks, cache.diskErrors);
  }
}
