import { describe, expect, it } from 'vitest';
import { DIRECT_GROUPS, FULL_EVERY, VCPU_GROUP } from '../../../src/collector/direct.js';
import { DEFAULT_STATS_MASK, HostCollector } from '../../../src/collector/host.js';
import type { ProcProbe } from '../../../src/collector/proc-probe.js';
import type { LibvirtSource } from '../../../src/collector/source.js';
import { StatsGroup, type RawStatsRecord } from '../../../src/libvirt/types.js';
import type { NetDevCounters } from '../../../src/procfs/netdev.js';

// Live XML: a NIC on a libvirt network names its bridge; a macvtap one has none.
const XML = (nic: string) => `<domain type='kvm' id='1'><name>a</name><memory>524288</memory><vcpu>1</vcpu>
<devices>${nic}</devices></domain>`;
const TAP = `<interface type='network'><mac address='52:54:00:00:00:01'/><source network='lab' bridge='virbr1'/><target dev='vnet0'/><model type='virtio'/></interface>`;
const MACVTAP = `<interface type='direct'><mac address='52:54:00:00:00:02'/><source dev='eth0' mode='bridge'/><target dev='macvtap0'/></interface>`;

const dev = (n: bigint): NetDevCounters => ({ rxBytes: n, rxPackets: n + 1n, rxErrs: 0n, rxDrop: 0n, txBytes: 10n * n, txPackets: 10n * n + 1n, txErrs: 0n, txDrop: 2n });

/** A QEMU host of one guest whose bulk call answers only the groups asked for; the kernel's counters move in step. */
interface HostOpts {
  /** vCPU threads the QEMU shows in /proc (each "CPU n/KVM") */
  vcpuThreads?: number;
  threads?: boolean;
  libvirtVcpuStats?: boolean;
}

function host(nic: string, uri = 'qemu:///system', direct = true, hopts: HostOpts = {}) {
  let vcpuThreads = hopts.vcpuThreads ?? 0;
  const masks: number[] = [];
  let t = 1n;
  const record = (mask: number): RawStatsRecord => {
    const p: RawStatsRecord['params'] = { 'state.state': 1, 'balloon.current': 262144n };
    if (mask & StatsGroup.Vcpu) Object.assign(p, { 'vcpu.current': 1, 'vcpu.maximum': 1, 'vcpu.0.state': 1, 'vcpu.0.time': 7n * t });
    if (mask & StatsGroup.CpuTotal) Object.assign(p, { 'cpu.time': 1000n * t, 'cpu.user': 600n * t, 'cpu.system': 400n * t });
    if (mask & StatsGroup.Interface) Object.assign(p, { 'net.count': 1, 'net.0.name': 'vnet0', 'net.0.rx.bytes': 10n * t, 'net.0.tx.bytes': t });
    return { name: 'a', uuid: 'u-a', params: p };
  };
  const src = {
    getAllDomainStats: async (mask: number) => {
      masks.push(mask);
      return [record(mask)];
    },
    listAllDomains: async () => [{ name: 'a', uuid: 'u-a', id: 1, state: 1, persistent: true, active: true }],
    domainXml: async () => XML(nic),
    nodeInfo: async () => ({ model: 'x86_64', memoryKiB: 1048576n, cpus: 2, mhz: 1000, nodes: 1, sockets: 1, cores: 2, threads: 1 }),
    nodeCpuStats: async () => ({ kernelNs: 1n, userNs: 2n, idleNs: 7n, iowaitNs: 0n }),
    nodeMemoryStats: async () => ({ totalKiB: 1n, freeKiB: 1n, buffersKiB: 0n, cachedKiB: 0n }),
    getHostname: async () => 'hv',
    getLibVersion: async () => 9000000,
    diskErrors: async () => [],
    close: async () => undefined,
    onLifecycle: () => undefined,
    onClose: () => undefined,
    setKeepAlive: async () => undefined,
  } as unknown as LibvirtSource;
  let cgroupOk = true;
  let extraTap = false;
  const wantedTaps: string[][] = [];
  const proc: ProcProbe = {
    findQemuPid: async () => 4242,
    readProcess: async (pid) => ({
      pid,
      rssKiB: 1,
      ioReadBytes: null,
      ioWriteBytes: null,
      cpuTimeNs: null,
      // the main thread, then the vCPUs: what libvirt's vcpu.N.time comes from
      threads: [
        { tid: pid, comm: 'qemu-system-x86', vcpu: null, cpuTimeNs: 100n * t, runDelayNs: 0n, lastCpu: 0 },
        ...Array.from({ length: vcpuThreads }, (_, i) => ({ tid: pid + 1 + i, comm: `CPU ${i}/KVM`, vcpu: i, cpuTimeNs: 7n * t + BigInt(i), runDelayNs: t, lastCpu: 1 })),
      ],
      error: null,
    }),
    readHostCounters: async () => ({ cpuTotalNs: 10n, cpuBusyNs: 5n, perCpu: [], memTotalKiB: 1n, memAvailableKiB: 1n, memFreeKiB: 1n }),
    readDomainCpu: async (pids) =>
      new Map(pids.map((pid) => [pid, cgroupOk ? { ok: true as const, value: { cpuTimeNs: 1000n * t, userNs: 600n * t, systemNs: 400n * t } } : { ok: false as const, error: 'cpu.stat: gone' }])),
    readNetDev: async (wanted) => {
      const all = new Map([['lo', dev(5n)], ['vnet0', dev(t)], ...(extraTap ? [['vnet1', dev(1n)] as const] : [])]);
      wantedTaps.push([...wanted]);
      return { ok: true, value: { names: [...all.keys()], counters: new Map([...all].filter(([k]) => wanted.has(k))) } };
    },
  };
  const hc = new HostCollector(uri, { readonly: true, proc, connect: async () => src, direct, threads: hopts.threads, libvirtVcpuStats: hopts.libvirtVcpuStats });
  return {
    hc,
    masks,
    tick: async () => {
      t++;
      return hc.sample();
    },
    wantedTaps,
    breakCgroup: () => (cgroupOk = false),
    setVcpuThreads: (n: number) => (vcpuThreads = n),
    plugTap: () => (extraTap = true),
  };
}

