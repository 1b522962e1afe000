// Model views that reach every branch of the NDJSON frame: every optional
// figure present and absent, hostile strings, values JSON cannot hold (NaN,
// ±Infinity, -0), counters past 2^53, and a seeded crowd of random domains.
// test/unit/output/json-golden.test.ts compares the formatter's lines for
// them with test/fixtures/json/frames.ndjson, written by the formatter that
// built each domain as an object and handed the tree to JSON.stringify.

import type { DiskView, DomainView, HostView, ModelView, NicView, VcpuThreadView } from '../../src/model/view.js';
import { domainView } from './domain-view.js';
import { mulberry32 } from './prng.js';

const HOSTILE = [
  'plain',
  'quote " and \\ backslash',
  'ctl \u0000\u0001\u001f\u007f\u009b end',
  'esc \u001b]0;pwned\u0007 bell',
  'lines \n \r \t \b \f',
  'seps \u2028 \u2029',
  'lone \ud800 high and \udfff low',
  'pair 😀 請求書 ünïcødé',
  'bidi \u202e\u2067x\u2069',
  '',
];

const ODD_NUMBERS = [0, -0, 1, -1, 0.005, 0.015, 1.005, 2.675, 123456.785, 1e-7, 1e21, 9007199254740993, NaN, Infinity, -Infinity, 99.995, -12.345];

function disk(over: Partial<DiskView> = {}): DiskView {
  return {
    name: 'vda',
    path: '/var/lib/libvirt/images/a.qcow2',
    rdBytesPerSec: 4096,
    wrBytesPerSec: 1024.5,
    rdReqPerSec: 10,
    wrReqPerSec: 2,
    rdBytes: 123456789012345678901n,
    wrBytes: 0n,
    rdReqs: 10n,
    wrReqs: 2n,
    errors: 0,
    capacityBytes: 10737418240,
    allocationBytes: 2147483648,
    physicalBytes: 2147549184,
    pool: 'default',
    rdLatencyMs: 1.5,
    wrLatencyMs: 4.5,
    flLatencyMs: 20,
    latencyMs: 2.25,
    rdTimesNs: 15000000n,
    wrTimesNs: 9000000n,
    flReqs: 1n,
    flTimesNs: 20000000n,
    ioError: null,
    ...over,
  };
}

function nic(over: Partial<NicView> = {}): NicView {
  return {
    name: 'vnet0',
    mac: '52:54:00:aa:bb:cc',
    source: 'default',
    type: 'network',
    bridge: 'virbr0',
    rxBytesPerSec: 1000,
    txBytesPerSec: 2000,
    rxPktsPerSec: 10,
    txPktsPerSec: 20,
    rxBytes: 9007199254740993n,
    txBytes: 5n,
    rxPkts: 3n,
    txPkts: 4n,
    rxErrs: 0,
    txErrs: 1,
    rxDrop: 2,
    txDrop: null,
    ...over,
  };
}

function thread(over: Partial<VcpuThreadView> = {}): VcpuThreadView {
  return { vcpu: 0, tid: 4242, cpuPercent: 12.345, cpuTimeNs: 18446744073709551615n, waitPercent: 0.5, lastCpu: 1, stealPercent: 0.5, ...over };
}

