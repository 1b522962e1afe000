// Promise API over one libvirt connection.
//
// Every method runs its libvirt calls on one of the addon's own threads (a
// few per connection for the test driver, one for a daemon connection on a
// libvirt older than 10.3, whose RPC client crashes when calls overlap;
// never libuv's pool, so a hung host cannot starve other hosts, fs I/O or
// process.exit()); this wrapper only adds error context:
// rejections become LibvirtError (with the URI, the UUID addressed and the
// method name) or ClosedError. Argument mistakes reject with TypeError before
// anything is queued.

import { loadAddon, memoryStatNames } from './addon.js';
import { packRequests, unpackDetails } from './detail-packed.js';
import { ClosedError, fromNativeError } from './errors.js';
import type {
  BlockStats,
  DiskErrorEntry,
  CloseEvent,
  DomainDetail,
  DomainDetailRequest,
  DomainInfo,
  DomainListEntry,
  DomainName,
  InterfaceAddresses,
  InterfaceStats,
  LifecycleEvent,
  InventoryEvent,
  MemoryStats,
  NativeAddonConnection,
  NativeConnection,
  NodeCellFree,
  StoragePoolEntry,
  StorageVolumeEntry,
  NetworkEntry,
  DhcpLease,
  NodeCpuStats,
  NodeInfo,
  NodeMemoryStats,
  RawStatsRecord,
  VcpuInfo,
} from './types.js';

export interface OpenOptions {
  /** Open with virConnectOpenReadOnly (no auth callback, no operations). Default false. */
  readonly?: boolean;
}

/** Everything NativeConnection offers except open(), which is Connection.open(). */
export type ConnectionApi = Omit<NativeConnection, 'open'>;

/**
 * Keepalive for daemon connections: a peer silent for interval × (count + 1)
 * seconds is declared dead, so a cut network or a hung daemon is noticed even
 * when no call is pending.
 */
export const KEEPALIVE = { intervalSec: 5, count: 3 } as const;

export class Connection implements ConnectionApi {
  /** URI as passed to open(); see getUri() for libvirt's canonical form. */
  readonly uri: string;
  readonly readonly: boolean;
  readonly #native: NativeAddonConnection;

  private constructor(native: NativeAddonConnection, uri: string, readonly: boolean) {
    this.#native = native;
    this.uri = uri;
    this.readonly = readonly;
  }

  /**
   * Opens `uri` ('' = libvirt's default URI). Read-write connections use
   * virConnectOpenAuth with libvirt's default auth callback (which may prompt
   * on the terminal for e.g. SASL credentials); readonly ones
   * virConnectOpenReadOnly. The first open in a process starts libvirt's
   * event loop thread.
   */
  static async open(uri: string, opts: OpenOptions = {}): Promise<Connection> {
    if (typeof uri !== 'string') throw new TypeError('uri must be a string');
    const readonly = opts.readonly ?? false;
    if (typeof readonly !== 'boolean') throw new TypeError('readonly must be a boolean');
    const addon = loadAddon();
    const native = new addon.Connection();
    try {
      await native.open(uri, readonly);
    } catch (err) {
      throw fromNativeError(err, { method: 'open', uri });
    }
    return new Connection(native, uri, readonly);
  }

  async #call<T>(method: string, uuid: string | null, fn: (n: NativeAddonConnection) => Promise<T>): Promise<T> {
    try {
      return await fn(this.#native);
    } catch (err) {
      throw fromNativeError(err, { method, uri: this.uri, uuid });
    }
  }

  #sync<T>(method: string, fn: (n: NativeAddonConnection) => T): T {
    try {
      return fn(this.#native);
    } catch (err) {
      throw fromNativeError(err, { method, uri: this.uri });
    }
  }

  /** Deregisters events and drops the connection. Later calls reject with
   *  ClosedError at once, and so does a second close(). Calls already in
   *  flight complete normally (they hold their own reference); the promise
   *  settles once the teardown ran after them, so on a hung remote it waits
   *  for that call: race it with a timer where that matters. */
  close(): Promise<void> {
    return this.#call('close', null, (n) => n.close());
  }

  isOpen(): boolean {
    return this.#native.isOpen();
  }

  /** virConnectIsAlive; resolves false (never rejects with ClosedError) when closed. */
  isAlive(): Promise<boolean> {
    return this.#call('isAlive', null, (n) => n.isAlive());
  }

