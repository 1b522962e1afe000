// What views (batch formatters, TUI panes) read. Produced by Model.ingest;
// plain data, rates already computed, unknowns as null.

import type { ConnectionStatus, StateName } from '../types/sample.js';

export interface VcpuThreadView {
  vcpu: number;
  /** host thread id; null when only libvirt's per-vCPU stats are known (remote host) */
  tid: number | null;
  /** percent of one host CPU */
  cpuPercent: number | null;
  /** run-queue delay as a percent of wall time: time it wanted a CPU and waited */
  waitPercent: number | null;
  lastCpu: number | null;
}

export interface DiskView {
  name: string;
  path: string | null;
  rdBytesPerSec: number | null;
  wrBytesPerSec: number | null;
  rdReqPerSec: number | null;
  wrReqPerSec: number | null;
  errors: number | null;
  capacityBytes: number | null;
  allocationBytes: number | null;
}

export interface NicView {
  name: string;
  mac: string | null;
  source: string | null;
  rxBytesPerSec: number | null;
  txBytesPerSec: number | null;
  rxPktsPerSec: number | null;
  txPktsPerSec: number | null;
  rxErrs: number | null;
  txErrs: number | null;
  rxDrop: number | null;
  txDrop: number | null;
}

export interface DomainView {
  /** stable key: host URI + uuid */
  key: string;
  host: string;
  name: string;
  uuid: string;
  id: number | null;
  state: StateName;
  active: boolean;
  /** virt-top's %CPU: share of the whole host */
  cpuPercent: number | null;
  /** share of the domain's own vCPUs */
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
  rxBytesPerSec: number | null;
  txBytesPerSec: number | null;
  rxPktsPerSec: number | null;
  txPktsPerSec: number | null;
  cpuTimeNs: bigint | null;
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
  errors: string[];
  /** true until a second sample makes rates possible */
  initializing: boolean;
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
  tickLatencyMs: number;
  domainsTotal: number;
  domainsActive: number;
  domainsRunning: number;
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
}

export interface ModelView {
  seq: number;
  wallMs: number;
  /** seconds between this sample and the previous one, null on the first */
  intervalSec: number | null;
  hosts: HostView[];
  domains: DomainView[];
}