const FULL = DEFAULT_STATS_MASK;
const REDUCED = DEFAULT_STATS_MASK & ~DIRECT_GROUPS;
const NO_VCPU = DEFAULT_STATS_MASK & ~VCPU_GROUP;
const LEAST = REDUCED & ~VCPU_GROUP;

describe('direct counters on a local QEMU host', () => {
  it('asks libvirt for everything until one tick shows the kernel covers every domain, then leaves cpu and net out', async () => {
    const h = host(TAP);
    const samples = [];
    for (let i = 0; i < 4; i++) samples.push(await h.tick());
    // 1: the pid is found during the tick; 2: its cgroup is read, and no interface came or went since 1.
    expect(h.masks).toEqual([FULL, FULL, REDUCED, REDUCED]);
    const d = samples[3].domains[0];
    expect(d.errors).toEqual([]);
    // t = 5: the cgroup's figures, and the tap's host counters turned into the guest's view.
    expect([d.cpuTimeNs, d.cpuUserNs, d.cpuSystemNs]).toEqual([5000n, 3000n, 2000n]);
    expect(d.nics).toEqual([
      { name: 'vnet0', mac: '52:54:00:00:00:01', source: 'lab', type: 'network', bridge: 'virbr1', model: 'virtio', mtu: null, rxBytes: 50n, rxPkts: 51n, rxErrs: 0n, rxDrop: 2n, txBytes: 5n, txPkts: 6n, txErrs: 0n, txDrop: 0n },
    ]);
    // libvirt's own figures on a full tick: the same counters, same view.
    const full = samples[1].domains[0];
    expect([full.cpuTimeNs, full.nics[0].rxBytes, full.nics[0].txBytes]).toEqual([3000n, 30n, 3n]);
    // Not mistaken for the test driver's thin record: no per-domain calls.
    expect(d.balloon.currentKiB).toBe(262144n);
    // Only the guests' taps are parsed, once their XML is known.
    expect(h.wantedTaps).toEqual([[], ['vnet0'], ['vnet0'], ['vnet0']]);
  });

  it(`still asks for everything once every ${FULL_EVERY} ticks`, async () => {
    const h = host(TAP);
    for (let i = 0; i < 2 * FULL_EVERY + 5; i++) await h.tick();
    const full = h.masks.map((m, i) => (m === FULL ? i : -1)).filter((i) => i >= 0);
    expect(full).toEqual([0, 1, 1 + FULL_EVERY, 1 + 2 * FULL_EVERY]);
  });

  it('keeps asking libvirt for a NIC that is not a tap on a bridge (macvtap)', async () => {
    const h = host(MACVTAP);
    for (let i = 0; i < 5; i++) await h.tick();
    expect(h.masks.every((m) => m === FULL)).toBe(true);
  });

  it('a cgroup that cannot be read: that tick’s CPU is unknown and said why, the next asks libvirt again', async () => {
    const h = host(TAP);
    for (let i = 0; i < 4; i++) await h.tick();
    h.breakCgroup();
    const s = await h.tick();
    expect(h.masks.at(-1)).toBe(REDUCED);
    expect(s.domains[0].cpuTimeNs).toBeNull();
    expect(s.domains[0].errors).toEqual(['CPU time from the cgroup: cpu.stat: gone']);
    await h.tick();
    expect(h.masks.at(-1)).toBe(FULL);
  });

  it('an interface coming (a NIC hot-plugged, a guest started) makes the next tick ask libvirt, whose net.N names tell the XML is stale', async () => {
    const h = host(TAP);
    for (let i = 0; i < 4; i++) await h.tick();
    h.plugTap();
    await h.tick();
    await h.tick();
    await h.tick();
    expect(h.masks.slice(3)).toEqual([REDUCED, REDUCED, FULL, REDUCED]);
  });

  it.each([
    ['a remote host', 'qemu+ssh://hv2/system', true],
    ['another driver', 'test:///default', true],
    ['direct: false', 'qemu:///system', false],
  ])('not for %s', async (_what, uri, direct) => {
    const h = host(TAP, uri, direct);
    for (let i = 0; i < 5; i++) await h.tick();
    expect(h.masks.every((m) => m === FULL)).toBe(true);
  });
});

