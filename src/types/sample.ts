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
  readonly tid: number;
  /** comm, e.g. "CPU 0/KVM", "CPU 1/TCG", "qemu-system-x86", "IO mon_iothread" */
  readonly comm: string;
  /** vCPU index parsed from "CPU n/..." comm; null for other threads */
  readonly vcpu: number | null;
  /** utime + stime in ns */
  readonly cpuTimeNs: bigint;
  /** schedstat run-queue wait in ns; null when schedstat is unreadable */
  readonly runDelayNs: bigint | null;
  /** last CPU it ran on (stat field 39) */
  readonly lastCpu: number | null;
}

/** What /proc tells about one QEMU process. */
export interface ProcessSample {
  readonly pid: number;
  readonly rssKiB: number | null;
  /** /proc/PID/io read_bytes / write_bytes (storage layer), null when unreadable */
  readonly ioReadBytes: bigint | null;
  readonly ioWriteBytes: bigint | null;
  /** utime+stime of the whole process in ns */
  readonly cpuTimeNs: bigint | null;
  readonly threads: readonly ThreadSample[];
  /** when /proc was read (midpoint, monotonic ns) and how long the read took:
   *  thread rates are timed by these, not by the host sample's stamp */
  readonly monoNs?: bigint;
  readonly spanNs?: bigint;
  /** wall-clock start of the process in ms since epoch (boot time + starttime), when known */
  readonly startedWallMs?: number | null;
  /** Why part of it was unreadable, if it was. */
  readonly error: string | null;
  /** vhost worker threads serving this QEMU (virtio-net/vsock backends), when looked for */
  readonly vhost?: readonly VhostSample[];
}

/** One vhost worker: a kernel thread "vhost-PID" (before Linux 6.4) or a thread inside QEMU (6.4+). */
export interface VhostSample {
  readonly tid: number;
  readonly cpuTimeNs: bigint;
  /** true: a thread of the QEMU process, its time is already in the process total */
  readonly inQemuProcess: boolean;
}

/**
 * What OpenStack Nova writes into a domain's XML (<metadata><nova:instance>):
 * the instance as its users know it. Each field null when Nova left it out.
 */
export interface OpenStackMeta {
  instanceName: string | null;
  /** Nova uses the instance UUID as the domain UUID */
  instanceUuid: string | null;
  flavor: { name: string | null; vcpus: number | null; memoryMiB: number | null; diskGiB: number | null } | null;
  projectName: string | null;
  projectId: string | null;
  userName: string | null;
  userId: string | null;
}

/** What the domain XML says of a disk beyond its source and target. */
export interface DiskXmlFacts {
  readonly type: string | null;
  readonly driverName: string | null;
  readonly driverType: string | null;
  readonly driverCache: string | null;
  readonly driverDiscard: string | null;
  readonly protocol: string | null;
  readonly serial: string | null;
}

export interface DiskSample {
  /** target dev (vda) */
  readonly name: string;
  /** source file, volume or device; null when the driver does not say */
  readonly path: string | null;
  readonly rdReqs: bigint | null;
  readonly rdBytes: bigint | null;
  readonly wrReqs: bigint | null;
  readonly wrBytes: bigint | null;
  readonly errors: bigint | null;
  readonly capacityBytes: bigint | null;
  readonly allocationBytes: bigint | null;
  /** host storage the source takes (block.N.physical: a file's size on disk, a device's size); absent in recordings made before it */
  readonly physicalBytes?: bigint | null;
  /** total time spent on read, write and flush requests (block.N.rd.times, wr.times, fl.times), ns */
  readonly rdTimesNs?: bigint | null;
  readonly wrTimesNs?: bigint | null;
  readonly flReqs?: bigint | null;
  readonly flTimesNs?: bigint | null;
  /** from the domain XML: disk, cdrom, floppy or lun; and the bus (virtio, scsi, sata, ide); absent in older recordings */
  readonly device?: string | null;
  readonly bus?: string | null;
  /** from the domain XML, for the exporters' info series; absent in older recordings */
  readonly xml?: DiskXmlFacts | null;
  /** the error that paused the guest on this disk (virDomainGetDiskErrors), null for none; absent unless the guest is paused on an I/O error */
  readonly ioError?: DiskIoError | null;
}

/** virDomainDiskErrorCode: 'nospace' (the host storage is full) or 'unspec' (any other I/O error). */
export type DiskIoError = 'unspec' | 'nospace';

