import { describe, expect, it } from 'vitest';
import { ExportState, METRICS, nsToSeconds, type MetricKey, type Series } from '../../../src/export/metrics.js';
import type { Snapshot } from '../../../src/types/sample.js';
import { domain, host } from '../../helpers/samples.js';
import { fullDomain, fullHost, fullSnapshot } from '../record/full-sample.js';

function seriesOf(snaps: Snapshot[]): Map<MetricKey, Series[]> {
  const st = new ExportState();
  for (const s of snaps) st.update(s);
  return st.series();
}

function value(m: Map<MetricKey, Series[]>, key: MetricKey, labels: Record<string, string>): number | undefined {
  return m.get(key)?.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('metric definitions', () => {
  it('counters and only counters end in _total; names and labels are valid Prometheus names', () => {
    for (const d of Object.values(METRICS)) {
      expect(d.name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      expect(d.name.endsWith('_total')).toBe(d.type === 'counter');
      for (const l of d.labelNames) expect(l).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
      expect(d.help.length).toBeGreaterThan(10);
    }
    const names = Object.values(METRICS).map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('uses the names of the common libvirt exporters', () => {
    const names = new Set(Object.values(METRICS).map((d) => d.name));
    for (const n of [
      'libvirt_domain_info_cpu_time_seconds_total',
      'libvirt_domain_info_memory_usage_bytes',
      'libvirt_domain_info_maximum_memory_bytes',
      'libvirt_domain_info_virtual_cpus',
      'libvirt_domain_info_state',
      'libvirt_domain_block_stats_read_bytes_total',
      'libvirt_domain_block_stats_write_bytes_total',
      'libvirt_domain_block_stats_read_requests_total',
      'libvirt_domain_block_stats_write_requests_total',
      'libvirt_domain_block_stats_read_time_seconds_total',
      'libvirt_domain_block_stats_flush_requests_total',
      'libvirt_storage_pool_capacity_bytes',
      'libvirt_storage_pool_allocation_bytes',
      'libvirt_storage_pool_available_bytes',
      'libvirt_domain_interface_stats_receive_bytes_total',
      'libvirt_domain_interface_stats_transmit_bytes_total',
      'libvirt_domain_interface_stats_receive_packets_total',
      'libvirt_domain_interface_stats_transmit_drops_total',
      'libvirt_domain_memory_stats_usable_bytes',
      'libvirt_domain_memory_stats_major_fault_total',
      'libvirt_domain_vcpu_time_seconds_total',
      'libvirt_domain_vcpu_delay_seconds_total',
      'virtop_up',
      'virtop_scrape_duration_seconds',
    ]) {
      expect(names).toContain(n);
    }
  });
});

describe('nsToSeconds', () => {
  it('is exact to the ns for ordinary values and close past 2^53 ns', () => {
    expect(nsToSeconds(1_500_000_000n)).toBe(1.5);
    expect(nsToSeconds(0n)).toBe(0);
    expect(nsToSeconds(123_456_789_012n)).toBe(123.456789012);
    const big = 2n ** 60n + 123n; // ~36 years of CPU time
    expect(Math.abs(nsToSeconds(big) - Number(big) / 1e9) / (Number(big) / 1e9)).toBeLessThan(1e-15);
  });
});

describe('series from a snapshot', () => {
  const snap = fullSnapshot(3, 2);
  const m = seriesOf([snap]);
  const d0 = snap.hosts[0].domains[0];
  const dl = { host: 'qemu:///system', domain: d0.name, uuid: d0.uuid };

  it('domain counters in base units, labelled by host, domain and uuid', () => {
    // cpu.time = 2^60 ns + 3 ticks × 1.5 s: past 2^53 ns, yet whole seconds and fraction survive
    expect(value(m, 'cpuTime', dl)).toBe(1_152_921_509.106846976);
    expect(value(m, 'memUsage', dl)).toBe(1048576 * 1024);
    expect(value(m, 'memMax', dl)).toBe(2097152 * 1024);
    expect(value(m, 'vcpus', dl)).toBe(2);
    expect(value(m, 'vcpusMax', dl)).toBe(4);
    expect(value(m, 'state', dl)).toBe(1);
  });

  it('per device with target_device, per vCPU with vcpu', () => {
    expect(value(m, 'blkRdBytes', { ...dl, target_device: 'vda' })).toBe(4096 * 100 * 3);
    expect(value(m, 'blkWrReqs', { ...dl, target_device: 'vda' })).toBe(150);
    // tick 3: 6 ms of reads, 15 ms of writes, 9 flushes in 90 ms
    expect(value(m, 'blkRdTime', { ...dl, target_device: 'vda' })).toBe(0.006);
    expect(value(m, 'blkWrTime', { ...dl, target_device: 'vda' })).toBe(0.015);
    expect(value(m, 'blkFlReqs', { ...dl, target_device: 'vda' })).toBe(9);
    expect(value(m, 'blkFlTime', { ...dl, target_device: 'vda' })).toBe(0.09);
    expect(value(m, 'blkPhysical', { ...dl, target_device: 'vda' })).toBe(2 ** 30 + 8192);
    expect(value(m, 'ifTxPkts', { ...dl, target_device: 'vnet0' })).toBe(24);
    expect(value(m, 'ifRxBytes', { ...dl, target_device: 'vnet0' })).toBe(Number(2n ** 60n + 4500n));
    expect(value(m, 'vcpuTime', { ...dl, vcpu: '0' })).toBe(3);
    expect(value(m, 'vcpuDelay', { ...dl, vcpu: '0' })).toBeCloseTo(0.021, 12);
    expect(value(m, 'vcpuState', { ...dl, vcpu: '1' })).toBe(0);
    expect(value(m, 'memMinFault', dl)).toBe(4030);
    expect(value(m, 'memRss', dl)).toBe(300000 * 1024);
  });

  it('unknown values give no series, not 0', () => {
    // vCPU 1 is offline with null counters
    expect(value(m, 'vcpuTime', { ...dl, vcpu: '1' })).toBeUndefined();
    const bare = seriesOf([
      { seq: 0, monoNs: 1n, wallMs: 1, hosts: [host({ monoNs: 1n, domains: [domain({ uuid: 'u', cpuTimeNs: null })] })] },
    ]);
    expect(bare.get('cpuTime')).toEqual([]);
    expect(bare.get('memUsable')).toEqual([]);
    expect(bare.get('state')).toHaveLength(1);
  });

  it('a vCPU without libvirt delay takes the thread’s run-queue delay from /proc', () => {
    const d = { ...fullDomain(0, 2), vcpus: [{ vcpu: 0, state: 1, timeNs: 5n, waitNs: null, delayNs: null }] };
    const s = seriesOf([{ seq: 0, monoNs: 1n, wallMs: 1, hosts: [fullHost(2, [d])] }]);
    expect(value(s, 'vcpuDelay', { vcpu: '0' })).toBe(0.012); // CPU 0/KVM runDelayNs = 6 ms × tick 2
  });

  it('host series: up, tick latency and timestamp, ticks', () => {
    expect(value(m, 'up', { host: 'qemu:///system' })).toBe(1);
    expect(value(m, 'stale', { host: 'qemu:///system' })).toBe(0);
    expect(value(m, 'tickLatency', { host: 'qemu:///system' })).toBeCloseTo(0.012345, 9);
    expect(value(m, 'tickTime', { host: 'qemu:///system' })).toBe(1_700_000_003.00025); // wall ms 1_700_000_003_000.25
    expect(value(m, 'ticks', {})).toBe(4);
  });

  it('pools and networks from the slow loop: sizes, state, promised capacity, leases held of the DHCP range', () => {
    const pl = { host: 'qemu:///system', pool: 'default' };
    // tick 3: allocation 40 GiB + 3 bytes
    expect(value(m, 'poolCapacity', pl)).toBe(100 * 2 ** 30);
    expect(value(m, 'poolAllocation', pl)).toBe(40 * 2 ** 30 + 3);
    expect(value(m, 'poolAvailable', pl)).toBe(60 * 2 ** 30 - 3);
    expect(value(m, 'poolState', pl)).toBe(2);
    expect(value(m, 'poolVolumesCapacity', pl)).toBe(10 * 2 ** 30);
    const off = { host: 'qemu:///system', pool: 'off' };
    expect(value(m, 'poolState', off)).toBe(0);
    // an inactive pool lists no volumes: no promised-capacity series, not 0
    expect(value(m, 'poolVolumesCapacity', off)).toBeUndefined();
    const nl = { host: 'qemu:///system', network: 'default' };
    expect(value(m, 'netActive', nl)).toBe(1);
    expect(value(m, 'netLeases', nl)).toBe(1);
    expect(value(m, 'netLeasesTotal', nl)).toBe(253);
    expect(value(m, 'bridgeRx', { host: 'qemu:///system', bridge: 'virbr0' })).toBe(3_000_000);
    expect(value(m, 'bridgeTx', { host: 'qemu:///system', bridge: 'virbr0' })).toBe(9_000_000);
  });

  it('a host that misses a tick keeps serving its last answered sample, marked stale', () => {
    const fresh = fullSnapshot(1, 2);
    const staleHost = { ...fullHost(2, []), stale: true, info: null, counters: null };
    const s = seriesOf([fresh, { seq: 2, monoNs: 2n, wallMs: 2, hosts: [staleHost] }]);
    expect(value(s, 'up', { host: 'qemu:///system' })).toBe(1);
    expect(value(s, 'stale', { host: 'qemu:///system' })).toBe(1);
    expect(value(s, 'cpuTime', { uuid: fresh.hosts[0].domains[1].uuid })).toBe(nsToSeconds(fresh.hosts[0].domains[1].cpuTimeNs as bigint));
    expect(value(s, 'tickTime', { host: 'qemu:///system' })).toBe(fresh.hosts[0].wallMs / 1000);
  });

  it('an unresponsive host is down, says how long it has waited, and comes back with its figures', () => {
    const fresh = fullSnapshot(1, 2);
    const hung = { ...fullHost(2, []), status: 'unresponsive' as const, stale: true, info: null, counters: null, tickLatencyMs: 7500 };
    const s = seriesOf([fresh, { seq: 2, monoNs: 2n, wallMs: 2, hosts: [hung] }]);
    expect(value(s, 'up', { host: 'qemu:///system' })).toBe(0);
    expect(value(s, 'unresponsive', { host: 'qemu:///system' })).toBe(7.5);
    expect(s.get('cpuTime')).toEqual([]);
    // still stale on the next tick, now connected again: the last answered sample is served
    const later = seriesOf([fresh, { seq: 2, monoNs: 2n, wallMs: 2, hosts: [hung] }, { seq: 3, monoNs: 3n, wallMs: 3, hosts: [{ ...hung, status: 'connected' as const }] }]);
    expect(value(later, 'up', { host: 'qemu:///system' })).toBe(1);
    expect(value(later, 'unresponsive', { host: 'qemu:///system' })).toBeUndefined();
    expect(value(later, 'cpuTime', { uuid: fresh.hosts[0].domains[1].uuid })).toBe(nsToSeconds(fresh.hosts[0].domains[1].cpuTimeNs as bigint));
  });

  it('a disconnected host is down and has no domain series', () => {
    const down = { ...fullHost(2, []), status: 'reconnecting' as const, error: 'gone' };
    const s = seriesOf([fullSnapshot(1, 2), { seq: 2, monoNs: 2n, wallMs: 2, hosts: [down] }]);
    expect(value(s, 'up', { host: 'qemu:///system' })).toBe(0);
    expect(s.get('cpuTime')).toEqual([]);
  });

  it('nothing but empty families before the first snapshot', () => {
    const s = new ExportState().series();
    expect([...s.values()].every((v) => v.length === 0)).toBe(true);
  });
});