describe('vCPU threads in /proc standing in for libvirt\'s vCPU group', () => {
  it('once a tick finds as many vCPU threads as libvirt counts, later ticks leave the group out and count the threads', async () => {
    const h = host(TAP, 'qemu:///system', true, { vcpuThreads: 1 });
    const samples = [];
    for (let i = 0; i < 5; i++) samples.push(await h.tick());
    expect(h.masks).toEqual([FULL, NO_VCPU, LEAST, LEAST, LEAST]);
    for (const s of samples) expect(s.domains[0].vcpusCurrent).toBe(1);
    // the group's own figures are not invented where it was not asked for
    expect(samples[0].domains[0].vcpus).toHaveLength(1);
    expect(samples[4].domains[0].vcpus).toEqual([]);
    expect(samples[4].domains[0].errors).toEqual([]);
  });

  it('a vCPU hot-added between ticks is counted at once from its new thread', async () => {
    const h = host(TAP, 'qemu:///system', true, { vcpuThreads: 1 });
    for (let i = 0; i < 3; i++) await h.tick();
    h.setVcpuThreads(3);
    const s = await h.tick();
    expect(h.masks.at(-1)).toBe(LEAST);
    expect(s.domains[0].vcpusCurrent).toBe(3);
  });

  it('threads that disagree with libvirt\'s count keep the group asked for', async () => {
    // libvirt says 1 online; /proc shows 2 vCPU threads
    const h = host(TAP, 'qemu:///system', true, { vcpuThreads: 2 });
    for (let i = 0; i < 5; i++) await h.tick();
    expect(h.masks.every((m) => (m & VCPU_GROUP) !== 0)).toBe(true);
  });

  it('a tick without vCPU threads keeps the XML\'s count, says why, and the next asks libvirt again', async () => {
    const h = host(TAP, 'qemu:///system', true, { vcpuThreads: 1 });
    for (let i = 0; i < 3; i++) await h.tick();
    h.setVcpuThreads(0);
    const s = await h.tick();
    expect(h.masks.at(-1)).toBe(LEAST);
    expect(s.domains[0].vcpusCurrent).toBe(1);
    expect(s.domains[0].errors).toEqual(["online vCPUs: no vCPU thread was read from /proc this tick; the count is the XML's"]);
    await h.tick();
    expect(h.masks.at(-1)).toBe(REDUCED);
  });

  it(`still asks for it once every ${FULL_EVERY} ticks`, async () => {
    const h = host(TAP, 'qemu:///system', true, { vcpuThreads: 1 });
    for (let i = 0; i < 2 * FULL_EVERY + 5; i++) await h.tick();
    const asked = h.masks.map((m, i) => ((m & VCPU_GROUP) !== 0 ? i : -1)).filter((i) => i >= 0);
    expect(asked).toEqual([0, FULL_EVERY, 2 * FULL_EVERY]);
  });

  it.each([
    ['libvirt\'s own per-vCPU figures are wanted (the exporter, a recording)', { vcpuThreads: 1, libvirtVcpuStats: true }],
    ['threads are not read (text frames)', { vcpuThreads: 1, threads: false }],
    ['the QEMU shows no vCPU thread', { vcpuThreads: 0 }],
  ])('never when %s', async (_what, hopts) => {
    const h = host(TAP, 'qemu:///system', true, hopts);
    for (let i = 0; i < 5; i++) await h.tick();
    expect(h.masks.every((m) => (m & VCPU_GROUP) !== 0)).toBe(true);
  });
});