export interface NicSample {
  /** host-side target dev (vnet0) */
  readonly name: string;
  readonly mac: string | null;
  /** bridge or network name, from domain XML */
  readonly source: string | null;
  /** the interface type (domain XML): network, bridge, direct, user, ...; absent in recordings made before it */
  readonly type?: string | null;
  /** the host bridge it is plugged into (a bridge interface's source; a network interface's bridge in the live XML); absent in older recordings */
  readonly bridge?: string | null;
  /** the device model (virtio, e1000, ...) from the domain XML; absent in older recordings */
  readonly model?: string | null;
  /** <mtu size/> from the domain XML; absent in older recordings */
  readonly mtu?: number | null;
  readonly rxBytes: bigint | null;
  readonly rxPkts: bigint | null;
  readonly rxErrs: bigint | null;
  readonly rxDrop: bigint | null;
  readonly txBytes: bigint | null;
  readonly txPkts: bigint | null;
  readonly txErrs: bigint | null;
  readonly txDrop: bigint | null;
}

export interface VcpuSample {
  readonly vcpu: number;
  /** libvirt vcpu.N.state: 1 running, 0 offline, 2 blocked */
  readonly state: number | null;
  /** vcpu.N.time, ns (libvirt says µs, QEMU reports ns) */
  readonly timeNs: bigint | null;
  /** vcpu.N.wait ns, often 0 without schedstats */
  readonly waitNs: bigint | null;
  /** vcpu.N.delay ns (run-queue delay), libvirt >= 7.? */
  readonly delayNs: bigint | null;
}

export interface BalloonSample {
  readonly currentKiB: bigint | null;
  readonly maximumKiB: bigint | null;
  readonly availableKiB: bigint | null;
  readonly unusedKiB: bigint | null;
  readonly usableKiB: bigint | null;
  readonly rssKiB: bigint | null;
  readonly swapInKiB: bigint | null;
  readonly swapOutKiB: bigint | null;
  readonly majorFaults: bigint | null;
  readonly minorFaults: bigint | null;
  readonly diskCachesKiB: bigint | null;
  /** seconds since epoch of the guest's last stats update */
  readonly lastUpdateSec: bigint | null;
}

export interface DomainSample {
  readonly uuid: string;
  readonly name: string;
  /** hypervisor id, null when inactive */
  readonly id: number | null;
  readonly state: StateName;
  /** libvirt reason code for the state, when given */
  readonly stateReason: number | null;
  readonly persistent: boolean | null;
  /** the domain XML's <title>, and Nova's metadata on OpenStack; absent in older recordings */
  readonly title?: string | null;
  readonly openstack?: OpenStackMeta | null;
  readonly cpuTimeNs: bigint | null;
  readonly cpuUserNs: bigint | null;
  readonly cpuSystemNs: bigint | null;
  readonly vcpusCurrent: number | null;
  readonly vcpusMax: number | null;
  readonly vcpus: readonly VcpuSample[];
  readonly balloon: BalloonSample;
  /** from domain XML when the stats did not say */
  readonly memMaxKiB: bigint | null;
  /** balloon device present (domain XML); null when the XML is unknown */
  readonly hasBalloon: boolean | null;
  /** <memballoon><stats period/> from the XML */
  readonly balloonStatsPeriodSec: number | null;
  readonly disks: readonly DiskSample[];
  readonly nics: readonly NicSample[];
  /** /proc view of the QEMU process; null for remote hosts or inactive domains */
  readonly process: ProcessSample | null;
  /** Errors met while sampling this domain (a vanished domain, unreadable /proc). */
  readonly errors: readonly string[];
  /** when libvirt took these counters: the midpoint of the call that returned them
   *  (monotonic ns), and that call's duration. A call that blocked (a domain busy
   *  starting) widens the span, and rates across it become uncertain. */
  readonly statsMonoNs?: bigint;
  readonly statsSpanNs?: bigint;
  /** guest IP addresses from the slow address loop (not sampled each tick); undefined when not looked up */
  readonly addresses?: DomainAddresses | null;
}

/** Where virDomainInterfaceAddresses got an answer from. */
/** lease, agent, arp: libvirt's sources; arp-table: the host's /proc/net/arp, read by virtop where libvirt's ARP source fails */
export type AddressSource = 'lease' | 'agent' | 'arp' | 'arp-table';

