// Typed surface of the native binding. Everything here mirrors what
// native/src returns; the wrapper in ./connection.ts adds context to errors.

/** Domain states as libvirt numbers them (virDomainState). */
export enum DomainState {
  NoState = 0,
  Running = 1,
  Blocked = 2,
  Paused = 3,
  Shutdown = 4,
  Shutoff = 5,
  Crashed = 6,
  PMSuspended = 7,
}

/** virConnectListAllDomainsFlags (libvirt-domain.h). */
export const ListFlags = {
  Active: 1 << 0,
  Inactive: 1 << 1,
  Persistent: 1 << 2,
  Transient: 1 << 3,
  Autostart: 1 << 10,
  NoAutostart: 1 << 11,
} as const;

/** virDomainStatsTypes bits for virConnectGetAllDomainStats. */
export const StatsGroup = {
  State: 1,
  CpuTotal: 2,
  Balloon: 4,
  Vcpu: 8,
  Interface: 16,
  Block: 32,
  Perf: 64,
  Iothread: 128,
  Memory: 256,
  Dirtyrate: 512,
} as const;

/** virDomainModificationImpact. */
export const ModifyFlags = {
  Current: 0,
  Live: 1,
  Config: 2,
} as const;

/** A typed parameter value: 64-bit integers are bigint so nothing is rounded. */
export type ParamValue = number | bigint | string | boolean;

export interface RawStatsRecord {
  name: string;
  uuid: string;
  /** Flat libvirt typed parameters, e.g. "cpu.time" -> 123n, "block.0.name" -> "vda". */
  params: Record<string, ParamValue>;
}

export interface DomainListEntry {
  name: string;
  uuid: string;
  /** Hypervisor id; -1 for inactive domains. */
  id: number;
  state: DomainState;
  persistent: boolean;
  active: boolean;
}

export interface DomainInfo {
  state: DomainState;
  maxMemKiB: bigint;
  memoryKiB: bigint;
  nrVirtCpu: number;
  cpuTimeNs: bigint;
}

export interface NodeInfo {
  model: string;
  memoryKiB: bigint;
  cpus: number;
  mhz: number;
  nodes: number;
  sockets: number;
  cores: number;
  threads: number;
}

/** virNodeGetCPUStats for all CPUs; fields in ns, null when the driver omits them. */
export interface NodeCpuStats {
  kernelNs: bigint | null;
  userNs: bigint | null;
  idleNs: bigint | null;
  iowaitNs: bigint | null;
}

/** virNodeGetMemoryStats; KiB, null when the driver omits them. */
export interface NodeMemoryStats {
  totalKiB: bigint | null;
  freeKiB: bigint | null;
  buffersKiB: bigint | null;
  cachedKiB: bigint | null;
}

export interface DomainName {
  name: string;
  uuid: string;
}

/** virDomainBlockStats; -1 from libvirt (unsupported) becomes null. */
export interface BlockStats {
  rdReq: bigint | null;
  rdBytes: bigint | null;
  wrReq: bigint | null;
  wrBytes: bigint | null;
  errs: bigint | null;
  /** request times and flushes (virDomainBlockStatsFlags' rd_total_times, wr_total_times, flush_operations, flush_total_times), ns; absent where the call does not give them */
  rdTimesNs?: bigint | null;
  wrTimesNs?: bigint | null;
  flReqs?: bigint | null;
  flTimesNs?: bigint | null;
}

/** One disk's error from virDomainGetDiskErrors: its target (vda) and a virDomainDiskErrorCode. */
export interface DiskErrorEntry {
  disk: string;
  error: number;
}

/** virDomainDiskErrorCode by value. */
export const DISK_ERROR_NAMES = ['none', 'unspec', 'nospace'] as const;

/** virDomainInterfaceStats; -1 from libvirt becomes null. */
export interface InterfaceStats {
  rxBytes: bigint | null;
  rxPackets: bigint | null;
  rxErrs: bigint | null;
  rxDrop: bigint | null;
  txBytes: bigint | null;
  txPackets: bigint | null;
  txErrs: bigint | null;
  txDrop: bigint | null;
}

/** virDomainMemoryStats, keyed by libvirt's tag names in lower case
 *  (swap_in, swap_out, major_fault, minor_fault, unused, available,
 *  actual_balloon, rss, usable, last_update, disk_caches). Values in KiB
 *  except fault counts and last_update (seconds since epoch). */
export type MemoryStats = Record<string, bigint>;

export interface VcpuInfo {
  number: number;
  state: number;
  cpuTimeNs: bigint;
  /** Physical CPU the vCPU last ran on, -1 when unknown. */
  cpu: number;
}

/** What domainsDetail reads for one domain; devices by target name (vda, vnet0). */
export interface DomainDetailRequest {
  uuid: string;
  info?: boolean;
  vcpus?: boolean;
  memory?: boolean;
  disks?: string[];
  nics?: string[];
}

/**
 * One domain's answers from domainsDetail. Each part is the call's answer or
 * the Error it failed with (a LibvirtError from Connection); parts not asked
 * for are absent. `error` is set when the domain could not be looked up (it
 * vanished): then no part is present.
 */
