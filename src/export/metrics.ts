// What virtop exports to Prometheus, as pure data: the metric families
// (names compatible with the common libvirt exporters — kumina's and its
// forks: libvirt_domain_info_*, libvirt_domain_block_stats_*, ...) and a
// function turning the last snapshot into their series. No I/O, no
// prom-client: prometheus.ts feeds these to prom-client's registry.
//
// Values are the raw counters and gauges of the snapshot, converted to
// float64 at this edge (Prometheus stores float64 anyway). bigint → number
// is exact up to 2^53; past it the nearest float64 is taken (a relative
// error below 1e-16). Nanoseconds become seconds by splitting whole seconds
// from the remainder first, so no precision is lost to the division.
// An unknown value (null) gives no series at all, never a 0.

import type { DomainSample, HostInventory, HostSample, PoolStateName, Snapshot, StateName } from '../types/sample.js';
import { displayName } from '../model/names.js';

export type MetricType = 'counter' | 'gauge';

export interface MetricDef {
  name: string;
  help: string;
  type: MetricType;
  labelNames: readonly string[];
}

export interface Series {
  labels: Record<string, string>;
  value: number;
}

const DOM = ['host', 'domain', 'uuid'] as const;
const DEV = [...DOM, 'target_device'] as const;
// kumina's exporter puts the disk's source on block series and the host bridge on interface series; dashboards group by them.
const BLK = [...DEV, 'source_file'] as const;
const NIC = [...DEV, 'source_bridge'] as const;
// the other exporter family's metadata series (inovex's prometheus-libvirt-exporter): value 1, the facts in labels
const BLK_INFO = [...DEV, 'source_file', 'disk_type', 'target_bus', 'driver_name', 'driver_type', 'driver_cache', 'driver_discard', 'source_protocol', 'serial'] as const;
const NIC_INFO = [...DEV, 'interface_type', 'source_bridge', 'mac_address', 'model_type', 'mtu_size'] as const;
const VCPU = [...DOM, 'vcpu'] as const;
// 'storage_pool' is the same name under the label the other exporter family uses
const POOL = ['host', 'pool', 'storage_pool'] as const;
const NET = ['host', 'network'] as const;

function def(name: string, type: MetricType, labelNames: readonly string[], help: string): MetricDef {
  return { name, type, labelNames, help };
}

/** virDomainState codes, as libvirt exporters export them. */
export const STATE_CODES: Record<StateName, number> = {
  nostate: 0,
  running: 1,
  blocked: 2,
  paused: 3,
  shutdown: 4,
  shutoff: 5,
  crashed: 6,
  pmsuspended: 7,
};

export const METRICS = {
  libvirtUp: def('libvirt_up', 'gauge', ['host'], 'Whether the last tick read the libvirt host (1) or not (0): virtop_up under the name other libvirt exporters use.'),
  up: def('virtop_up', 'gauge', ['host'], 'Whether virtop is connected to the libvirt host (1) or not (0) as of its last tick; 0 too while it is unresponsive (see virtop_host_unresponsive_seconds).'),
  unresponsive: def('virtop_host_unresponsive_seconds', 'gauge', ['host'], 'While the host is unresponsive (connected, but its libvirt call has not answered for more than two intervals): seconds it has waited. Absent otherwise.'),
  stale: def(
    'virtop_host_stale',
    'gauge',
    ['host'],
    'Whether the host missed the last tick deadline (1): its series are then those of its last answered tick.',
  ),
  tickLatency: def('virtop_tick_latency_seconds', 'gauge', ['host'], 'How long the libvirt part of the last tick took for this host.'),
  tickTime: def(
    'virtop_last_tick_timestamp_seconds',
    'gauge',
    ['host'],
    'Wall-clock time (Unix seconds) at which the sample served for this host was complete; it began virtop_tick_latency_seconds earlier.',
  ),
  hostCpus: def('virtop_host_cpus', 'gauge', ['host'], 'Logical CPUs of the host (virNodeGetInfo); the denominator of vCPU overcommit.'),
  hostMemory: def('virtop_host_memory_bytes', 'gauge', ['host'], 'Memory of the host (virNodeGetInfo); the denominator of memory overcommit.'),
  ticks: def('virtop_ticks_total', 'counter', [], 'Ticks taken by the collector since virtop started.'),
  scrape: def(
    'virtop_scrape_duration_seconds',
    'gauge',
    [],
    'Time this scrape took to gather its values from the last snapshot (a scrape never calls libvirt).',
  ),

  state: def(
    'libvirt_domain_info_state',
    'gauge',
    DOM,
    'Domain state: 0 no state, 1 running, 2 blocked, 3 paused, 4 shutting down, 5 shut off, 6 crashed, 7 suspended by guest power management.',
  ),
  cpuTime: def('libvirt_domain_info_cpu_time_seconds_total', 'counter', DOM, 'CPU time used by the domain (all its QEMU threads), in seconds.'),
  memUsage: def('libvirt_domain_info_memory_usage_bytes', 'gauge', DOM, 'Memory given to the domain now (balloon current size), in bytes.'),
  memMax: def('libvirt_domain_info_maximum_memory_bytes', 'gauge', DOM, 'Maximum memory allowed for the domain, in bytes.'),
  vcpus: def('libvirt_domain_info_virtual_cpus', 'gauge', DOM, 'Number of virtual CPUs online in the domain.'),
  vcpusMax: def('libvirt_domain_vcpu_maximum', 'gauge', DOM, 'Maximum number of virtual CPUs of the domain.'),
  // The names of the other libvirt exporter family (Tinkoff's, AlexZzz's, inovex's), beside the kumina names above.
  openstackInfo: def(
    'libvirt_domain_openstack_info',
    'gauge',
    [...DOM, 'instance_name', 'instance_id', 'flavor_name', 'user_name', 'user_id', 'project_name', 'project_id'],
    'Always 1 for a domain OpenStack Nova defined: the instance, flavor, user and project from its metadata as labels (inovex exporter names).',
  ),
  vcpusCurrent: def('libvirt_domain_vcpu_current', 'gauge', DOM, 'Number of vCPUs online in the domain (the same value as libvirt_domain_info_virtual_cpus).'),
  blkInfo: def('libvirt_domain_block_stats_info', 'gauge', BLK_INFO, 'Always 1: a block device of the domain, its source, bus and driver as labels (empty when libvirt does not say).'),
  ifInfo: def('libvirt_domain_interface_stats_info', 'gauge', NIC_INFO, 'Always 1: a network interface of the domain, its type, bridge, MAC and model as labels (empty when libvirt does not say).'),

  blkRdBytes: def('libvirt_domain_block_stats_read_bytes_total', 'counter', BLK, 'Bytes read from a block device.'),
  blkWrBytes: def('libvirt_domain_block_stats_write_bytes_total', 'counter', BLK, 'Bytes written to a block device.'),
  blkRdReqs: def('libvirt_domain_block_stats_read_requests_total', 'counter', BLK, 'Read requests to a block device.'),
  blkWrReqs: def('libvirt_domain_block_stats_write_requests_total', 'counter', BLK, 'Write requests to a block device.'),
  blkErrors: def('libvirt_domain_block_stats_errors_total', 'counter', BLK, 'Errors on a block device (when the driver reports them).'),
  blkCapacity: def('libvirt_domain_block_stats_capacity_bytes', 'gauge', BLK, 'Logical size of a block device, in bytes.'),
  blkAllocation: def('libvirt_domain_block_stats_allocation_bytes', 'gauge', BLK, 'Host storage allocated to a block device, in bytes.'),
  // Named as the libvirt exporters (AlexZzz's and its forks) name them, so their dashboards' latency panels work.
  blkPhysical: def('libvirt_domain_block_stats_physicalsize_bytes', 'gauge', BLK, 'Host storage the source of a block device takes, in bytes.'),
  blkRdTime: def('libvirt_domain_block_stats_read_time_seconds_total', 'counter', BLK, 'Time spent on reads from a block device, in seconds.'),
  blkWrTime: def('libvirt_domain_block_stats_write_time_seconds_total', 'counter', BLK, 'Time spent on writes to a block device, in seconds.'),
  blkFlReqs: def('libvirt_domain_block_stats_flush_requests_total', 'counter', BLK, 'Flush requests to a block device.'),
  blkFlTime: def('libvirt_domain_block_stats_flush_time_seconds_total', 'counter', BLK, 'Time spent on flushes of a block device, in seconds.'),

  ifRxBytes: def('libvirt_domain_interface_stats_receive_bytes_total', 'counter', NIC, 'Bytes received on a network interface.'),
  ifRxPkts: def('libvirt_domain_interface_stats_receive_packets_total', 'counter', NIC, 'Packets received on a network interface.'),
  ifRxErrs: def('libvirt_domain_interface_stats_receive_errors_total', 'counter', NIC, 'Receive errors on a network interface.'),
  ifRxDrop: def('libvirt_domain_interface_stats_receive_drops_total', 'counter', NIC, 'Received packets dropped on a network interface.'),
  ifTxBytes: def('libvirt_domain_interface_stats_transmit_bytes_total', 'counter', NIC, 'Bytes transmitted on a network interface.'),
  ifTxPkts: def('libvirt_domain_interface_stats_transmit_packets_total', 'counter', NIC, 'Packets transmitted on a network interface.'),
  ifTxErrs: def('libvirt_domain_interface_stats_transmit_errors_total', 'counter', NIC, 'Transmit errors on a network interface.'),
  ifTxDrop: def('libvirt_domain_interface_stats_transmit_drops_total', 'counter', NIC, 'Transmitted packets dropped on a network interface.'),

  memBalloon: def('libvirt_domain_memory_stats_actual_balloon_bytes', 'gauge', DOM, 'Current balloon size, in bytes.'),
  memAvailable: def(
    'libvirt_domain_memory_stats_available_bytes',
    'gauge',
    DOM,
    'Memory the guest sees as usable (MemTotal inside the guest), in bytes.',
  ),
  memUnused: def('libvirt_domain_memory_stats_unused_bytes', 'gauge', DOM, 'Memory left completely unused by the guest, in bytes.'),
  memUsable: def(
    'libvirt_domain_memory_stats_usable_bytes',
    'gauge',
    DOM,
    'Memory the balloon could take without the guest swapping (MemAvailable inside the guest), in bytes.',
  ),
  memStatsMax: def('libvirt_domain_memory_stats_maximum_bytes', 'gauge', DOM, 'Maximum memory of the domain, in bytes (the same value as libvirt_domain_info_maximum_memory_bytes, under the other exporter family name).'),
  memUsedPercent: def(
    'libvirt_domain_memory_stats_used_percent',
    'gauge',
    DOM,
    'Memory in use inside the guest, in percent: (available - usable) / available x 100, from the balloon driver (absent without its statistics).',
  ),
  memRss: def('libvirt_domain_memory_stats_rss_bytes', 'gauge', DOM, 'Resident set size of the QEMU process on the host, in bytes.'),
  memDiskCache: def('libvirt_domain_memory_stats_disk_cache_bytes', 'gauge', DOM, 'Guest memory used for disk caches, in bytes.'),
  memSwapIn: def(
    'libvirt_domain_memory_stats_swap_in_bytes',
    'gauge',
    DOM,
    'Data the guest has read from swap since it booted, in bytes (cumulative; named as other libvirt exporters do).',
  ),
  memSwapOut: def(
    'libvirt_domain_memory_stats_swap_out_bytes',
    'gauge',
    DOM,
    'Data the guest has written to swap since it booted, in bytes (cumulative; named as other libvirt exporters do).',
  ),
  memMajFault: def('libvirt_domain_memory_stats_major_fault_total', 'counter', DOM, 'Page faults in the guest that needed disk I/O.'),
  memMinFault: def('libvirt_domain_memory_stats_minor_fault_total', 'counter', DOM, 'Page faults in the guest served without disk I/O.'),

  vcpuState: def('libvirt_domain_vcpu_state', 'gauge', VCPU, 'vCPU state: 0 offline, 1 running, 2 blocked.'),
  vcpuTime: def('libvirt_domain_vcpu_time_seconds_total', 'counter', VCPU, 'CPU time used by a vCPU, in seconds.'),
  vcpuDelay: def(
    'libvirt_domain_vcpu_delay_seconds_total',
    'counter',
    VCPU,
    'Time a vCPU waited in the host run queue instead of running (seen by the guest as steal time), in seconds.',
  ),
  vcpuWait: def('libvirt_domain_vcpu_wait_seconds_total', 'counter', VCPU, 'Time a vCPU spent waiting on I/O as libvirt reports it (vcpu.N.wait), in seconds.'),

  // Storage pools and networks, as of the slow loop's last round (every 30 s).
  poolCapacity: def('libvirt_storage_pool_capacity_bytes', 'gauge', POOL, 'Size of a storage pool, in bytes.'),
  poolAllocation: def('libvirt_storage_pool_allocation_bytes', 'gauge', POOL, 'Space used in a storage pool, in bytes.'),
  poolAvailable: def('libvirt_storage_pool_available_bytes', 'gauge', POOL, 'Free space in a storage pool, in bytes.'),
  poolState: def('libvirt_storage_pool_state', 'gauge', POOL, 'Storage pool state: 0 inactive, 1 building, 2 running, 3 degraded, 4 inaccessible.'),
  poolVolumesCapacity: def(
    'virtop_storage_pool_volumes_capacity_bytes',
    'gauge',
    POOL,
    'Sum of the capacities of the volumes of a storage pool, in bytes (above the pool capacity, thin volumes promise more than it holds).',
  ),
  netActive: def('virtop_network_active', 'gauge', NET, 'Whether a libvirt network is started (1) or not (0).'),
  netLeases: def('virtop_network_dhcp_leases', 'gauge', NET, 'IPv4 DHCP leases held on a libvirt network.'),
  netLeasesTotal: def('virtop_network_dhcp_range_addresses', 'gauge', NET, 'IPv4 addresses the DHCP ranges of a libvirt network hold.'),
  bridgeRx: def('virtop_bridge_receive_bytes_total', 'counter', ['host', 'bridge'], 'Bytes received by the bridge of a libvirt network, or a host bridge guest NICs are plugged into (local hosts; /sys/class/net/BR/statistics).'),
  bridgeTx: def('virtop_bridge_transmit_bytes_total', 'counter', ['host', 'bridge'], 'Bytes sent by the bridge of a libvirt network, or a host bridge guest NICs are plugged into (local hosts).'),
} as const satisfies Record<string, MetricDef>;

const POOL_STATE_CODES: Record<PoolStateName, number> = { inactive: 0, building: 1, running: 2, degraded: 3, inaccessible: 4 };

export type MetricKey = keyof typeof METRICS;
export type SeriesMap = Map<MetricKey, Series[]>;

const NS_PER_SEC = 1_000_000_000n;

/** bigint ns → float seconds, exact to the nanosecond while the seconds fit in 2^53. */
export function nsToSeconds(ns: bigint): number {
  return Number(ns / NS_PER_SEC) + Number(ns % NS_PER_SEC) / 1e9;
}

/** bigint → float64 (Prometheus' type), rounding to nearest past 2^53. */
export function toFloat(v: bigint): number {
  return Number(v);
}

/**
 * Keeps the last answered sample of each host, so a host that misses one
 * tick's deadline (a stale placeholder in the snapshot) keeps its series
 * instead of blinking out, and builds the series of the last snapshot.
 */
/**
 * --metadata-labels: what people call a domain, on every domain series (as
 * kumina-style exporters do when asked): its display name, flavor and
 * project. Off by default: a label that changes (a renamed instance) starts
 * a new series, and these are read from the XML, not from libvirt's stats.
 */
export const METADATA_LABELS = ['name', 'flavor', 'project_name'] as const;

/** A family's label names, with the metadata labels when asked and the family is per domain. */
export function familyLabels(def: MetricDef, metadataLabels: boolean): string[] {
  return metadataLabels && def.labelNames.includes('domain') ? [...def.labelNames, ...METADATA_LABELS] : [...def.labelNames];
}