export interface GuestIpAddress {
  readonly type: 'ipv4' | 'ipv6';
  readonly addr: string;
  readonly prefix: number | null;
}

export interface GuestInterface {
  /** interface name as the source knows it (vnet0 for lease/arp, eth0 for the agent) */
  readonly name: string;
  readonly hwaddr: string | null;
  readonly addrs: readonly GuestIpAddress[];
}

export interface DomainAddresses {
  /** the source that answered; null when none did */
  readonly source: AddressSource | null;
  readonly interfaces: readonly GuestInterface[];
  /** wall time of the lookup, ms since epoch */
  readonly atWallMs: number;
  /** why no source answered (last failure), when none did */
  readonly error: string | null;
}

export interface HostInfo {
  readonly uri: string;
  readonly hostname: string;
  readonly model: string;
  readonly cpus: number;
  /** CPUs the topology allows (nodes × sockets × cores × threads, libvirt's VIR_NODEINFO_MAXCPUS), counting offline ones; absent in recordings made before it was kept */
  readonly maxCpus?: number;
  readonly mhz: number;
  readonly memoryKiB: bigint;
  readonly libvirtVersion: string | null;
}

/** Host-wide counters (from /proc/stat for local hosts, else virNodeGetCPUStats). */
export interface HostCounters {
  /** total CPU ns (all states) and busy ns, summed over CPUs */
  readonly cpuTotalNs: bigint | null;
  readonly cpuBusyNs: bigint | null;
  /** per physical CPU [totalNs, busyNs]; empty when unknown */
  readonly perCpu: { cpu: number; totalNs: bigint; busyNs: bigint }[];
  readonly memTotalKiB: bigint | null;
  readonly memAvailableKiB: bigint | null;
  readonly memFreeKiB: bigint | null;
}

/**
 * connected; reconnecting (lost, trying again); failed (never connected);
 * unresponsive: connected, but its call has not answered for more than two
 * intervals (a hung daemon): its samples are stale until the first answer.
 */
export type ConnectionStatus = 'connected' | 'reconnecting' | 'failed' | 'unresponsive';

export interface HostSample {
  readonly uri: string;
  /** monotonic time of the sample in ns (process.hrtime.bigint()) */
  readonly monoNs: bigint;
  /** wall-clock time in ms since epoch */
  readonly wallMs: number;
  readonly status: ConnectionStatus;
  /** why the host is not connected, or the last tick's failure */
  readonly error: string | null;
  readonly info: HostInfo | null;
  readonly counters: HostCounters | null;
  readonly domains: readonly DomainSample[];
  /** how long the libvirt part of the tick took, ms */
  readonly tickLatencyMs: number;
  /** true when the host did not answer within the tick's deadline: no new data,
   *  its previous sample still stands (the call goes on in the background) */
  readonly stale?: boolean;
  /** capacity readings (KSM, hugepages, NUMA, PSI); local hosts only, undefined when not read */
  readonly extra?: HostExtra | null;
  /** storage pools and networks, from the slow loop's last round; undefined until it has answered */
  readonly inventory?: HostInventory;
  /** traffic through the bridges of the libvirt networks (local hosts), read beside the stats call */
  readonly bridges?: BridgeReading;
}

/** One bridge's cumulative byte counters (/sys/class/net/BR/statistics). */
export interface BridgeTraffic {
  readonly name: string;
  readonly rxBytes: bigint | null;
  readonly txBytes: bigint | null;
  readonly error: string | null;
}

export interface BridgeReading {
  /** when they were read (middle of the reads), monotonic ns */
  readonly monoNs: bigint;
  readonly spanNs: bigint;
  readonly bridges: readonly BridgeTraffic[];
}

export type PoolStateName = 'inactive' | 'building' | 'running' | 'degraded' | 'inaccessible';

export interface VolumeSample {
  readonly name: string;
  readonly path: string;
  /** file, block, dir, network, netdir, ploop */
  readonly type: string;
  /** qcow2, raw, ... from its XML; null when it names none; absent in recordings made before it */
  readonly format?: string | null;
  readonly capacityBytes: bigint;
  readonly allocationBytes: bigint;
}