export interface DomainDetail {
  uuid: string;
  /** when this domain's calls began and ended: process.hrtime.bigint()'s clock */
  startNs: bigint;
  endNs: bigint;
  error: Error | null;
  info?: DomainInfo | Error;
  vcpus?: VcpuInfo[] | Error;
  memory?: MemoryStats | Error;
  disks?: Array<BlockStats | Error>;
  nics?: Array<InterfaceStats | Error>;
}

/** virDomainInterfaceAddressesSource: where virDomainInterfaceAddresses looks. */
export const AddressSourceCode = {
  /** libvirt's own DHCP server (dnsmasq) leases */
  Lease: 0,
  /** qemu-guest-agent inside the guest (needs a read-write connection) */
  Agent: 1,
  /** the host's ARP table (IPv4 only) */
  Arp: 2,
} as const;

/** One address of a guest interface (virDomainIPAddress). */
export interface InterfaceIpAddress {
  type: 'ipv4' | 'ipv6';
  addr: string;
  prefix: number;
}

/** One guest interface from virDomainInterfaceAddresses. */
export interface InterfaceAddresses {
  /** vnet0 (lease, arp) or the guest's own name, e.g. eth0 (agent) */
  name: string;
  /** MAC address, null when the source does not say */
  hwaddr: string | null;
  addrs: InterfaceIpAddress[];
}

/** virNodeGetCellsFreeMemory: free memory of one NUMA cell. */
export interface NodeCellFree {
  cell: number;
  freeBytes: bigint;
}

/** virStoragePoolState. */
export const PoolState = { Inactive: 0, Building: 1, Running: 2, Degraded: 3, Inaccessible: 4 } as const;

/** One storage pool (virConnectListAllStoragePools + virStoragePoolGetInfo, GetAutostart, IsPersistent, GetXMLDesc). */
export interface StoragePoolEntry {
  name: string;
  uuid: string;
  /** virStoragePoolState (PoolState) */
  state: number;
  capacityBytes: bigint;
  allocationBytes: bigint;
  availableBytes: bigint;
  autostart: boolean;
  persistent: boolean;
  /** the pool's XML: type, target path, source */
  xml: string;
}

/** virStorageVolType. */
export const VolumeType = { File: 0, Block: 1, Dir: 2, Network: 3, NetDir: 4, Ploop: 5 } as const;

/** One volume of a pool (virStoragePoolListAllVolumes + virStorageVolGetPath, GetInfo, GetXMLDesc). */
export interface StorageVolumeEntry {
  name: string;
  key: string;
  path: string;
  /** virStorageVolType (VolumeType) */
  type: number;
  capacityBytes: bigint;
  allocationBytes: bigint;
  /** the volume's XML: its format (qcow2, raw, ...), backing store */
  xml: string;
}

/** One libvirt network (virConnectListAllNetworks + IsActive, IsPersistent, GetAutostart, GetXMLDesc, GetBridgeName). */
export interface NetworkEntry {
  name: string;
  uuid: string;
  active: boolean;
  persistent: boolean;
  autostart: boolean;
  /** its bridge device; null for networks that have none of their own (forward to a host bridge, hostdev, macvtap) */
  bridge: string | null;
  /** the network's XML: forward mode, IP ranges, DHCP range */
  xml: string;
}

/** One DHCP lease of a network (virNetworkGetDHCPLeases). */
export interface DhcpLease {
  iface: string;
  /** seconds since the epoch; 0 for a lease that never expires */
  expirySec: number;
  type: 'ipv4' | 'ipv6';
  mac: string | null;
  ip: string;
  prefix: number;
  hostname: string | null;
  clientId: string | null;
}

/** virDomainEventType: what a lifecycle event says happened. */
export const LifecycleEventType = {
  Defined: 0,
  Undefined: 1,
  Started: 2,
  Suspended: 3,
  Resumed: 4,
  Stopped: 5,
  Shutdown: 6,
  PmSuspended: 7,
  Crashed: 8,
} as const;

/** Lifecycle event from virConnectDomainEventRegisterAny(VIR_DOMAIN_EVENT_ID_LIFECYCLE). */
export interface LifecycleEvent {
  name: string;
  uuid: string;
  /** virDomainEventType: 0 defined, 1 undefined, 2 started, 3 suspended, 4 resumed, 5 stopped, 6 shutdown, 7 pmsuspended, 8 crashed */
  event: number;
  detail: number;
}

/** A storage pool's or a network's lifecycle event, or a pool's refresh. */
export interface InventoryEvent {
  object: 'pool' | 'network';
  name: string;
  uuid: string;
  /** virStoragePoolEventLifecycleType / virNetworkEventLifecycleType (0 defined, 1 undefined, 2 started, 3 stopped, ...), or 'refresh' for a pool's refresh */
  event: number | 'refresh';
  detail: number | null;
}

/** Fired when libvirt reports the connection closed (virConnectRegisterCloseCallback). */
export interface CloseEvent {
  /** virConnectCloseReason: 0 error, 1 eof, 2 keepalive, 3 client */
  reason: number;
}

/** The JS class the addon exports. All async methods reject with an Error
 *  that has `code` (virErrorNumber), `domain` (virErrorDomain), `call`
 *  (libvirt function name) and libvirt's own message. Domains are addressed
 *  by UUID string so odd names never need quoting or escaping. */
export interface NativeConnection {
  open(uri: string, readonly: boolean): Promise<void>;
  close(): Promise<void>;
  isOpen(): boolean;
  /** virConnectIsAlive; false when closed. */
  isAlive(): Promise<boolean>;
  getUri(): Promise<string>;
  getHostname(): Promise<string>;
  getLibVersion(): Promise<number>;
  /** virConnectSetKeepAlive(interval s, count). Needs the event loop (started on first open). */
  setKeepAlive(intervalSec: number, count: number): Promise<void>;

  getAllDomainStats(stats: number, flags: number): Promise<RawStatsRecord[]>;
  listAllDomains(flags: number): Promise<DomainListEntry[]>;
  /** virConnectListAllDomains with a filter (ListFlags): names and UUIDs only, one round trip. */
  listDomainNames(flags: number): Promise<DomainName[]>;
  domainInfo(uuid: string): Promise<DomainInfo>;
  domainXml(uuid: string, flags: number): Promise<string>;
  nodeInfo(): Promise<NodeInfo>;
  nodeCpuStats(): Promise<NodeCpuStats>;
  nodeMemoryStats(): Promise<NodeMemoryStats>;

  blockStats(uuid: string, device: string): Promise<BlockStats>;
  interfaceStats(uuid: string, device: string): Promise<InterfaceStats>;
  memoryStats(uuid: string): Promise<MemoryStats>;
  vcpus(uuid: string): Promise<VcpuInfo[]>;
  /** The per-domain queries above for many domains in one call (one job on a binding thread); in request order. */
  domainsDetail(requests: DomainDetailRequest[]): Promise<DomainDetail[]>;
  /** domainXml for many domains in one call; each answer is the XML or that domain's Error, in order. */
  domainXmls(uuids: string[], flags: number): Promise<Array<string | Error>>;
  /** virDomainGetDiskErrors: the disks that hit an I/O error (kept by QEMU until the guest resumes). */
  diskErrors(uuid: string): Promise<DiskErrorEntry[]>;
  /** virDomainInterfaceAddresses(source: AddressSourceCode); the agent source needs a read-write connection. */
  interfaceAddresses(uuid: string, source: number): Promise<InterfaceAddresses[]>;
  /** virNodeGetCellsFreeMemory for every cell the driver has. */
  nodeCellsFreeMemory(): Promise<NodeCellFree[]>;
  /** Every storage pool, active or not, with its info and XML. */
  listStoragePools(): Promise<StoragePoolEntry[]>;
  /** The volumes of an active pool (by UUID); a volume deleted meanwhile is left out. */
  listVolumes(poolUuid: string): Promise<StorageVolumeEntry[]>;
  /** Every libvirt network, active or not, with its bridge and XML. */
  listNetworks(): Promise<NetworkEntry[]>;
  /** The DHCP leases of a network (by UUID). */
  networkDhcpLeases(networkUuid: string): Promise<DhcpLease[]>;

  create(uuid: string): Promise<void>;
  shutdown(uuid: string): Promise<void>;
  reboot(uuid: string): Promise<void>;
  destroy(uuid: string): Promise<void>;
  suspend(uuid: string): Promise<void>;
  resume(uuid: string): Promise<void>;
  setMemoryFlags(uuid: string, memKiB: number, flags: number): Promise<void>;
  setVcpusFlags(uuid: string, count: number, flags: number): Promise<void>;
  setMemoryStatsPeriod(uuid: string, periodSec: number, flags: number): Promise<void>;
  /** virDomainSetAutostart; libvirt refuses it for a transient domain. */
  setAutostart(uuid: string, autostart: boolean): Promise<void>;

  /** Registers lifecycle events; returns a callback id for offLifecycle. */
  onLifecycle(cb: (ev: LifecycleEvent) => void): number;
  offLifecycle(id: number): void;
  /** Registers for pool and network events (one id space with onLifecycle: offLifecycle removes either); throws when the driver has none. */
  onInventoryEvent(cb: (ev: InventoryEvent) => void): number;
  /** Called once when the connection drops (keepalive, EOF, error). */
  onClose(cb: (ev: CloseEvent) => void): void;
}

/**
 * The addon's class as it is: NativeConnection, except that the per-domain
 * batch answers packed (src/libvirt/detail-packed.ts), which Connection
 * reads back into DomainDetail objects.
 */
export interface NativeAddonConnection extends Omit<NativeConnection, 'domainsDetail'> {
  /** `names` and `shape` as packRequests (src/libvirt/detail-packed.ts) makes them */
  domainsDetailPacked(names: string, shape: Int32Array): Promise<PackedDetails>;
}

/** domainsDetail's answer as the addon packs it: see src/libvirt/detail-packed.ts for the layout. */
export interface PackedDetails {
  ints: Int32Array;
  nums: BigInt64Array;
  errors: Error[];
}