  getUri(): Promise<string> {
    return this.#call('getUri', null, (n) => n.getUri());
  }

  getHostname(): Promise<string> {
    return this.#call('getHostname', null, (n) => n.getHostname());
  }

  /** libvirt version of the daemon (major * 1e6 + minor * 1e3 + release). */
  getLibVersion(): Promise<number> {
    return this.#call('getLibVersion', null, (n) => n.getLibVersion());
  }

  /** virConnectSetKeepAlive. Rejects with VIR_ERR_NO_SUPPORT on drivers without
   *  keepalive (test:///, local in-process drivers); resolves when the server
   *  merely does not support it. */
  setKeepAlive(intervalSec: number, count: number): Promise<void> {
    return this.#call('setKeepAlive', null, (n) => n.setKeepAlive(intervalSec, count));
  }

  getAllDomainStats(stats: number, flags: number): Promise<RawStatsRecord[]> {
    return this.#call('getAllDomainStats', null, (n) => n.getAllDomainStats(stats, flags));
  }

  listAllDomains(flags: number): Promise<DomainListEntry[]> {
    return this.#call('listAllDomains', null, (n) => n.listAllDomains(flags));
  }

  domainInfo(uuid: string): Promise<DomainInfo> {
    return this.#call('domainInfo', uuid, (n) => n.domainInfo(uuid));
  }

  domainXml(uuid: string, flags: number): Promise<string> {
    return this.#call('domainXml', uuid, (n) => n.domainXml(uuid, flags));
  }

  nodeInfo(): Promise<NodeInfo> {
    return this.#call('nodeInfo', null, (n) => n.nodeInfo());
  }

  nodeCpuStats(): Promise<NodeCpuStats> {
    return this.#call('nodeCpuStats', null, (n) => n.nodeCpuStats());
  }

  nodeMemoryStats(): Promise<NodeMemoryStats> {
    return this.#call('nodeMemoryStats', null, (n) => n.nodeMemoryStats());
  }

  blockStats(uuid: string, device: string): Promise<BlockStats> {
    return this.#call('blockStats', uuid, (n) => n.blockStats(uuid, device));
  }

  interfaceStats(uuid: string, device: string): Promise<InterfaceStats> {
    return this.#call('interfaceStats', uuid, (n) => n.interfaceStats(uuid, device));
  }

  memoryStats(uuid: string): Promise<MemoryStats> {
    return this.#call('memoryStats', uuid, (n) => n.memoryStats(uuid));
  }

  vcpus(uuid: string): Promise<VcpuInfo[]> {
    return this.#call('vcpus', uuid, (n) => n.vcpus(uuid));
  }

  async domainsDetail(requests: DomainDetailRequest[]): Promise<DomainDetail[]> {
    const { names, shape } = packRequests(requests);
    const packed = await this.#call('domainsDetail', null, (n) => n.domainsDetailPacked(names, shape));
    // Each failed part is a plain native Error: give it the class and context the one-call methods give theirs.
    const wrap = (part: Error, uuid: string): Error => fromNativeError(part, { method: 'domainsDetail', uri: this.uri, uuid }) as Error;
    return unpackDetails(requests, packed, memoryStatNames(), wrap);
  }

  async domainXmls(uuids: string[], flags: number): Promise<Array<string | Error>> {
    const xmls = await this.#call('domainXmls', null, (n) => n.domainXmls(uuids, flags));
    return xmls.map((x, i) => (x instanceof Error ? (fromNativeError(x, { method: 'domainXmls', uri: this.uri, uuid: uuids[i] }) as Error) : x));
  }

  diskErrors(uuid: string): Promise<DiskErrorEntry[]> {
    return this.#call('diskErrors', uuid, (n) => n.diskErrors(uuid));
  }

  interfaceAddresses(uuid: string, source: number): Promise<InterfaceAddresses[]> {
    return this.#call('interfaceAddresses', uuid, (n) => n.interfaceAddresses(uuid, source));
  }

  nodeCellsFreeMemory(): Promise<NodeCellFree[]> {
    return this.#call('nodeCellsFreeMemory', null, (n) => n.nodeCellsFreeMemory());
  }

  listStoragePools(): Promise<StoragePoolEntry[]> {
    return this.#call('listStoragePools', null, (n) => n.listStoragePools());
  }