/** One storage pool as the slow loop last saw it. */
export interface PoolSample {
  readonly name: string;
  readonly uuid: string;
  readonly state: PoolStateName;
  /** dir, fs, netfs, logical, disk, iscsi, rbd, ...; null when its XML could not be read */
  readonly type: string | null;
  readonly targetPath: string | null;
  readonly source: string | null;
  readonly capacityBytes: bigint;
  readonly allocationBytes: bigint;
  readonly availableBytes: bigint;
  readonly autostart: boolean;
  readonly persistent: boolean;
  /** its volumes (active pools only); null when not listed */
  readonly volumes: readonly VolumeSample[] | null;
  /** what could not be read about it */
  readonly error: string | null;
}

export interface LeaseSample {
  readonly mac: string | null;
  readonly ip: string;
  readonly prefix: number;
  readonly type: 'ipv4' | 'ipv6';
  readonly hostname: string | null;
  /** when it expires, wall ms; null for a lease that never does */
  readonly expiresWallMs: number | null;
}

/** One libvirt network as the slow loop last saw it. */
export interface NetworkSample {
  readonly name: string;
  readonly uuid: string;
  readonly active: boolean;
  readonly persistent: boolean;
  readonly autostart: boolean;
  /** nat, route, open, bridge, isolated, hostdev, ...; null when its XML could not be read */
  readonly forward: string | null;
  readonly bridge: string | null;
  /** its addresses, address/prefix */
  readonly addresses: readonly string[];
  /** IPv4 addresses its DHCP ranges hold; null without DHCP (or IPv6 only) */
  readonly dhcpSize: number | null;
  /** its DHCP leases; null when not asked (inactive, no DHCP) or the driver keeps none */
  readonly leases: readonly LeaseSample[] | null;
  readonly error: string | null;
}

/** What the slow storage and network loop found on a host. */
export interface HostInventory {
  /** when the round ended, wall ms */
  readonly atWallMs: number;
  readonly pools: readonly PoolSample[];
  readonly networks: readonly NetworkSample[];
  /** which domains start with the host (virsh autostart), by UUID; absent where not read (older recordings, drivers without the filter) */
  readonly domainAutostart?: readonly DomainAutostart[];
  /** why the round failed as a whole (the list calls); null when it did not */
  readonly error: string | null;
}

export interface DomainAutostart {
  readonly uuid: string;
  readonly autostart: boolean;
}

/** /proc/pressure line: share of time stalled, averaged over 10/60/300 s, and the total in µs. */
export interface PressureLine {
  readonly avg10: number;
  readonly avg60: number;
  readonly avg300: number;
  readonly totalUs: bigint;
}

export interface PressureSample {
  readonly some: PressureLine;
  /** absent for cpu before Linux 5.13 */
  readonly full: PressureLine | null;
}

export interface KsmSample {
  /** 0 stopped, 1 running, 2 unmerging */
  readonly run: number | null;
  readonly pagesShared: bigint | null;
  /** pages deduplicated into pagesShared: what KSM saves */
  readonly pagesSharing: bigint | null;
  readonly pagesUnshared: bigint | null;
  readonly pagesVolatile: bigint | null;
  readonly pageSizeKiB: number;
}

export interface HugepagesSample {
  readonly totalPages: bigint;
  readonly freePages: bigint | null;
  readonly reservedPages: bigint | null;
  readonly surplusPages: bigint | null;
  readonly pageSizeKiB: bigint;
  /** transparent hugepages in use */
  readonly anonHugeKiB: bigint | null;
}

export interface NumaNodeSample {
  readonly node: number;
  readonly totalKiB: bigint | null;
  readonly freeKiB: bigint | null;
  readonly hugepagesTotal: bigint | null;
  readonly hugepagesFree: bigint | null;
}

/** Host capacity readings beyond HostCounters; each part null when the kernel lacks it. */
export interface HostExtra {
  readonly ksm: KsmSample | null;
  readonly hugepages: HugepagesSample | null;
  /** free memory per NUMA node; empty when unknown */
  readonly numa: readonly NumaNodeSample[];
  readonly pressure: { cpu: PressureSample | null; memory: PressureSample | null; io: PressureSample | null } | null;
  readonly error: string | null;
}

/** One tick: one sample per watched host. Immutable once emitted. */
export interface Snapshot {
  readonly seq: number;
  readonly monoNs: bigint;
  readonly wallMs: number;
  readonly hosts: readonly HostSample[];
}

/**
 * A sample while the collector is still putting it together (fields filled
 * in, errors appended, stamps set). Once it is in a Snapshot nobody changes
 * it: the published types are readonly all the way down to their lists.
 */
export type Draft<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };
