// What views (batch formatters, TUI panes) read. Produced by Model.ingest;
// plain data, rates already computed, unknowns as null.

import type { DiskIoError, OpenStackMeta, AddressSource, ConnectionStatus, DomainAddresses, GuestIpAddress, PoolStateName, StateName } from '../types/sample.js';
import type { CapacityView } from './capacity.js';
import type { GuestStatsState } from './insight.js';

export interface VcpuThreadView {
  vcpu: number;
  /** host thread id; null when only libvirt's per-vCPU stats are known (remote host) */
  tid: number | null;
  /** percent of one host CPU */
  cpuPercent: number | null;
  /** the cumulative counter behind cpuPercent: the thread's utime+stime from /proc, or libvirt's vcpu.N.time (ns) */
  cpuTimeNs?: bigint | null;
  /** run-queue delay as a percent of wall time: time it wanted a CPU and waited */
  waitPercent: number | null;
  lastCpu: number | null;
  /** the same run-queue delay under its insight name (steal of this vCPU); waitPercent stays for the JSON schema */
  stealPercent?: number | null;
}

export interface DiskView {
  name: string;
  path: string | null;
  rdBytesPerSec: number | null;
  wrBytesPerSec: number | null;
  rdReqPerSec: number | null;
  wrReqPerSec: number | null;
  /** the cumulative counters behind the rates (libvirt block.N.*) */
  rdBytes?: bigint | null;
  wrBytes?: bigint | null;
  rdReqs?: bigint | null;
  wrReqs?: bigint | null;
  errors: number | null;
  capacityBytes: number | null;
  allocationBytes: number | null;
  /** host storage the source takes (block.N.physical), bytes */
  physicalBytes?: number | null;
  /** the storage pool whose volume it is (matched by path); null when none of the host's pools holds it */
  pool?: string | null;
  /** mean ms per request over the last interval (model/latency.ts); null with no request in it */
  rdLatencyMs?: number | null;
  wrLatencyMs?: number | null;
  flLatencyMs?: number | null;
  /** reads and writes together */
  latencyMs?: number | null;
  /** the cumulative counters behind the latencies (libvirt block.N.rd.times, wr.times, fl.reqs, fl.times), ns */
  rdTimesNs?: bigint | null;
  wrTimesNs?: bigint | null;
  flReqs?: bigint | null;
  flTimesNs?: bigint | null;
  /** the I/O error that paused the guest on this disk ('nospace', 'unspec'); null for none or not known */
  ioError?: DiskIoError | null;
}

export interface NicView {
  name: string;
  mac: string | null;
  source: string | null;
  /** interface type (network, bridge, direct, ...); null when the XML is unknown */
  type?: string | null;
  /** the host bridge it is plugged into; null for none or unknown */
  bridge?: string | null;
  rxBytesPerSec: number | null;
  txBytesPerSec: number | null;
  rxPktsPerSec: number | null;
  txPktsPerSec: number | null;
  /** the cumulative counters behind the rates (libvirt net.N.*) */
  rxBytes?: bigint | null;
  txBytes?: bigint | null;
  rxPkts?: bigint | null;
  txPkts?: bigint | null;
  rxErrs: number | null;
  txErrs: number | null;
  rxDrop: number | null;
  txDrop: number | null;
  /** guest addresses of this NIC (matched by MAC); null/undefined when not looked up */
  addrs?: GuestIpAddress[] | null;
  /** where they came from */
  addrSource?: AddressSource | null;
}

export interface DomainView {
  /** stable key: host URI + uuid */
  key: string;
  host: string;
  name: string;
  uuid: string;
  id: number | null;
  state: StateName;
  /** defined for good (survives a shutdown) or transient; null when libvirt did not say */
  persistent?: boolean | null;
  /** starts with the host (virsh autostart); null until the slow loop has read it */
  autostart?: boolean | null;
  /** the XML's <title>, and what Nova says of the instance on OpenStack; null when absent */
  title?: string | null;
  openstack?: OpenStackMeta | null;
  /** why it is in that state (libvirt's reason, e.g. 'ioerror' for a pause on a disk error: types/state.ts); null when not given */
  stateReason?: string | null;
  active: boolean;
  /** virt-top's %CPU: share of the whole host */
  cpuPercent: number | null;
  /** guest CPU: Σ vCPU time over (elapsed × online vCPUs); excludes QEMU's own threads (see overheadPercent) */
  vcpuPercent: number | null;
  vcpus: number | null;
  maxVcpus: number | null;
  memCurrentKiB: number | null;
  memMaxKiB: number | null;
  /** used inside the guest (available - unused), null when the guest does not report */
  memUsedKiB: number | null;
  /** current memory as a share of host memory */
  memPercent: number | null;
  rssKiB: number | null;
  rdBytesPerSec: number | null;
  wrBytesPerSec: number | null;
  rdReqPerSec: number | null;
  wrReqPerSec: number | null;
  /** the worst disk's read/write latency over the last interval, ms (model/latency.ts); null when no disk had a request */
  diskLatencyMs?: number | null;
  rxBytesPerSec: number | null;
  txBytesPerSec: number | null;
  rxPktsPerSec: number | null;
  txPktsPerSec: number | null;
  cpuTimeNs: bigint | null;
  /** Σ vcpu.N.time of the online vCPUs (raw counter behind vcpuPercent); null when libvirt has no per-vCPU times, or was not asked for them (collector/direct.ts) */
  vcpuTimeNs: bigint | null;
  /** monotonic stamp (this process's clock) of the libvirt reading behind this tick's counters; rates are over its deltas */
  statsMonoNs: bigint | null;
  /** the same clock's stamp of this tick's /proc scan of its QEMU (local hosts): rates from /proc (guestCpuSource 'proc', vCPU threads) are over its deltas */
  procMonoNs?: bigint | null;
  /** seconds since the QEMU process started, when known */
  uptimeSec: number | null;
  disks: DiskView[];
  nics: NicView[];
  vcpuThreads: VcpuThreadView[];
  /** whether the domain has a balloon device; null when its XML is unknown */
  hasBalloon: boolean | null;
  /** guest memory stats period (s) from the XML; null when none is set or unknown */
  balloonStatsPeriodSec: number | null;
  /** sampling problems for this domain (vanished mid-tick, unreadable /proc) */
  errors: readonly string[];
  /** true until a second sample makes rates possible */
  initializing: boolean;

  // ---- insight (src/model/insight.ts); optional so hand-built views stay valid, the model always sets them
  /** host CPU with 100 % = one core (Irix mode): Δcpu.time / elapsed */
  cpuCorePercent?: number | null;
  /** mean over its vCPUs of run-queue delay / wall time (the guest's "st") */
  stealPercent?: number | null;
  /** the same delay summed over its vCPUs ("vCPUs' worth" of waiting, 100 = one vCPU waiting all the time) */
  stealSumPercent?: number | null;
  /** memory the guest could use without swapping (balloon stat "usable"), KiB */
  memUsableKiB?: number | null;
  /** CPU of QEMU's non-vCPU threads + vhost workers, share of the whole host */
  overheadPercent?: number | null;
  /** the same, 100 % = one core */
  overheadCorePercent?: number | null;
  /** where vcpuPercent came from: libvirt's vcpu.N.time, or the vCPU threads in /proc */
  guestCpuSource?: 'libvirt' | 'proc' | null;
  /** where overhead came from: /proc threads, or libvirt cpu.time − Σ vcpu.N.time */
  overheadSource?: 'proc' | 'libvirt' | null;
  /** CPU it used while other domains' vCPUs waited (estimate), 100 % = one core */
  contentionCausedPercent?: number | null;
  /** ticks in a row its steal was above the model's threshold */
  stealStreak?: number;
  /** steal stayed above the threshold for the model's number of ticks */
  stealAlert?: boolean;
  /** guest memory stats: fresh, stale, off (press m), … */
  guestStats?: GuestStatsState;
  /** seconds since the guest last reported memory stats */
  guestStatsAgeSec?: number | null;
  /** guest-side swap and major faults, from the balloon stats */
  swapInKiBPerSec?: number | null;
  swapOutKiBPerSec?: number | null;
  majorFaultsPerSec?: number | null;
  /** guest IP addresses from the slow lookup loop; null when not looked up */
  addresses?: DomainAddresses | null;
}

// ---- storage pools and networks (figures: src/model/storage.ts)

export interface VolumeView {
  name: string;
  path: string;
  type: string;
  /** qcow2, raw, ...; null when its XML names none */
  format: string | null;
  capacityBytes: number;
  allocationBytes: number;
  /** domains with a disk on it (by path); empty: unused */
  usedBy: string[];
}