export class ExportState {
  private snap: Snapshot | null = null;
  private readonly lastFresh = new Map<string, HostSample>();

  constructor(private readonly metadataLabels = false) {}

  update(snap: Snapshot): void {
    this.snap = snap;
    for (const h of snap.hosts) {
      if (h.status === 'connected' && !h.stale) this.lastFresh.set(h.uri, h);
      // an unresponsive host is still connected: its last figures come back with its first answer
      else if (h.status !== 'connected' && h.status !== 'unresponsive') this.lastFresh.delete(h.uri);
    }
  }

  get snapshot(): Snapshot | null {
    return this.snap;
  }

  /** Every family's series for the last snapshot (empty families included). */
  series(): SeriesMap {
    const out: SeriesMap = new Map();
    for (const k of Object.keys(METRICS) as MetricKey[]) out.set(k, []);
    const snap = this.snap;
    if (!snap) return out;
    const add = (k: MetricKey, labels: Record<string, string>, v: number | null | undefined) => {
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      (out.get(k) as Series[]).push({ labels, value: v });
    };
    add('ticks', {}, snap.seq + 1);
    for (const hs of snap.hosts) {
      const host = { host: hs.uri };
      const up = hs.status === 'connected';
      add('up', host, up ? 1 : 0);
      add('libvirtUp', host, up ? 1 : 0);
      if (hs.status === 'unresponsive') add('unresponsive', host, hs.tickLatencyMs / 1000);
      if (!up) continue;
      const sample = hs.stale ? this.lastFresh.get(hs.uri) : hs;
      add('stale', host, hs.stale ? 1 : 0);
      add('tickLatency', host, hs.tickLatencyMs / 1000);
      if (!sample) continue;
      add('tickTime', host, sample.wallMs / 1000);
      if (sample.info) {
        add('hostCpus', host, sample.info.cpus);
        add('hostMemory', host, kib(sample.info.memoryKiB));
      }
      for (const d of sample.domains) domainSeries(hs.uri, d, add, this.metadataLabels);
      if (sample.inventory) inventorySeries(hs.uri, sample.inventory, add);
      for (const b of sample.bridges?.bridges ?? []) {
        add('bridgeRx', { host: hs.uri, bridge: b.name }, flt(b.rxBytes));
        add('bridgeTx', { host: hs.uri, bridge: b.name }, flt(b.txBytes));
      }
    }
    return out;
  }
}

