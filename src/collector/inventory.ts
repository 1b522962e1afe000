// Storage pools, their volumes, networks and their DHCP leases, and which
// domains start with the host (autostart), off the hot path. Listing volumes can be slow (a big logical or iSCSI pool) and these
// change slowly, so a per-host poller reads them on its own connection every
// `intervalMs` (or at the next tick after refresh()), never awaited by a
// tick; each tick merges its last round into the sample. It never asks
// libvirt to refresh a pool (that rescans the storage): only the user may,
// and that is an action, not monitoring.

import { ErrorCode } from '../libvirt/errors.js';
import { parseNetworkXml, parsePoolXml, rangeSize, volumeFormat, type NetworkDef, type XmlResult } from '../libvirt/pool-network-xml.js';
import { ListFlags, PoolState, type DhcpLease, type DomainName, type InventoryEvent, type NetworkEntry, type StoragePoolEntry, type StorageVolumeEntry } from '../libvirt/types.js';
import type { DomainAutostart, HostInventory, LeaseSample, NetworkSample, PoolSample, PoolStateName, VolumeSample } from '../types/sample.js';
import { systemClock, type Clock } from '../util/clock.js';
import { SlowLoop } from './slow-loop.js';
import { connectionLost, errorCode, errorMessage } from './source.js';

/** What the poller needs from a libvirt connection. */
export interface InventoryLookup {
  listStoragePools(): Promise<StoragePoolEntry[]>;
  listVolumes(poolUuid: string): Promise<StorageVolumeEntry[]>;
  listNetworks(): Promise<NetworkEntry[]>;
  networkDhcpLeases(networkUuid: string): Promise<DhcpLease[]>;
  /** domains by a filter (ListFlags), names and UUIDs only: which autostart */
  listDomainNames?(flags: number): Promise<DomainName[]>;
  /** pool and network events; throws when the driver has none (then the poller only polls) */
  onInventoryEvent?(cb: (ev: InventoryEvent) => void): number;
  close(): Promise<void>;
}

export interface InventoryPollerOptions {
  /** opens the poller's own connection (not the one ticks use) */
  connect: () => Promise<InventoryLookup>;
  /** how often a round runs, default 30 s */
  intervalMs?: number;
  clock?: Clock;
}

const POOL_STATES: readonly PoolStateName[] = ['inactive', 'building', 'running', 'degraded', 'inaccessible'];
const VOLUME_TYPES = ['file', 'block', 'dir', 'network', 'netdir', 'ploop'];

/** Binding output → the sample's pool; `volumes` null when not listed, `error` what went wrong. */
export function poolSample(e: StoragePoolEntry, volumes: readonly StorageVolumeEntry[] | null, error: string | null): PoolSample {
  const def = parsePoolXml(e.xml);
  const errors = [def.ok ? null : def.error, error].filter((x): x is string => x !== null);
  return {
    name: e.name,
    uuid: e.uuid,
    state: POOL_STATES[e.state] ?? 'inaccessible',
    type: def.ok ? def.value.type : null,
    targetPath: def.ok ? def.value.targetPath : null,
    source: def.ok ? def.value.source : null,
    capacityBytes: e.capacityBytes,
    allocationBytes: e.allocationBytes,
    availableBytes: e.availableBytes,
    autostart: e.autostart,
    persistent: e.persistent,
    volumes: volumes === null ? null : volumes.map(volumeSample),
    error: errors.length ? errors.join('; ') : null,
  };
}

function volumeSample(v: StorageVolumeEntry): VolumeSample {
  return {
    name: v.name,
    path: v.path,
    type: VOLUME_TYPES[v.type] ?? `type-${v.type}`,
    format: volumeFormat(v.xml),
    capacityBytes: v.capacityBytes,
    allocationBytes: v.allocationBytes,
  };
}

/** Binding output → the sample's network; `leases` null when not asked or not kept. `def`: its XML, when already read. */
export function networkSample(
  e: NetworkEntry,
  leases: readonly DhcpLease[] | null,
  error: string | null,
  def: XmlResult<NetworkDef> = parseNetworkXml(e.xml),
): NetworkSample {
  const errors = [def.ok ? null : def.error, error].filter((x): x is string => x !== null);
  let dhcpSize: number | null = null;
  if (def.ok) {
    for (const r of def.value.dhcpRanges) {
      const n = rangeSize(r);
      if (n !== null) dhcpSize = (dhcpSize ?? 0) + n;
    }
  }
  return {
    name: e.name,
    uuid: e.uuid,
    active: e.active,
    persistent: e.persistent,
    autostart: e.autostart,
    forward: def.ok ? def.value.forward : null,
    // libvirt's answer first: it knows the bridge of a running network even when the XML names none.
    bridge: e.bridge ?? (def.ok ? def.value.bridge : null),
    addresses: def.ok ? def.value.addresses : [],
    dhcpSize,
    leases: leases === null ? null : leases.map(leaseSample),
    error: errors.length ? errors.join('; ') : null,
  };
}

function leaseSample(l: DhcpLease): LeaseSample {
  return {
    mac: l.mac === null ? null : l.mac.toLowerCase(),
    ip: l.ip,
    prefix: l.prefix,
    type: l.type,
    hostname: l.hostname,
    expiresWallMs: l.expirySec > 0 ? l.expirySec * 1000 : null,
  };
}