/** One domain with every optional figure set, and variants with each left out or odd. */
function handBuiltDomains(): DomainView[] {
  const full = domainView({
    key: 'qemu:///system#11111111-2222-3333-4444-555555555555',
    name: 'web-01',
    uuid: '11111111-2222-3333-4444-555555555555',
    persistent: true,
    autostart: false,
    title: 'Web "front" \\ end',
    openstack: {
      instanceName: 'instance-0000002a',
      instanceUuid: '11111111-2222-3333-4444-555555555555',
      flavor: { name: 'm1.small', vcpus: 1, memoryMiB: 2048, diskGiB: 20 },
      projectName: 'demo',
      projectId: 'p1',
      userName: null,
      userId: 'u1',
    },
    stateReason: 'booted',
    cpuPercent: 12.3456,
    vcpuPercent: 99.995,
    rdBytesPerSec: 4096,
    wrBytesPerSec: 1024.5,
    rdReqPerSec: 10,
    wrReqPerSec: 2,
    diskLatencyMs: 4.5678,
    rxBytesPerSec: 1000,
    txBytesPerSec: 2000,
    rxPktsPerSec: 10,
    txPktsPerSec: 20,
    cpuTimeNs: 123456789012345678n,
    vcpuTimeNs: 98765432109876n,
    statsMonoNs: 874724049123n,
    procMonoNs: 874724050999n,
    uptimeSec: 86400.6,
    disks: [disk(), disk({ name: 'vdb', path: null, pool: null, ioError: 'nospace', rdLatencyMs: null, rdTimesNs: null, physicalBytes: undefined })],
    nics: [nic(), nic({ name: 'vnet1', mac: null, source: null, type: undefined, bridge: undefined, txBytes: null })],
    vcpuThreads: [thread(), thread({ vcpu: 1, tid: null, stealPercent: undefined, cpuTimeNs: undefined, lastCpu: null })],
    errors: ['vanished mid-tick', 'a "quoted" error\n'],
    cpuCorePercent: 24.69,
    stealPercent: 0.25,
    stealSumPercent: 0.5,
    memUsableKiB: 200000,
    overheadPercent: 1.234,
    overheadCorePercent: 2.468,
    guestCpuSource: 'proc',
    overheadSource: 'proc',
    guestStats: 'ok',
    guestStatsAgeSec: 3.25,
    swapInKiBPerSec: 0,
    swapOutKiBPerSec: 1.5,
    majorFaultsPerSec: 0.001,
    addresses: {
      source: 'agent',
      atWallMs: 1_796_601_600_000,
      error: null,
      interfaces: [
        {
          name: 'eth0',
          hwaddr: '52:54:00:aa:bb:cc',
          addrs: [
            { type: 'ipv4', addr: '169.254.77.12', prefix: 16 },
            { type: 'ipv6', addr: 'fe80::5054:ff:feaa:bbcc', prefix: null },
          ],
        },
        { name: 'lo', hwaddr: null, addrs: [] },
      ],
    },
  });
  // a hand-built view as older code made it: every insight figure left out
  const bare = domainView({ name: 'bare', uuid: 'bare', cpuTimeNs: null, vcpuTimeNs: null, id: null, state: 'shutoff', active: false });
  const stale = domainView({ name: 'stale', uuid: 'stale', addresses: null, openstack: null, title: null, guestStats: 'stale', guestStatsAgeSec: null });
  return [full, bare, stale];
}

function oddNumberDomains(): DomainView[] {
  return ODD_NUMBERS.map((x, i) =>
    domainView({
      name: `odd-${i}`,
      uuid: `odd-${i}`,
      id: i,
      cpuPercent: x,
      vcpuPercent: x,
      memCurrentKiB: x,
      memPercent: x,
      uptimeSec: x,
      diskLatencyMs: x,
      guestStatsAgeSec: x,
      statsMonoNs: BigInt(i) * 1_000_499n,
      disks: [disk({ rdBytesPerSec: x, latencyMs: x, capacityBytes: x })],
      nics: [nic({ rxBytesPerSec: x, rxErrs: x })],
      vcpuThreads: [thread({ cpuPercent: x, waitPercent: x, stealPercent: undefined })],
    }),
  );
}

function hostileDomains(): DomainView[] {
  return HOSTILE.map((s, i) =>
    domainView({
      host: `qemu+ssh://root@${s}/system`,
      name: s,
      uuid: `hostile-${i}`,
      title: s,
      stateReason: s,
      disks: [disk({ name: s, path: s, pool: s })],
      nics: [nic({ name: s, mac: s, source: s, bridge: s, type: s })],
      errors: [s],
      addresses: { source: 'lease', atWallMs: 0, error: null, interfaces: [{ name: s, hwaddr: s, addrs: [{ type: 'ipv4', addr: s, prefix: 24 }] }] },
    }),
  );
}