type Add = (k: MetricKey, labels: Record<string, string>, v: number | null | undefined) => void;

const kib = (v: bigint | null): number | null => (v === null ? null : toFloat(v) * 1024);
const flt = (v: bigint | null): number | null => (v === null ? null : toFloat(v));
const secs = (v: bigint | null): number | null => (v === null ? null : nsToSeconds(v));

function inventorySeries(uri: string, inv: HostInventory, add: Add): void {
  for (const p of inv.pools) {
    const l = { host: uri, pool: p.name, storage_pool: p.name };
    add('poolState', l, POOL_STATE_CODES[p.state]);
    add('poolCapacity', l, toFloat(p.capacityBytes));
    add('poolAllocation', l, toFloat(p.allocationBytes));
    add('poolAvailable', l, toFloat(p.availableBytes));
    if (p.volumes) add('poolVolumesCapacity', l, p.volumes.reduce((acc, v) => acc + toFloat(v.capacityBytes), 0));
  }
  for (const n of inv.networks) {
    const l = { host: uri, network: n.name };
    add('netActive', l, n.active ? 1 : 0);
    if (n.leases !== null && n.dhcpSize !== null) add('netLeases', l, n.leases.filter((x) => x.type === 'ipv4').length);
    add('netLeasesTotal', l, n.dhcpSize);
  }
}

/** The exporter family's used_percent: share of the guest's memory not available to it; null without both readings. */
export function usedPercent(availableKiB: bigint | null, usableKiB: bigint | null): number | null {
  if (availableKiB === null || usableKiB === null || availableKiB <= 0n) return null;
  return ((toFloat(availableKiB) - toFloat(usableKiB)) / toFloat(availableKiB)) * 100;
}

/** What the XML says of a disk, for libvirt_domain_block_stats_info's labels; '' where it says nothing. */
function blockInfoLabels(k: DomainSample['disks'][number]): Record<string, string> {
  const x = k.xml;
  return {
    // the <disk type> (file, block, network, volume), as the exporter family has it
    disk_type: x?.type ?? '',
    target_bus: k.bus ?? '',
    driver_name: x?.driverName ?? '',
    driver_type: x?.driverType ?? '',
    driver_cache: x?.driverCache ?? '',
    driver_discard: x?.driverDiscard ?? '',
    source_protocol: x?.protocol ?? '',
    serial: x?.serial ?? '',
  };
}

