// Shared shapes for one collector tick. Imports nothing: every layer may use
// these. Counters are raw (cumulative) values; rates are the model's job.
// Unknown values are null, never 0.

export type StateName =
  | 'nostate'
  | 'running'
  | 'blocked'
  | 'paused'
  | 'shutdown'
  | 'shutoff'
  | 'crashed'
  | 'pmsuspended';

/** One /proc/<pid>/task/<tid> reading. Times in clock ticks converted to ns. */
export interface ThreadSample {
  tid: number;
  /** comm, e.g. "CPU 0/KVM", "CPU 1/TCG", "qemu-system-x86", "IO mon_iothread" */
  comm: string;
  /** vCPU index parsed from "CPU n/..." comm; null for other threads */
  vcpu: number | null;
  /** utime + stime in ns */
  cpuTimeNs: bigint;
  /** schedstat run-queue wait in ns; null when schedstat is unreadable */
  runDelayNs: bigint | null;
  /** last CPU it ran on (stat field 39) */
  lastCpu: number | null;
}

/** What /proc tells about one QEMU process. */
export interface ProcessSample {
  pid: number;
  rssKiB: number | null;
  /** /proc/PID/io read_bytes / write_bytes (storage layer), null when unreadable */
  ioReadBytes: bigint | null;
  ioWriteBytes: bigint | null;
  /** utime+stime of the whole process in ns */
  cpuTimeNs: bigint | null;
  threads: ThreadSample[];
  /** when /proc was read (midpoint, monotonic ns) and how long the read took:
   *  thread rates are timed by these, not by the host sample's stamp */
  monoNs?: bigint;
  spanNs?: bigint;
  /** wall-clock start of the process in ms since epoch (boot time + starttime), when known */
  startedWallMs?: number | null;
  /** Why part of it was unreadable, if it was. */
  error: string | null;
  /** vhost worker threads serving this QEMU (virtio-net/vsock backends), when looked for */
  vhost?: VhostSample[];
}

/** One vhost worker: a kernel thread "vhost-PID" (before Linux 6.4) or a thread inside QEMU (6.4+). */
export interface VhostSample {
  tid: number;
  cpuTimeNs: bigint;
  /** true: a thread of the QEMU process, its time is already in the process total */
  inQemuProcess: boolean;
}

export interface DiskSample {
  /** target dev (vda) */
  name: string;
  /** source file, volume or device; null when the driver does not say */
  path: string | null;
  rdReqs: bigint | null;
  rdBytes: bigint | null;
  wrReqs: bigint | null;
  wrBytes: bigint | null;
  errors: bigint | null;
  capacityBytes: bigint | null;
  allocationBytes: bigint | null;
}

export interface NicSample {
  /** host-side target dev (vnet0) */
  name: string;
  mac: string | null;
  /** bridge or network name, from domain XML */
  source: string | null;
  rxBytes: bigint | null;
  rxPkts: bigint | null;
  rxErrs: bigint | null;
  rxDrop: bigint | null;
  txBytes: bigint | null;
  txPkts: bigint | null;
  txErrs: bigint | null;
  txDrop: bigint | null;
}

export interface VcpuSample {
  vcpu: number;
  /** libvirt vcpu.N.state: 1 running, 0 offline, 2 blocked */
  state: number | null;
  /** vcpu.N.time, ns (libvirt says µs, QEMU reports ns) */
  timeNs: bigint | null;
  /** vcpu.N.wait ns, often 0 without schedstats */
  waitNs: bigint | null;
  /** vcpu.N.delay ns (run-queue delay), libvirt >= 7.? */
  delayNs: bigint | null;
}

export interface BalloonSample {
  currentKiB: bigint | null;
  maximumKiB: bigint | null;
  availableKiB: bigint | null;
  unusedKiB: bigint | null;
  usableKiB: bigint | null;
  rssKiB: bigint | null;
  swapInKiB: bigint | null;
  swapOutKiB: bigint | null;
  majorFaults: bigint | null;
  minorFaults: bigint | null;
  diskCachesKiB: bigint | null;
  /** seconds since epoch of the guest's last stats update */
  lastUpdateSec: bigint | null;
}

export interface DomainSample {
  uuid: string;
  name: string;
  /** hypervisor id, null when inactive */
  id: number | null;
  state: StateName;
  /** libvirt reason code for the state, when given */
  stateReason: number | null;
  persistent: boolean | null;
  cpuTimeNs: bigint | null;
  cpuUserNs: bigint | null;
  cpuSystemNs: bigint | null;
  vcpusCurrent: number | null;
  vcpusMax: number | null;
  vcpus: VcpuSample[];
  balloon: BalloonSample;
  /** from domain XML when the stats did not say */
  memMaxKiB: bigint | null;
  /** balloon device present (domain XML); null when the XML is unknown */
  hasBalloon: boolean | null;
  /** <memballoon><stats period/> from the XML */
  balloonStatsPeriodSec: number | null;
  disks: DiskSample[];
  nics: NicSample[];
  /** /proc view of the QEMU process; null for remote hosts or inactive domains */
  process: ProcessSample | null;
  /** Errors met while sampling this domain (a vanished domain, unreadable /proc). */
  errors: string[];
  /** when libvirt took these counters: the midpoint of the call that returned them
   *  (monotonic ns), and that call's duration. A call that blocked (a domain busy
   *  starting) widens the span, and rates across it become uncertain. */
  statsMonoNs?: bigint;
  statsSpanNs?: bigint;
  /** guest IP addresses from the slow address loop (not sampled each tick); undefined when not looked up */
  addresses?: DomainAddresses | null;
}