/** Seeded random domains: each field null, absent or a value, independently. */
function randomDomains(seed: number, n: number): DomainView[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const maybe = <T>(v: T): T | null | undefined => (rnd() < 0.15 ? null : rnd() < 0.05 ? undefined : v);
  const num = (): number => (rnd() < 0.1 ? pick(ODD_NUMBERS) : Math.round(rnd() * 1e6) / (rnd() < 0.5 ? 1 : 1000));
  const big = (): bigint => BigInt(Math.floor(rnd() * 2 ** 53)) * BigInt(1 + Math.floor(rnd() * 1000));
  const out: DomainView[] = [];
  for (let i = 0; i < n; i++) {
    const disks: DiskView[] = [];
    for (let k = Math.floor(rnd() * 4); k > 0; k--) disks.push(disk({ name: `vd${k}`, rdBytesPerSec: maybe(num()) ?? null, rdBytes: maybe(big()), wrLatencyMs: maybe(num()), pool: maybe('default') }));
    const nics: NicView[] = [];
    for (let k = Math.floor(rnd() * 3); k > 0; k--) nics.push(nic({ name: `vnet${k}`, txPktsPerSec: maybe(num()) ?? null, txPkts: maybe(big()), bridge: maybe('br0') }));
    const threads: VcpuThreadView[] = [];
    for (let k = 0, nv = Math.floor(rnd() * 5); k < nv; k++) threads.push(thread({ vcpu: k, cpuPercent: maybe(num()) ?? null, stealPercent: maybe(num()) }));
    out.push(
      domainView({
        name: `rnd-${seed}-${i} ${pick(HOSTILE)}`,
        uuid: `rnd-${seed}-${i}`,
        id: rnd() < 0.2 ? null : i,
        state: pick(['running', 'paused', 'shutoff', 'crashed', 'pmsuspended', 'blocked'] as const),
        cpuPercent: maybe(num()) ?? null,
        vcpuPercent: maybe(num()) ?? null,
        memUsedKiB: maybe(num()) ?? null,
        rssKiB: maybe(num()) ?? null,
        rxBytesPerSec: maybe(num()) ?? null,
        cpuTimeNs: maybe(big()) ?? null,
        vcpuTimeNs: maybe(big()) ?? null,
        statsMonoNs: maybe(big()) ?? null,
        procMonoNs: maybe(big()),
        persistent: maybe(rnd() < 0.5),
        autostart: maybe(rnd() < 0.5),
        cpuCorePercent: maybe(num()),
        stealPercent: maybe(num()),
        overheadSource: maybe(pick(['proc', 'libvirt'] as const)),
        guestStats: maybe(pick(['ok', 'stale', 'off', 'waiting', 'no-balloon', 'unknown'] as const)) ?? undefined,
        majorFaultsPerSec: maybe(num()),
        disks,
        nics,
        vcpuThreads: threads,
      }),
    );
  }
  return out;
}

