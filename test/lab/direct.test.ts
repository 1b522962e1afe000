// The counters virtop reads from the kernel instead of asking libvirtd
// (src/collector/direct.ts), on real guests: each domain's CPU from its
// cgroup and each tap's counters from /proc/net/dev, against libvirt's
// cpu.time and net.N.* read right after them, over the same window; and the
// collector leaving those groups out of its bulk call once it can, with its
// figures still between the virsh readings around its ticks; and, where it
// reads the vCPU threads, libvirt's vCPU group left out too, with the
// threads' count and times standing in.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { localProcProbe } from '../../src/app/hosts.js';
import { DIRECT_GROUPS, VCPU_GROUP } from '../../src/collector/direct.js';
import { DEFAULT_STATS_MASK, HostCollector } from '../../src/collector/host.js';
import type { LibvirtSource } from '../../src/collector/source.js';
import { Connection } from '../../src/libvirt/connection.js';
import { StatsGroup, type RawStatsRecord } from '../../src/libvirt/types.js';
import type { HostSample } from '../../src/types/sample.js';
import { describeLab, domstats, ensureLab, LAB_CONNECT, LAB_GUESTS, qemuPid, sleep, statNum, teardownLab, type LabHandle } from './lab.js';

const GUESTS = [LAB_GUESTS.spin, LAB_GUESTS.net];
const WINDOW_MS = 3000;
const TOLERANCE = 0.02;

interface Reading {
  cpuNs: bigint;
  /** guest view, as libvirt's net.0.*: rx bytes, rx packets, tx bytes, tx packets */
  net: [bigint, bigint, bigint, bigint];
}

/** Within 2 % of libvirt's delta (and 1 unit, for counters that barely moved). */
function expectClose(what: string, direct: bigint, libvirt: bigint): void {
  const d = Number(direct);
  const l = Number(libvirt);
  expect(Math.abs(d - l), `${what}: direct Δ ${d} vs libvirt Δ ${l}`).toBeLessThanOrEqual(Math.max(1, TOLERANCE * l));
}

describeLab('counters read from the kernel, against libvirt', () => {
  let lab: LabHandle;
  let conn: Connection;
  const probe = localProcProbe();

  beforeAll(async () => {
    lab = await ensureLab(GUESTS);
    conn = await Connection.open(LAB_CONNECT, { readonly: true });
  });

  afterAll(async () => {
    probe.close?.();
    await conn?.close();
    if (lab) await teardownLab(lab);
  });

  /** The kernel's figures, then libvirt's, back to back, for each guest. */
  async function both(): Promise<{ direct: Map<string, Reading>; libvirt: Map<string, Reading> }> {
    const pids = new Map<string, number>();
    for (const g of GUESTS) pids.set(g, await qemuPid(g));
    const records = await conn.getAllDomainStats(StatsGroup.CpuTotal | StatsGroup.Interface, 0);
    const taps = new Map(GUESTS.map((g) => [g, String(records.find((r) => r.name === g)?.params['net.0.name'])]));
    const cpu = await probe.readDomainCpu!([...pids.values()]);
    const netdev = await probe.readNetDev!(new Set(taps.values()));
    const again = await conn.getAllDomainStats(StatsGroup.CpuTotal | StatsGroup.Interface, 0);
    if (!netdev.ok) throw new Error(netdev.error);
    const direct = new Map<string, Reading>();
    const libvirt = new Map<string, Reading>();
    for (const g of GUESTS) {
      const c = cpu.get(pids.get(g) as number);
      if (!c?.ok) throw new Error(`${g}: ${c ? c.error : 'no reading'}`);
      const tap = netdev.value.counters.get(taps.get(g) as string);
      if (!tap) throw new Error(`${g}: tap ${taps.get(g)} not in /proc/net/dev`);
      direct.set(g, { cpuNs: c.value.cpuTimeNs, net: [tap.txBytes, tap.txPackets, tap.rxBytes, tap.rxPackets] });
      const p = (again.find((r) => r.name === g) as RawStatsRecord).params;
      libvirt.set(g, { cpuNs: p['cpu.time'] as bigint, net: [p['net.0.rx.bytes'], p['net.0.rx.pkts'], p['net.0.tx.bytes'], p['net.0.tx.pkts']] as Reading['net'] });
    }
    return { direct, libvirt };
  }

  it('each guest’s cgroup CPU and tap counters move as libvirt’s cpu.time and net.0.* do, within 2 % over the same window', async () => {
    const a = await both();
    await sleep(WINDOW_MS);
    const b = await both();
    for (const g of GUESTS) {
      const [da0, da1, la0, la1] = [a.direct.get(g)!, b.direct.get(g)!, a.libvirt.get(g)!, b.libvirt.get(g)!];
      expectClose(`${g} cpu`, da1.cpuNs - da0.cpuNs, la1.cpuNs - la0.cpuNs);
      const names = ['rx.bytes', 'rx.pkts', 'tx.bytes', 'tx.pkts'];
      names.forEach((n, i) => expectClose(`${g} net.0.${n}`, da1.net[i] - da0.net[i], la1.net[i] - la0.net[i]));
    }
    // The window saw work: a spinning guest's CPU, the ping guest's packets.
    const spin = b.libvirt.get(LAB_GUESTS.spin)!.cpuNs - a.libvirt.get(LAB_GUESTS.spin)!.cpuNs;
    expect(Number(spin)).toBeGreaterThan(0.3 * WINDOW_MS * 1e6);
    const pkts = b.libvirt.get(LAB_GUESTS.net)!.net[3] - a.libvirt.get(LAB_GUESTS.net)!.net[3];
    expect(Number(pkts)).toBeGreaterThan(50);
  });

  /** A collector whose bulk calls' masks are kept, over a connection otherwise as it is. */
  function watched(masks: number[], threads: boolean): HostCollector {
    return new HostCollector(LAB_CONNECT, {
      readonly: true,
      proc: probe,
      threads,
      connect: async (uri) => {
        const c = await Connection.open(uri, { readonly: true });
        // Everything but the bulk call goes to the connection as it is.
        return new Proxy(c, {
          get(target, prop) {
            if (prop === 'getAllDomainStats') return (mask: number, flags: number) => (masks.push(mask), target.getAllDomainStats(mask, flags));
            const v = Reflect.get(target, prop, target) as unknown;
            return typeof v === 'function' ? v.bind(target) : v;
          },
        }) as unknown as LibvirtSource;
      },
    });
  }

  it('the collector leaves cpu and net out of its bulk call from its third tick, and its figures stay between the virsh readings', async () => {
    const masks: number[] = [];
    const hc = watched(masks, false);
    try {
      await hc.sample();
      await hc.sample();
      const before = new Map(await Promise.all(GUESTS.map(async (g) => [g, await domstats(g, ['cpu-total', 'interface'])] as const)));
      const first = await hc.sample();
      await sleep(1000);
      const second = await hc.sample();
      const after = new Map(await Promise.all(GUESTS.map(async (g) => [g, await domstats(g, ['cpu-total', 'interface'])] as const)));
      expect(masks.slice(2)).toEqual([DEFAULT_STATS_MASK & ~DIRECT_GROUPS, DEFAULT_STATS_MASK & ~DIRECT_GROUPS]);
      const dom = (s: HostSample, g: string) => s.domains.find((d) => d.name === g)!;
      for (const g of GUESTS) {
        const [x, y] = [dom(first, g), dom(second, g)];
        expect(x.errors, g).toEqual([]);
        const within = (key: string, p: bigint | null, q: bigint | null) => {
          const lo = BigInt(before.get(g)![key]);
          const hi = BigInt(after.get(g)![key]);
          expect(p !== null && q !== null && lo <= p && p <= q && q <= hi, `${g} ${key}: ${lo} <= ${p} <= ${q} <= ${hi}`).toBe(true);
        };
        within('cpu.time', x.cpuTimeNs, y.cpuTimeNs);
        within('net.0.rx.bytes', x.nics[0].rxBytes, y.nics[0].rxBytes);
        within('net.0.tx.pkts', x.nics[0].txPkts, y.nics[0].txPkts);
        expect(y.nics[0].name).toBe(before.get(g)!['net.0.name']);
      }
    } finally {
      await hc.close();
    }
  });

  it('reading vCPU threads for the screen, it leaves the vCPU group out from its second tick: as many threads as virsh\'s vcpu.current, a busy guest\'s Σ thread time within 2 % of libvirt\'s Σ vcpu.N.time over the same window', async () => {
    const masks: number[] = [];
    const hc = watched(masks, true);
    const vcpuSum = (st: Record<string, string | bigint | number>): bigint => {
      let ns = 0n;
      for (let i = 0; i < Number(st['vcpu.current']); i++) ns += BigInt(st[`vcpu.${i}.time`]);
      return ns;
    };
    /** libvirt's Σ vcpu.N.time of each guest, read through the binding right after a tick (a virsh run takes too long for 2 %) */
    const libvirtNow = async () => {
      const recs = await conn.getAllDomainStats(StatsGroup.Vcpu, 0);
      return new Map(GUESTS.map((g) => [g, vcpuSum((recs.find((r) => r.name === g) as RawStatsRecord).params as Record<string, bigint | number>)]));
    };
    // schedstat's runtime, which the threads give: libvirt's vcpu.N.time is the same threads' stat in 10 ms ticks
    const threadsNs = (s: HostSample, g: string): bigint => (dom(s, g).process?.threads ?? []).reduce((acc, t) => (t.vcpu === null ? acc : acc + t.cpuTimeNs), 0n);
    const dom = (s: HostSample, g: string) => s.domains.find((d) => d.name === g)!;
    try {
      await hc.sample();
      await hc.sample();
      const first = await hc.sample();
      const la = await libvirtNow();
      await sleep(WINDOW_MS);
      const second = await hc.sample();
      const lb = await libvirtNow();
      const after = new Map(await Promise.all(GUESTS.map(async (g) => [g, await domstats(g, ['vcpu'])] as const)));
      expect(masks[1] & VCPU_GROUP).toBe(0);
      expect(masks.slice(2, 4)).toEqual([DEFAULT_STATS_MASK & ~DIRECT_GROUPS & ~VCPU_GROUP, DEFAULT_STATS_MASK & ~DIRECT_GROUPS & ~VCPU_GROUP]);
      for (const g of GUESTS) {
        const [x, y] = [dom(first, g), dom(second, g)];
        expect(x.errors, g).toEqual([]);
        expect(y.vcpus, `${g}: libvirt's vCPU figures were not asked for`).toEqual([]);
        expect(y.vcpusCurrent, g).toBe(statNum(after.get(g)!, 'vcpu.current'));
      }
      // A busy vCPU's seconds dwarf the 10 ms ticks libvirt counts in; a near-idle guest's would not.
      const g = LAB_GUESTS.spin;
      const libvirtDelta = lb.get(g)! - la.get(g)!;
      expect(Number(libvirtDelta)).toBeGreaterThan(0.3 * WINDOW_MS * 1e6);
      expectClose(`${g} Σ vcpu time`, threadsNs(second, g) - threadsNs(first, g), libvirtDelta);
    } finally {
      await hc.close();
    }
  });
});
