// Snapshots with every field of every sample type filled in (optional ones
// included, bigints past 2^53), so a round trip that drops or mangles any
// field shows. `tick` advances every counter, as a busy host would.
import type { DomainSample, HostSample, Snapshot } from '../../../src/types/sample.js';

const BIG = 2n ** 60n; // past 2^53: JSON numbers would round it

export function fullDomain(i: number, tick: number, over: Partial<DomainSample> = {}): DomainSample {
  const t = BigInt(tick);
  const k = BigInt(i + 1);
  return {
    uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `guest "${i}" (x)`,
    id: i + 1,
    state: 'running',
    stateReason: 1,
    persistent: true,
    cpuTimeNs: BIG + t * 1_500_000_000n * k,
    cpuUserNs: 10n + t,
    cpuSystemNs: 20n + t,
    vcpusCurrent: 2,
    vcpusMax: 4,
    vcpus: [
      { vcpu: 0, state: 1, timeNs: 1_000_000_000n * t, waitNs: 5n * t, delayNs: 7_000_000n * t },
      { vcpu: 1, state: 0, timeNs: null, waitNs: null, delayNs: null },
    ],
    balloon: {
      currentKiB: 1048576n,
      maximumKiB: 2097152n,
      availableKiB: 1000000n,
      unusedKiB: 500000n + t,
      usableKiB: 700000n,
      rssKiB: 300000n,
      swapInKiB: 1n,
      swapOutKiB: 2n,
      majorFaults: 3n + t,
      minorFaults: 4000n + t * 10n,
      diskCachesKiB: 5000n,
      lastUpdateSec: 1_700_000_000n + t,
    },
    memMaxKiB: 2097152n,
    hasBalloon: true,
    balloonStatsPeriodSec: 5,
    disks: [
      {
        name: 'vda',
        path: '/var/lib/libvirt/images/a b.qcow2',
        rdReqs: 100n * t,
        rdBytes: 4096n * 100n * t,
        wrReqs: 50n * t,
        wrBytes: 4096n * 50n * t,
        errors: 0n,
        capacityBytes: 10n * 2n ** 30n,
        allocationBytes: 2n ** 30n,
        physicalBytes: 2n ** 30n + 8192n,
        rdTimesNs: 2_000_000n * t,
        wrTimesNs: 5_000_000n * t,
        flReqs: 3n * t,
        flTimesNs: 30_000_000n * t,
        ioError: tick % 2 === 0 ? 'nospace' : null,
      },
    ],
    nics: [
      {
        name: `vnet${i}`,
        mac: '52:54:00:00:00:01',
        source: 'default',
        rxBytes: BIG + 1500n * t,
        rxPkts: 10n * t,
        rxErrs: 0n,
        rxDrop: 1n,
        txBytes: 800n * t,
        txPkts: 8n * t,
        txErrs: 0n,
        txDrop: 0n,
      },
    ],
    process: {
      pid: 4000 + i,
      rssKiB: 310000,
      ioReadBytes: 1n + t,
      ioWriteBytes: 2n + t,
      cpuTimeNs: 1_600_000_000n * t,
      threads: [
        { tid: 4000 + i, comm: 'qemu-system-x86', vcpu: null, cpuTimeNs: 10_000_000n * t, runDelayNs: 1000n, lastCpu: 1 },
        { tid: 4100 + i, comm: 'CPU 0/KVM', vcpu: 0, cpuTimeNs: 900_000_000n * t, runDelayNs: 6_000_000n * t, lastCpu: 3 },
      ],
      monoNs: 1_000_000_000n * t + 5_000_000n,
      spanNs: 200_000n,
      startedWallMs: 1_700_000_000_000,
      error: null,
      vhost: [
        { tid: 5000 + i, cpuTimeNs: 3_000_000n * t, inQemuProcess: false },
        { tid: 5100 + i, cpuTimeNs: 1_000_000n * t, inQemuProcess: true },
      ],
    },
    errors: tick % 3 === 0 ? ['balloon stats: not reported'] : [],
    statsMonoNs: 1_000_000_000n * t + 2_000_000n,
    statsSpanNs: 1_000_000n,
    addresses: {
      // every source a recording may hold, virtop's own ARP-table read included
      source: (['lease', 'agent', 'arp', 'arp-table'] as const)[tick % 4],
      interfaces: [
        {
          name: `vnet${i}`,
          hwaddr: '52:54:00:00:00:01',
          addrs: [
            { type: 'ipv4', addr: `192.168.122.${10 + i}`, prefix: 24 },
            { type: 'ipv6', addr: 'fe80::5054:ff:fe00:1', prefix: null },
          ],
        },
      ],
      atWallMs: 1_700_000_000_000,
      error: null,
    },
    ...over,
  };
}