function host(over: Partial<HostView> = {}): HostView {
  return {
    uri: 'qemu:///system',
    hostname: 'hv1',
    model: 'x86_64',
    cpus: 2,
    mhz: 2445,
    memoryKiB: 24 * 1024 * 1024,
    libvirtVersion: '9.0.0',
    status: 'connected',
    error: null,
    downForSec: null,
    unresponsiveSec: null,
    tickLatencyMs: 3.14159,
    domainsTotal: 3,
    domainsActive: 2,
    domainsRunning: 2,
    runningNoAutostart: 1,
    domainsPaused: 0,
    domainsInactive: 1,
    guestCpuPercent: 12.345,
    hostCpuPercent: 40.5,
    perCpuPercent: [{ cpu: 0, percent: 50 }],
    guestMemKiB: 524288,
    memAvailableKiB: 20 * 1024 * 1024,
    vcpusActive: 4,
    capacity: {
      cpus: 2,
      vcpusActive: 4,
      overcommit: 2,
      memTotalKiB: 24 * 1024 * 1024,
      memAvailableKiB: 20 * 1024 * 1024,
      memFreeKiB: 19 * 1024 * 1024,
      memCurrentSumKiB: 524288,
      memMaxSumKiB: 1048576,
      memCurrentPercent: 2.0833333,
      memMaxPercent: 4.1666666,
      ksm: { running: true, sharedKiB: 1024, savedKiB: null },
      hugepages: { pageSizeKiB: 2048, total: 4, free: null, totalKiB: 8192, freeKiB: null },
      numa: [{ node: 0, totalKiB: 24 * 1024 * 1024, freeKiB: null }],
      pressure: { cpu: { some10: 1.5, full10: null, some60: 0.25 }, memory: null, io: { some10: 0, full10: 0, some60: 0 } },
      hostCpuPercent: 40.5,
    },
    pools: [
      {
        name: 'default',
        uuid: 'p-1',
        state: 'running',
        type: 'dir',
        targetPath: '/var/lib/libvirt/images',
        source: null,
        capacityBytes: 1e12,
        allocationBytes: 4e11,
        availableBytes: 6e11,
        usedPercent: 40,
        overcommitRatio: 1.23456,
        growthBytesPerHour: -1234.5,
        fullInSec: null,
        autostart: true,
        persistent: true,
        volumes: [{ name: 'a.qcow2', path: '/var/lib/libvirt/images/a.qcow2', type: 'file', format: 'qcow2', capacityBytes: 10737418240, allocationBytes: 2147483648, usedBy: ['web-01'] }],
        error: null,
      },
      { name: 'gone', uuid: 'p-2', state: 'inactive', type: null, targetPath: null, source: null, capacityBytes: 0, allocationBytes: 0, availableBytes: 0, usedPercent: null, overcommitRatio: null, growthBytesPerHour: null, fullInSec: null, autostart: false, persistent: true, volumes: null, error: 'pool "gone" is not active' },
    ],
    networks: [
      {
        name: 'default',
        uuid: 'n-1',
        active: true,
        forward: 'nat',
        bridge: 'virbr0',
        addresses: ['169.254.0.1/16'],
        leasesUsed: 1,
        leasesTotal: 253,
        leases: [{ mac: '52:54:00:aa:bb:cc', ip: '169.254.77.12', hostname: null, domain: 'web-01', expiresWallMs: 1_796_601_600_000 }],
        guests: ['web-01'],
        taps: [{ tap: 'vnet0', domain: 'web-01', mac: '52:54:00:aa:bb:cc' }],
        rxBytesPerSec: 1.005,
        txBytesPerSec: null,
        autostart: true,
        persistent: true,
        error: null,
      },
    ],
    bridges: [{ name: 'br0', guests: ['web-01'], taps: [{ tap: 'vnet1', domain: 'web-01', mac: null }], rxBytesPerSec: null, txBytesPerSec: 10 }],
    inventoryWallMs: 1_796_601_600_000,
    inventoryError: null,
    ...over,
  };
}

function frame(seq: number, hosts: HostView[], domains: DomainView[], intervalSec: number | null = 1.0004999): ModelView {
  return { seq, wallMs: 1_796_601_600_000 + seq * 1000, intervalSec, hosts, domains };
}

/** The frames the golden file holds, in its order. */
export function goldenFrames(): ModelView[] {
  return [
    frame(0, [], [], null),
    frame(1, [host()], handBuiltDomains()),
    frame(2, [host({ status: 'unresponsive', unresponsiveSec: 12.34, capacity: null, pools: null, networks: null, bridges: undefined, inventoryWallMs: null, inventoryError: 'timed out' })], oddNumberDomains()),
    frame(3, [host({ uri: 'qemu+ssh://hv2/system', status: 'failed', error: 'connection "lost"\n', hostname: null, capacity: undefined, pools: undefined, networks: undefined })], hostileDomains()),
    frame(4, [host(), host({ uri: 'test:///default' })], randomDomains(24, 40)),
  ];
}
