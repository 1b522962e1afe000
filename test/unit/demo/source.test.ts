// The demo source over a scripted stand-in for the test driver: it keeps the
// driver's states and errors, and replaces only the counters.
import { describe, expect, it } from 'vitest';

import type { LibvirtSource } from '../../../src/collector/source.js';
import { DemoWorkload, demoSource } from '../../../src/demo/source.js';
import { DomainState, type DomainListEntry } from '../../../src/libvirt/types.js';

const BIG = 10n ** 15n; // what the test driver's clock-driven counters look like

interface Guest {
  uuid: string;
  name: string;
  state: DomainState;
  vcpus: number;
}

function fakeDriver(guests: Guest[]): LibvirtSource {
  const find = (uuid: string): Guest => {
    const g = guests.find((x) => x.uuid === uuid);
    if (!g) throw Object.assign(new Error(`Domain not found: ${uuid}`), { code: 42 });
    return g;
  };
  const list = (): DomainListEntry[] =>
    guests.map((g, i) => ({
      name: g.name,
      uuid: g.uuid,
      id: g.state === DomainState.Shutoff ? -1 : i + 1,
      state: g.state,
      persistent: true,
      active: g.state !== DomainState.Shutoff,
    }));
  const notUsed = () => Promise.reject(new Error('not used here'));
  return {
    getAllDomainStats: async () => guests.map((g) => ({ name: g.name, uuid: g.uuid, params: { 'state.state': g.state } })),
    listAllDomains: async () => list(),
    domainInfo: async (uuid) => {
      const g = find(uuid);
      return { state: g.state, maxMemKiB: 8388608n, memoryKiB: 4194304n, nrVirtCpu: g.vcpus, cpuTimeNs: BIG };
    },
    vcpus: async (uuid) => Array.from({ length: find(uuid).vcpus }, (_, n) => ({ number: n, state: 1, cpuTimeNs: BIG, cpu: 31 })),
    blockStats: async (uuid) => (find(uuid), { rdReq: BIG, rdBytes: BIG, wrReq: BIG, wrBytes: BIG, errs: 7n }),
    interfaceStats: async (uuid) => (
      find(uuid),
      { rxBytes: BIG, rxPackets: BIG, rxErrs: 1n, rxDrop: 1n, txBytes: BIG, txPackets: BIG, txErrs: 1n, txDrop: 1n }
    ),
    memoryStats: async (uuid) => (find(uuid), { actual_balloon: 4194304n, unused: 1n, available: 4194304n, rss: 1n, swap_in: 5n }),
    domainXml: notUsed,
    diskErrors: notUsed,
    nodeInfo: async () => ({ model: 'x86_64', memoryKiB: 1n << 28n, cpus: 32, mhz: 2600, nodes: 1, sockets: 2, cores: 8, threads: 2 }),
    nodeCpuStats: notUsed,
    nodeMemoryStats: notUsed,
    getHostname: async () => 'demo',
    getLibVersion: async () => 9000000,
    close: async () => undefined,
    onLifecycle: () => 1,
    onClose: () => undefined,
    setKeepAlive: async () => undefined,
  } as LibvirtSource;
}

function setup(guests: Guest[]) {
  let now = 1_800_000_000;
  const src = demoSource(fakeDriver(guests), new DemoWorkload(() => now));
  return { src, tick: (sec: number) => (now += sec) };
}

const g = (name: string, state = DomainState.Running, vcpus = 4): Guest => ({ uuid: `uuid-${name}`, name, state, vcpus });
const rate = (a: bigint, b: bigint, sec: number): number => Number(b - a) / sec;

describe('demoSource', () => {
  it('gives each guest the CPU rate of its role instead of the driver clock', async () => {
    const guests = [g('db-primary', DomainState.Running, 16), g('mail-relay', DomainState.Running, 1)];
    const { src, tick } = setup(guests);
    await src.listAllDomains(0);
    const before = await Promise.all(guests.map((x) => src.domainInfo(x.uuid)));
    tick(10);
    const after = await Promise.all(guests.map((x) => src.domainInfo(x.uuid)));
    const cpus = before.map((b, i) => rate(b.cpuTimeNs, after[i]!.cpuTimeNs, 10) / 1e9);
    expect(cpus[0]).toBeGreaterThan(3); // 16 vCPUs around half busy
    expect(cpus[0]).toBeLessThan(16);
    expect(cpus[1]).toBeGreaterThan(0);
    expect(cpus[1]).toBeLessThan(0.1);
    // running guests start with days of CPU time (up for 1 to 41 days), not the driver's epoch clock
    expect(before[0]!.cpuTimeNs).toBeLessThan(16n * 41n * 86_400n * 10n ** 9n);
    expect(before[0]!.cpuTimeNs).toBeGreaterThan(86_400n * 10n ** 9n);
  });

  it('the domain CPU time is the vCPUs plus QEMU overhead, and vCPUs land on host CPUs', async () => {
    const { src, tick } = setup([g('web-01')]);
    await src.listAllDomains(0);
    await src.nodeInfo();
    tick(1);
    const [info, vcpus] = await Promise.all([src.domainInfo('uuid-web-01'), src.vcpus('uuid-web-01')]);
    const sum = vcpus.reduce((a, v) => a + v.cpuTimeNs, 0n);
    expect(Number(info.cpuTimeNs) / Number(sum)).toBeCloseTo(1.04, 6);
    for (const v of vcpus) {
      expect(v.cpu).toBeGreaterThanOrEqual(0);
      expect(v.cpu).toBeLessThan(32);
    }
  });

  it('freezes a paused guest, keeps counting after resume, restarts from zero after a boot', async () => {
    const guest = g('web-02');
    const { src, tick } = setup([guest]);
    await src.listAllDomains(0);
    const t0 = (await src.domainInfo(guest.uuid)).cpuTimeNs;
    const d0 = await src.blockStats(guest.uuid, 'vda');

    guest.state = DomainState.Paused;
    await src.getAllDomainStats(0, 0);
    tick(60);
    expect((await src.domainInfo(guest.uuid)).cpuTimeNs).toBe(t0);
    expect(await src.blockStats(guest.uuid, 'vda')).toEqual(d0);

    guest.state = DomainState.Running;
    await src.getAllDomainStats(0, 0);
    tick(5);
    const t1 = (await src.domainInfo(guest.uuid)).cpuTimeNs;
    expect(t1).toBeGreaterThan(t0);

    guest.state = DomainState.Shutoff;
    await src.listAllDomains(0);
    tick(30);
    guest.state = DomainState.Running;
    await src.listAllDomains(0);
    tick(2);
    const t2 = (await src.domainInfo(guest.uuid)).cpuTimeNs;
    expect(t2).toBeLessThan(10n * 10n ** 9n); // two seconds into a fresh boot
    expect(t2).toBeGreaterThan(0n);
  });

  it('leaves a shut-off guest and a guest not yet listed as the driver says', async () => {
    const off = g('backup', DomainState.Shutoff);
    const { src } = setup([off, g('web-01')]);
    expect((await src.domainInfo('uuid-web-01')).cpuTimeNs).toBe(BIG); // no listing seen yet
    await src.listAllDomains(0);
    expect((await src.domainInfo(off.uuid)).cpuTimeNs).toBe(BIG);
  });

  it('device counters: the first disk and NIC busiest, requests and packets follow bytes', async () => {
    const { src, tick } = setup([g('db-primary', DomainState.Running, 16)]);
    await src.listAllDomains(0);
    const u = 'uuid-db-primary';
    const [a0, b0, n0] = [await src.blockStats(u, 'vda'), await src.blockStats(u, 'vdb'), await src.interfaceStats(u, 'tap2')];
    tick(30);
    const [a1, b1, n1] = [await src.blockStats(u, 'vda'), await src.blockStats(u, 'vdb'), await src.interfaceStats(u, 'tap2')];
    const vdaRd = rate(a0.rdBytes!, a1.rdBytes!, 30);
    expect(vdaRd).toBeGreaterThan(20e6);
    expect(rate(b0.rdBytes!, b1.rdBytes!, 30)).toBeLessThan(vdaRd);
    expect(rate(a0.rdReq!, a1.rdReq!, 30)).toBeCloseTo(vdaRd / 32768, -1);
    expect(a1.errs).toBe(0n);
    expect(rate(n0.txBytes!, n1.txBytes!, 30)).toBeGreaterThan(10e6);
    expect(n1.txPackets!).toBeGreaterThan(n0.txPackets!);
    expect(n1.rxErrs).toBe(0n);
  });

  it('memory: unused + used + cache add up to the balloon; other fields pass through', async () => {
    const { src } = setup([g('db-replica')]);
    await src.listAllDomains(0);
    const m = await src.memoryStats('uuid-db-replica');
    expect(m.available).toBe(4194304n);
    expect(m.swap_in).toBe(5n);
    const used = m.available! - m.unused! - m.disk_caches!;
    expect(Number(used) / 4194304).toBeGreaterThan(0.7);
    expect(m.usable).toBe(m.unused! + m.disk_caches!);
    expect(m.rss!).toBeGreaterThan(used);
  });

  it("passes the driver's errors through unchanged", async () => {
    const { src } = setup([g('web-01')]);
    await src.listAllDomains(0);
    await expect(src.domainInfo('uuid-gone')).rejects.toMatchObject({ code: 42 });
    await expect(src.blockStats('uuid-gone', 'vda')).rejects.toMatchObject({ code: 42 });
  });
});