  listVolumes(poolUuid: string): Promise<StorageVolumeEntry[]> {
    return this.#call('listVolumes', null, (n) => n.listVolumes(poolUuid));
  }

  listNetworks(): Promise<NetworkEntry[]> {
    return this.#call('listNetworks', null, (n) => n.listNetworks());
  }

  networkDhcpLeases(networkUuid: string): Promise<DhcpLease[]> {
    return this.#call('networkDhcpLeases', null, (n) => n.networkDhcpLeases(networkUuid));
  }

  create(uuid: string): Promise<void> {
    return this.#call('create', uuid, (n) => n.create(uuid));
  }

  shutdown(uuid: string): Promise<void> {
    return this.#call('shutdown', uuid, (n) => n.shutdown(uuid));
  }

  reboot(uuid: string): Promise<void> {
    return this.#call('reboot', uuid, (n) => n.reboot(uuid));
  }

  destroy(uuid: string): Promise<void> {
    return this.#call('destroy', uuid, (n) => n.destroy(uuid));
  }

  suspend(uuid: string): Promise<void> {
    return this.#call('suspend', uuid, (n) => n.suspend(uuid));
  }

  resume(uuid: string): Promise<void> {
    return this.#call('resume', uuid, (n) => n.resume(uuid));
  }

  /** memKiB: a safe integer or a bigint (the addon accepts both). flags: ModifyFlags. */
  setMemoryFlags(uuid: string, memKiB: number | bigint, flags: number): Promise<void> {
    // NativeConnection declares number; the addon also takes bigint.
    return this.#call('setMemoryFlags', uuid, (n) => n.setMemoryFlags(uuid, memKiB as number, flags));
  }

  setVcpusFlags(uuid: string, count: number, flags: number): Promise<void> {
    return this.#call('setVcpusFlags', uuid, (n) => n.setVcpusFlags(uuid, count, flags));
  }

  setAutostart(uuid: string, autostart: boolean): Promise<void> {
    return this.#call('setAutostart', uuid, (n) => n.setAutostart(uuid, autostart));
  }

  listDomainNames(flags: number): Promise<DomainName[]> {
    return this.#call('listDomainNames', null, (n) => n.listDomainNames(flags));
  }

  setMemoryStatsPeriod(uuid: string, periodSec: number, flags: number): Promise<void> {
    return this.#call('setMemoryStatsPeriod', uuid, (n) => n.setMemoryStatsPeriod(uuid, periodSec, flags));
  }

  /**
   * Adds a lifecycle listener; returns an id for offLifecycle. libvirt's own
   * registration was done while opening, so this never blocks and events
   * start with the next one libvirt emits. Throws ClosedError when the
   * connection is not open, LibvirtError if the driver has no events.
   * Listeners do not keep the process alive.
   */
  onLifecycle(cb: (ev: LifecycleEvent) => void): number {
    return this.#sync('onLifecycle', (n) => n.onLifecycle(cb));
  }

  /** Removes a listener; events already queued for it are dropped. */
  offLifecycle(id: number): void {
    this.#sync('offLifecycle', (n) => n.offLifecycle(id));
  }

  /**
   * Adds a listener for storage pool and network events (defined, started,
   * stopped, undefined, a pool's refresh); returns an id for offInventoryEvent.
   * Throws a LibvirtError when the driver offers none of them.
   */
  onInventoryEvent(cb: (ev: InventoryEvent) => void): number {
    return this.#sync('onInventoryEvent', (n) => n.onInventoryEvent(cb));
  }

  offInventoryEvent(id: number): void {
    this.#sync('offInventoryEvent', (n) => n.offLifecycle(id));
  }

  /** Called when libvirt reports the connection dropped (EOF, keepalive,
   *  error) — not after close(). Only remote/daemon URIs ever fire it. */
  onClose(cb: (ev: CloseEvent) => void): void {
    this.#sync('onClose', (n) => n.onClose(cb));
  }
}

/** Calls on every connection begun and not yet answered: what a hung daemon leaves waiting (a diagnostic for tests and bench). */
export function pendingLibvirtCalls(): number {
  return loadAddon().pendingCalls();
}

/** True if `err` is the ClosedError of a call on a closed Connection. */
export function isClosedError(err: unknown): err is ClosedError {
  return err instanceof ClosedError;
}