/** Where virDomainInterfaceAddresses got an answer from. */
/** lease, agent, arp: libvirt's sources; arp-table: the host's /proc/net/arp, read by virtop where libvirt's ARP source fails */
export type AddressSource = 'lease' | 'agent' | 'arp' | 'arp-table';

export interface GuestIpAddress {
  type: 'ipv4' | 'ipv6';
  addr: string;
  prefix: number | null;
}

export interface GuestInterface {
  /** interface name as the source knows it (vnet0 for lease/arp, eth0 for the agent) */
  name: string;
  hwaddr: string | null;
  addrs: GuestIpAddress[];
}

export interface DomainAddresses {
  /** the source that answered; null when none did */
  source: AddressSource | null;
  interfaces: GuestInterface[];
  /** wall time of the lookup, ms since epoch */
  atWallMs: number;
  /** why no source answered (last failure), when none did */
  error: string | null;
}

export interface HostInfo {
  uri: string;
  hostname: string;
  model: string;
  cpus: number;
  mhz: number;
  memoryKiB: bigint;
  libvirtVersion: string | null;
}

/** Host-wide counters (from /proc/stat for local hosts, else virNodeGetCPUStats). */
export interface HostCounters {
  /** total CPU ns (all states) and busy ns, summed over CPUs */
  cpuTotalNs: bigint | null;
  cpuBusyNs: bigint | null;
  /** per physical CPU [totalNs, busyNs]; empty when unknown */
  perCpu: { cpu: number; totalNs: bigint; busyNs: bigint }[];
  memTotalKiB: bigint | null;
  memAvailableKiB: bigint | null;
  memFreeKiB: bigint | null;
}

export type ConnectionStatus = 'connected' | 'reconnecting' | 'failed';

export interface HostSample {
  uri: string;
  /** monotonic time of the sample in ns (process.hrtime.bigint()) */
  monoNs: bigint;
  /** wall-clock time in ms since epoch */
  wallMs: number;
  status: ConnectionStatus;
  /** why the host is not connected, or the last tick's failure */
  error: string | null;
  info: HostInfo | null;
  counters: HostCounters | null;
  domains: DomainSample[];
  /** how long the libvirt part of the tick took, ms */
  tickLatencyMs: number;
  /** true when the host did not answer within the tick's deadline: no new data,
   *  its previous sample still stands (the call goes on in the background) */
  stale?: boolean;
  /** capacity readings (KSM, hugepages, NUMA, PSI); local hosts only, undefined when not read */
  extra?: HostExtra | null;
}

/** /proc/pressure line: share of time stalled, averaged over 10/60/300 s, and the total in µs. */
export interface PressureLine {
  avg10: number;
  avg60: number;
  avg300: number;
  totalUs: bigint;
}

export interface PressureSample {
  some: PressureLine;
  /** absent for cpu before Linux 5.13 */
  full: PressureLine | null;
}

export interface KsmSample {
  /** 0 stopped, 1 running, 2 unmerging */
  run: number | null;
  pagesShared: bigint | null;
  /** pages deduplicated into pagesShared: what KSM saves */
  pagesSharing: bigint | null;
  pagesUnshared: bigint | null;
  pagesVolatile: bigint | null;
  pageSizeKiB: number;
}

export interface HugepagesSample {
  totalPages: bigint;
  freePages: bigint | null;
  reservedPages: bigint | null;
  surplusPages: bigint | null;
  pageSizeKiB: bigint;
  /** transparent hugepages in use */
  anonHugeKiB: bigint | null;
}

export interface NumaNodeSample {
  node: number;
  totalKiB: bigint | null;
  freeKiB: bigint | null;
  hugepagesTotal: bigint | null;
  hugepagesFree: bigint | null;
}

/** Host capacity readings beyond HostCounters; each part null when the kernel lacks it. */
export interface HostExtra {
  ksm: KsmSample | null;
  hugepages: HugepagesSample | null;
  /** free memory per NUMA node; empty when unknown */
  numa: NumaNodeSample[];
  pressure: { cpu: PressureSample | null; memory: PressureSample | null; io: PressureSample | null } | null;
  error: string | null;
}

/** One tick: one sample per watched host. Immutable once emitted. */
export interface Snapshot {
  seq: number;
  monoNs: bigint;
  wallMs: number;
  hosts: HostSample[];
}