export function fullHost(tick: number, domains: DomainSample[], uri = 'qemu:///system'): HostSample {
  const t = BigInt(tick);
  return {
    uri,
    monoNs: 1_000_000_000n * t,
    wallMs: 1_700_000_000_000 + tick * 1000 + 0.25,
    status: 'connected',
    error: null,
    info: { uri, hostname: 'hv1', model: 'x86_64', cpus: 8, mhz: 2400, memoryKiB: 32n * 1024n * 1024n, libvirtVersion: '9.0.0' },
    counters: {
      cpuTotalNs: 8_000_000_000n * t,
      cpuBusyNs: 2_000_000_000n * t,
      perCpu: [
        { cpu: 0, totalNs: 1_000_000_000n * t, busyNs: 300_000_000n * t },
        { cpu: 1, totalNs: 1_000_000_000n * t, busyNs: 100_000_000n * t },
      ],
      memTotalKiB: 32n * 1024n * 1024n,
      memAvailableKiB: 20n * 1024n * 1024n,
      memFreeKiB: 10n * 1024n * 1024n,
    },
    domains,
    tickLatencyMs: 12.345,
    extra: {
      ksm: { run: 1, pagesShared: 10n, pagesSharing: 100n + t, pagesUnshared: 5n, pagesVolatile: null, pageSizeKiB: 4 },
      hugepages: { totalPages: 512n, freePages: 256n, reservedPages: 0n, surplusPages: null, pageSizeKiB: 2048n, anonHugeKiB: 4096n },
      numa: [{ node: 0, totalKiB: 16n * 1024n * 1024n, freeKiB: 8n * 1024n * 1024n, hugepagesTotal: 512n, hugepagesFree: null }],
      pressure: {
        cpu: { some: { avg10: 1.5, avg60: 0.75, avg300: 0.1, totalUs: 123_456_789n * t }, full: null },
        memory: { some: { avg10: 0, avg60: 0, avg300: 0, totalUs: 5n }, full: { avg10: 0, avg60: 0, avg300: 0, totalUs: 2n } },
        io: null,
      },
      error: null,
    },
    bridges: { monoNs: t * 1_000_000_000n + 500n, spanNs: 20_000n, bridges: [{ name: 'virbr0', rxBytes: 1_000_000n * t, txBytes: 3_000_000n * t, error: null }] },
    inventory: {
      atWallMs: 1_700_000_000_000 + Number(t),
      pools: [
        {
          name: 'default',
          uuid: '5e7d2c18-94a3-4f60-b1d7-3a8c6e0f9d54',
          state: 'running',
          type: 'dir',
          targetPath: '/var/lib/libvirt/images',
          source: null,
          capacityBytes: 100n * 2n ** 30n,
          allocationBytes: 40n * 2n ** 30n + t,
          availableBytes: 60n * 2n ** 30n - t,
          autostart: true,
          persistent: true,
          volumes: [{ name: 'a b.qcow2', path: '/var/lib/libvirt/images/a b.qcow2', type: 'file', format: 'qcow2', capacityBytes: 10n * 2n ** 30n, allocationBytes: 2n ** 30n }],
          error: null,
        },
        { name: 'off', uuid: 'u-off', state: 'inactive', type: null, targetPath: null, source: null, capacityBytes: 0n, allocationBytes: 0n, availableBytes: 0n, autostart: false, persistent: true, volumes: null, error: 'pool XML does not parse: x' },
      ],
      networks: [
        {
          name: 'default',
          uuid: '9a05da11-7f3c-4a1e-8d2b-6c0e4f5a1b22',
          active: true,
          persistent: true,
          autostart: true,
          forward: 'nat',
          bridge: 'virbr0',
          addresses: ['192.168.122.1/24'],
          dhcpSize: 253,
          leases: [{ mac: '52:54:00:00:00:01', ip: '192.168.122.10', prefix: 24, type: 'ipv4', hostname: null, expiresWallMs: 1_700_000_360_000 }],
          error: null,
        },
      ],
      error: null,
    },
  };
}

/** Tick `tick` of a host with `n` busy domains (plus, every 5th tick, a stale second host). */
export function fullSnapshot(tick: number, n = 3): Snapshot {
  const hosts: HostSample[] = [fullHost(tick, Array.from({ length: n }, (_, i) => fullDomain(i, tick)))];
  if (tick % 5 === 4) {
    hosts.push({
      uri: 'qemu+ssh://hv2/system',
      monoNs: 1_000_000_000n * BigInt(tick) + 1n,
      wallMs: 1_700_000_000_000 + tick * 1000,
      status: 'connected',
      error: 'qemu+ssh://hv2/system: no answer from libvirt for 2.0 s',
      info: null,
      counters: null,
      domains: [],
      tickLatencyMs: 2000,
      stale: true,
    });
  }
  return { seq: tick, monoNs: 1_000_000_000n * BigInt(tick), wallMs: 1_700_000_000_000 + tick * 1000, hosts };
}