function flag(d: DomainName, autostart: boolean): DomainAutostart {
  return { uuid: d.uuid, autostart };
}

export class InventoryPoller {
  private readonly loop: SlowLoop<InventoryLookup>;
  private last: HostInventory | undefined;
  private dueMs = 0;
  /** the driver keeps no DHCP leases (the test driver): stop asking */
  private noLeases = false;
  private readonly clock: Clock;
  /** rounds done, for tests */
  rounds = 0;
  /** pool and network events heard (each makes the next tick start a round) */
  events = 0;
  /** the connection whose events it listens to */
  private listening: InventoryLookup | null = null;

  constructor(
    readonly uri: string,
    private readonly opts: InventoryPollerOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.loop = new SlowLoop(opts.connect);
  }

  /** The last round's answer; undefined until one has ended. */
  get(): HostInventory | undefined {
    return this.last;
  }

  /** Read everything again at the next tick (the refresh key, or a pool or network event). */
  refresh(): void {
    this.dueMs = 0;
  }

  /** Called once per tick: starts a round when one is due and none runs. Returns at once. */
  update(): void {
    if (this.loop.closed || this.loop.busy) return;
    const now = this.clock.wallMs();
    if (now < this.dueMs) return;
    this.dueMs = now + (this.opts.intervalMs ?? 30_000);
    this.loop.start(() => this.round());
  }

  /** Resolves when the round in flight (if any) is over; for tests and shutdown. */
  settle(): Promise<void> {
    return this.loop.settle();
  }

  close(): Promise<void> {
    return this.loop.close();
  }

  private async round(): Promise<void> {
    const errors: string[] = [];
    // A list that fails keeps the last round's answer for it, with the error beside.
    let pools = this.last?.pools ?? [];
    let networks = this.last?.networks ?? [];
    let domainAutostart = this.last?.domainAutostart;
    let c: InventoryLookup | null = null;
    try {
      c = await this.loop.connection();
    } catch (e) {
      errors.push(`${this.uri}: cannot connect: ${errorMessage(e)}`);
    }
    if (c) {
      this.listen(c);
      let lost = false;
      const listed = <T>(what: string, p: Promise<T>): Promise<T | null> =>
        p.catch((e: unknown) => {
          errors.push(`${what}: ${errorMessage(e)}`);
          if (connectionLost(e)) lost = true;
          return null;
        });
      const [poolList, netList] = await Promise.all([listed('storage pools', c.listStoragePools()), listed('networks', c.listNetworks())]);
      // One call at a time: daemon connections run calls one by one anyway (libvirt < 10.3).
      if (poolList) {
        const fresh: PoolSample[] = [];
        for (const p of poolList) fresh.push(await this.pool(c, p));
        pools = fresh;
      }
      if (netList) {
        const fresh: NetworkSample[] = [];
        for (const n of netList) fresh.push(await this.network(c, n));
        networks = fresh;
      }
      // Autostart, two filtered lists: one round trip each, however many domains.
      if (c.listDomainNames) {
        const on = await listed('autostart domains', c.listDomainNames(ListFlags.Autostart));
        const off = on && (await listed('domains without autostart', c.listDomainNames(ListFlags.NoAutostart)));
        if (on && off) domainAutostart = [...on.map((d) => flag(d, true)), ...off.map((d) => flag(d, false))];
      }
      if (lost) this.loop.drop(c);
    }
    if (this.loop.closed) return;
    this.rounds++;
    this.last = {
      atWallMs: this.clock.wallMs(),
      pools,
      networks,
      ...(domainAutostart ? { domainAutostart } : {}),
      error: errors.length ? errors.join('; ') : null,
    };
  }

  /**
   * A pool or network defined, started, stopped or undefined elsewhere (virsh,
   * OpenStack), or a pool refreshed: read them all again at the next tick
   * rather than up to a whole interval later. Once per connection.
   */
  private listen(c: InventoryLookup): void {
    if (this.listening === c || !c.onInventoryEvent) return;
    this.listening = c;
    try {
      c.onInventoryEvent(() => {
        this.events++;
        this.refresh();
      });
    } catch {
      // A driver without these events: the interval alone keeps the lists fresh.
    }
  }

  private async pool(c: InventoryLookup, p: StoragePoolEntry): Promise<PoolSample> {
    // Only an active pool can list its volumes.
    if (p.state !== PoolState.Running && p.state !== PoolState.Degraded) return poolSample(p, null, null);
    try {
      return poolSample(p, await c.listVolumes(p.uuid), null);
    } catch (e) {
      return poolSample(p, null, `volumes: ${errorMessage(e)}`);
    }
  }

  private async network(c: InventoryLookup, n: NetworkEntry): Promise<NetworkSample> {
    // Its XML is read once, for whether it has DHCP and for the sample.
    const def = parseNetworkXml(n.xml);
    const dhcp = def.ok && def.value.dhcpRanges.length > 0;
    if (!n.active || this.noLeases || !dhcp) return networkSample(n, null, null, def);
    try {
      return networkSample(n, await c.networkDhcpLeases(n.uuid), null, def);
    } catch (e) {
      const code = errorCode(e);
      if (code === ErrorCode.NoSupport || code === ErrorCode.OperationUnsupported) {
        this.noLeases = true;
        return networkSample(n, null, null, def);
      }
      return networkSample(n, null, `leases: ${errorMessage(e)}`, def);
    }
  }
}