function domainSeries(uri: string, d: DomainSample, add: Add, metadataLabels: boolean): void {
  const l = {
    host: uri,
    domain: d.name,
    uuid: d.uuid,
    ...(metadataLabels ? { name: displayName(d), flavor: d.openstack?.flavor?.name ?? '', project_name: d.openstack?.projectName ?? '' } : {}),
  };
  add('state', l, STATE_CODES[d.state]);
  add('cpuTime', l, secs(d.cpuTimeNs));
  add('memUsage', l, kib(d.balloon.currentKiB));
  // one value, served under both exporter families' names
  const memMaxBytes = kib(d.balloon.maximumKiB ?? d.memMaxKiB);
  add('memMax', l, memMaxBytes);
  add('vcpus', l, d.vcpusCurrent);
  add('vcpusMax', l, d.vcpusMax);
  add('vcpusCurrent', l, d.vcpusCurrent);
  const os = d.openstack;
  if (os) {
    add(
      'openstackInfo',
      {
        ...l,
        instance_name: os.instanceName ?? '',
        instance_id: os.instanceUuid ?? '',
        flavor_name: os.flavor?.name ?? '',
        user_name: os.userName ?? '',
        user_id: os.userId ?? '',
        project_name: os.projectName ?? '',
        project_id: os.projectId ?? '',
      },
      1,
    );
  }

  for (const k of d.disks) {
    const dl = { ...l, target_device: k.name, source_file: k.path ?? '' };
    add('blkInfo', { ...dl, ...blockInfoLabels(k) }, 1);
    add('blkRdBytes', dl, flt(k.rdBytes));
    add('blkWrBytes', dl, flt(k.wrBytes));
    add('blkRdReqs', dl, flt(k.rdReqs));
    add('blkWrReqs', dl, flt(k.wrReqs));
    add('blkErrors', dl, flt(k.errors));
    add('blkCapacity', dl, flt(k.capacityBytes));
    add('blkAllocation', dl, flt(k.allocationBytes));
    add('blkPhysical', dl, flt(k.physicalBytes ?? null));
    add('blkRdTime', dl, secs(k.rdTimesNs ?? null));
    add('blkWrTime', dl, secs(k.wrTimesNs ?? null));
    add('blkFlReqs', dl, flt(k.flReqs ?? null));
    add('blkFlTime', dl, secs(k.flTimesNs ?? null));
  }
  for (const n of d.nics) {
    const nl = { ...l, target_device: n.name, source_bridge: n.bridge ?? '' };
    add('ifInfo', { ...nl, interface_type: n.type ?? '', mac_address: n.mac ?? '', model_type: n.model ?? '', mtu_size: n.mtu != null ? String(n.mtu) : '' }, 1);
    add('ifRxBytes', nl, flt(n.rxBytes));
    add('ifRxPkts', nl, flt(n.rxPkts));
    add('ifRxErrs', nl, flt(n.rxErrs));
    add('ifRxDrop', nl, flt(n.rxDrop));
    add('ifTxBytes', nl, flt(n.txBytes));
    add('ifTxPkts', nl, flt(n.txPkts));
    add('ifTxErrs', nl, flt(n.txErrs));
    add('ifTxDrop', nl, flt(n.txDrop));
  }

  const b = d.balloon;
  add('memBalloon', l, kib(b.currentKiB));
  add('memAvailable', l, kib(b.availableKiB));
  add('memUnused', l, kib(b.unusedKiB));
  add('memUsable', l, kib(b.usableKiB));
  // libvirt's balloon.rss is the QEMU process RSS; /proc's reading stands in when libvirt has none.
  add('memStatsMax', l, memMaxBytes);
  add('memUsedPercent', l, usedPercent(b.availableKiB, b.usableKiB));
  add('memRss', l, b.rssKiB !== null ? kib(b.rssKiB) : d.process?.rssKiB != null ? d.process.rssKiB * 1024 : null);
  add('memDiskCache', l, kib(b.diskCachesKiB));
  add('memSwapIn', l, kib(b.swapInKiB));
  add('memSwapOut', l, kib(b.swapOutKiB));
  add('memMajFault', l, flt(b.majorFaults));
  add('memMinFault', l, flt(b.minorFaults));

  // Per vCPU: libvirt's vcpu.N counters; for a local guest whose libvirt gives no
  // delay, the vCPU thread's run-queue delay from /proc schedstat (the same figure).
  const threadDelay = new Map<number, bigint>();
  for (const t of d.process?.threads ?? []) {
    if (t.vcpu !== null && t.runDelayNs !== null) threadDelay.set(t.vcpu, t.runDelayNs);
  }
  for (const v of d.vcpus) {
    const vl = { ...l, vcpu: String(v.vcpu) };
    add('vcpuState', vl, v.state);
    add('vcpuTime', vl, secs(v.timeNs));
    add('vcpuDelay', vl, secs(v.delayNs ?? threadDelay.get(v.vcpu) ?? null));
    add('vcpuWait', vl, secs(v.waitNs));
  }
}