export interface PoolView {
  name: string;
  uuid: string;
  state: PoolStateName;
  type: string | null;
  targetPath: string | null;
  source: string | null;
  capacityBytes: number;
  allocationBytes: number;
  availableBytes: number;
  /** allocation over capacity; null for an inactive or empty pool */
  usedPercent: number | null;
  /** Σ its volumes' capacities over its capacity: above 1, thin volumes promise more than it holds */
  overcommitRatio: number | null;
  /** allocation growth from the kept history, bytes per hour (negative: shrinking); null until it spans GROWTH_MIN_SPAN_MS */
  growthBytesPerHour: number | null;
  /** at that growth, seconds until it is full; null when not growing */
  fullInSec: number | null;
  autostart: boolean;
  persistent: boolean;
  volumes: VolumeView[] | null;
  error: string | null;
}

export interface LeaseView {
  mac: string | null;
  ip: string;
  hostname: string | null;
  /** the domain whose NIC has that MAC, when it is one of the host's */
  domain: string | null;
  expiresWallMs: number | null;
}

export interface NetworkView {
  name: string;
  uuid: string;
  active: boolean;
  forward: string | null;
  bridge: string | null;
  addresses: string[];
  /** leases held; null when the driver keeps none or the network has no DHCP */
  leasesUsed: number | null;
  /** addresses its DHCP ranges hold */
  leasesTotal: number | null;
  leases: LeaseView[] | null;
  /** domains with a NIC on it (its name or its bridge as the NIC's source), by name */
  guests: string[];
  /** the guests' tap devices on it */
  taps: TapView[];
  /** bytes per second through its bridge (received, sent by the bridge: /sys/class/net/BR/statistics); null where not read (remote hosts) */
  rxBytesPerSec: number | null;
  txBytesPerSec: number | null;
  autostart: boolean;
  persistent: boolean;
  error: string | null;
}

/** A guest NIC's host-side device on a bridge. */
export interface TapView {
  /** host-side device (vnet0) */
  tap: string;
  domain: string;
  mac: string | null;
}

/** A host bridge that guest NICs are plugged into directly (<interface type='bridge'>), not a libvirt network's. */
export interface HostBridgeView {
  name: string;
  /** domains with a NIC on it, by name */
  guests: string[];
  taps: TapView[];
  /** bytes per second through it (/sys/class/net/BR/statistics, local hosts); null where not read */
  rxBytesPerSec: number | null;
  txBytesPerSec: number | null;
}

export interface HostView {
  uri: string;
  hostname: string | null;
  model: string | null;
  cpus: number | null;
  mhz: number | null;
  memoryKiB: number | null;
  libvirtVersion: string | null;
  status: ConnectionStatus;
  error: string | null;
  /** seconds since the host was last seen connected, while it is not */
  downForSec: number | null;
  /** while unresponsive: seconds its pending call has gone unanswered */
  unresponsiveSec?: number | null;
  tickLatencyMs: number;
  domainsTotal: number;
  domainsActive: number;
  domainsRunning: number;
  /** running guests that would not come back after a host reboot (no autostart, or transient); null until autostart is read */
  runningNoAutostart?: number | null;
  domainsPaused: number;
  domainsInactive: number;
  /** sum of domains' %CPU (share of this host) */
  guestCpuPercent: number | null;
  /** host-wide busy CPU % from host counters */
  hostCpuPercent: number | null;
  perCpuPercent: { cpu: number; percent: number | null }[];
  /** memory currently given to active guests */
  guestMemKiB: number;
  memAvailableKiB: number | null;
  vcpusActive: number;
  /** capacity figures (src/model/capacity.ts); null when the host is not connected */
  capacity?: CapacityView | null;
  /** storage pools and libvirt networks (src/model/storage.ts); null until the slow loop has answered */
  pools?: PoolView[] | null;
  networks?: NetworkView[] | null;
  /** host bridges guest NICs use that no libvirt network owns (br0), with their traffic; from the domains' XML, so known from the first tick */
  bridges?: HostBridgeView[];
  /** when the slow loop's round behind them ended, wall ms */
  inventoryWallMs?: number | null;
  /** why (part of) that round failed */
  inventoryError?: string | null;
}

export interface ModelView {
  seq: number;
  wallMs: number;
  /** seconds between this sample and the previous one, null on the first */
  intervalSec: number | null;
  hosts: HostView[];
  domains: DomainView[];
}
