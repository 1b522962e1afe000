// The collector's figures against ground truth taken in the same window on
// real QEMU guests: `virsh domstats` counter deltas and /proc. Each check
// states its tolerance.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCollector } from '../../src/app/hosts.js';
import type { Collector } from '../../src/collector/collector.js';
import { Model } from '../../src/model/model.js';
import type { DomainView, ModelView } from '../../src/model/view.js';
import { assertBuilt, runVirtopLines } from '../helpers/run.js';
import { assertFrame } from '../helpers/schema.js';
import {
  describeLab,
  domstats,
  ensureLab,
  LAB_CONNECT,
  LAB_GUESTS,
  type LabHandle,
  qemuPid,
  sleep,
  statNum,
  teardownLab,
  threadNames,
  virsh,
  waitFor,
} from './lab.js';

const WINDOW_MS = 3000;

interface Window {
  before: Record<string, Record<string, string>>;
  after: Record<string, Record<string, string>>;
  beforeNs: bigint;
  afterNs: bigint;
  view: ModelView;
}

async function allStats(): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  await Promise.all(Object.values(LAB_GUESTS).map(async (g) => (out[g] = await domstats(g))));
  return out;
}

function dom(view: ModelView, name: string): DomainView {
  const d = view.domains.find((x) => x.name === name);
  if (!d) throw new Error(`${name} not in the model (have: ${view.domains.map((x) => x.name).join(', ')})`);
  return d;
}

function virshRate(w: Window, guest: string, key: string): number {
  const dt = Number(w.afterNs - w.beforeNs) / 1e9;
  return (statNum(w.after[guest], key) - statNum(w.before[guest], key)) / dt;
}

describeLab('collector against real guests', () => {
  let lab: LabHandle;
  let collector: Collector;
  let model: Model;
  let w: Window;

  beforeAll(async () => {
    assertBuilt();
    lab = await ensureLab();
    collector = createCollector({ uris: [LAB_CONNECT], intervalMs: 1000, threads: true });
    model = new Model();
    // Let loads settle after boot, then take one window: virsh, tick, wait, tick, virsh.
    await sleep(2000);
    const before = await allStats();
    const beforeNs = process.hrtime.bigint();
    model.ingest(await collector.tick());
    await sleep(WINDOW_MS);
    const view = model.ingest(await collector.tick());
    const afterNs = process.hrtime.bigint();
    const after = await allStats();
    w = { before, after, beforeNs, afterNs, view };
  });

  afterAll(async () => {
    await collector?.close();
    if (lab) await teardownLab(lab);
  });

  it('sees every lab guest running, with host facts', () => {
    const host = w.view.hosts[0];
    expect(host.status).toBe('connected');
    expect(host.cpus).toBeGreaterThanOrEqual(1);
    for (const g of Object.values(LAB_GUESTS)) expect(dom(w.view, g).state).toBe('running');
  });

  it('spin guest: vcpuPercent within 10 points of the virsh cpu.time delta', () => {
    const g = LAB_GUESTS.spin;
    const d = dom(w.view, g);
    const vcpus = statNum(w.after[g], 'vcpu.current');
    const virshPct = (virshRate(w, g, 'cpu.time') / 1e9 / vcpus) * 100;
    expect(d.vcpuPercent).not.toBeNull();
    // Tolerance: 10 percentage points (the two windows differ by the virsh call times).
    expect(Math.abs((d.vcpuPercent as number) - virshPct)).toBeLessThan(10);
    // One spinning vCPU of two: clearly busy.
    expect(d.vcpuPercent as number).toBeGreaterThan(30);
  });

  it('vCPU threads: one per online vCPU, matching /proc names and a busy vCPU 0', async () => {
    for (const g of Object.values(LAB_GUESTS)) {
      const d = dom(w.view, g);
      const online = statNum(w.after[g], 'vcpu.current');
      expect(d.vcpuThreads.map((t) => t.vcpu)).toEqual([...Array(online).keys()]);
      const names = await threadNames(await qemuPid(g));
      for (const t of d.vcpuThreads) expect(names).toContain(`CPU ${t.vcpu}/TCG`);
      for (const t of d.vcpuThreads) expect(t.lastCpu).not.toBeNull();
    }
    const spin = dom(w.view, LAB_GUESTS.spin);
    // Tolerance: a TCG vCPU spinning on a 2-core host gets at least 60 % of a core.
    expect(spin.vcpuThreads[0].cpuPercent as number).toBeGreaterThan(60);
    expect(spin.vcpuThreads[0].cpuPercent as number).toBeLessThan(110);
  });

  it('disk guest: read/write rates non-zero and within 2x of virsh block deltas', () => {
    const g = LAB_GUESTS.disk;
    const d = dom(w.view, g);
    const virshRd = virshRate(w, g, 'block.0.rd.bytes');
    const virshWr = virshRate(w, g, 'block.0.wr.bytes');
    expect(d.rdBytesPerSec as number).toBeGreaterThan(0);
    expect(d.wrBytesPerSec as number).toBeGreaterThan(0);
    // Tolerance: factor 2 — dd runs in bursts and the windows are offset by the virsh calls.
    const total = (d.rdBytesPerSec as number) + (d.wrBytesPerSec as number);
    expect(total / (virshRd + virshWr)).toBeGreaterThan(0.5);
    expect(total / (virshRd + virshWr)).toBeLessThan(2);
    expect(d.disks[0].name).toBe('vda');
    expect(d.disks[0].capacityBytes).toBe(statNum(w.after[g], 'block.0.capacity'));
  });

  it('net guest: tx packets/s non-zero and within 2x of virsh interface deltas', () => {
    const g = LAB_GUESTS.net;
    const d = dom(w.view, g);
    const virshTx = virshRate(w, g, 'net.0.tx.pkts') + virshRate(w, g, 'net.0.rx.pkts');
    const ours = (d.txPktsPerSec as number) + (d.rxPktsPerSec as number);
    expect(ours).toBeGreaterThan(0);
    expect(d.txBytesPerSec as number).toBeGreaterThan(0);
    // Tolerance: factor 2 on packets/s over offset windows.
    expect(ours / virshTx).toBeGreaterThan(0.5);
    expect(ours / virshTx).toBeLessThan(2);
    expect(d.nics[0].source).toBe('virtop-lab-net');
    expect(d.nics[0].mac).toMatch(/^52:54:00:/);
  });

  it('memory: balloon current equals virsh, RSS within 10 % of /proc VmRSS', async () => {
    for (const g of Object.values(LAB_GUESTS)) {
      const d = dom(w.view, g);
      expect(d.memCurrentKiB).toBe(statNum(w.after[g], 'balloon.current'));
      expect(d.memMaxKiB).toBe(statNum(w.after[g], 'balloon.maximum'));
      const status = await readFile(`/proc/${await qemuPid(g)}/status`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
      expect(Math.abs((d.rssKiB as number) - rss) / rss).toBeLessThan(0.1);
    }
  });

  it('a hot-added vCPU shows up as a new vCPU thread on the next tick', async () => {
    const g = LAB_GUESTS.idle;
    const before = dom(model.view(), g).vcpuThreads.length;
    await virsh(['setvcpus', g, String(before + 1), '--live']);
    const view = await waitFor('the new vCPU thread', async () => {
      const v = model.ingest(await collector.tick());
      return dom(v, g).vcpuThreads.length === before + 1 ? v : undefined;
    });
    expect(dom(view, g).vcpus).toBe(before + 1);
  });

  it('the CLI gives the same picture: virtop -b -n 3 -d 1 --json -c qemu:///system', async () => {
    const g = LAB_GUESTS.spin;
    // virsh domstats as the CLI prints its first and last ticks: a reading
    // after tick 0 was taken and before tick 2 was, and one after tick 2.
    const marks: Promise<Record<string, string>>[] = [];
    const r = await runVirtopLines(['-b', '-n', '3', '-d', '1', '--json', '-c', LAB_CONNECT], (i) => {
      if (i === 0 || i === 2) marks.push(domstats(g));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ticks = r.lines.map((l) => JSON.parse(l));
    ticks.forEach((t, i) => assertFrame(t, `tick ${i}`));
    expect(ticks).toHaveLength(3);
    expect(marks).toHaveLength(2);
    const [s0, s1] = await Promise.all(marks);
    const spin = (t: number) => ticks[t].domains.find((d: { name: string }) => d.name === g);
    const [t0, t1, t2] = [0, 1, 2].map(spin);
    const big = (v: string) => BigInt(v);
    const vcpuSum = (st: Record<string, string>) => {
      let ns = 0n;
      for (let i = 0; i < statNum(st, 'vcpu.current'); i++) ns += BigInt(st[`vcpu.${i}.time`]);
      return ns;
    };
    // The counters printed are libvirt's: each lies between the virsh readings around it.
    expect(big(t0.cpuTimeNs)).toBeLessThanOrEqual(BigInt(s0['cpu.time']));
    expect(big(t2.cpuTimeNs)).toBeGreaterThanOrEqual(BigInt(s0['cpu.time']));
    expect(big(t2.cpuTimeNs)).toBeLessThanOrEqual(BigInt(s1['cpu.time']));
    expect(big(t0.vcpuTimeNs)).toBeLessThanOrEqual(vcpuSum(s0));
    expect(big(t2.vcpuTimeNs)).toBeGreaterThanOrEqual(vcpuSum(s0));
    expect(big(t2.vcpuTimeNs)).toBeLessThanOrEqual(vcpuSum(s1));
    // Each rate is its counters' delta over virtop's own window (the stats
    // call's stamps): the same ticks, not a window that merely overlaps.
    const hostCpus = ticks[2].hosts[0].cpus as number;
    for (const [a, b] of [
      [t0, t1],
      [t1, t2],
    ]) {
      const windowNs = (b.statsMonoMs - a.statsMonoMs) * 1e6;
      expect(windowNs).toBeGreaterThan(0);
      const guest = (Number(big(b.vcpuTimeNs) - big(a.vcpuTimeNs)) / windowNs / b.vcpus) * 100;
      const host = (Number(big(b.cpuTimeNs) - big(a.cpuTimeNs)) / windowNs / hostCpus) * 100;
      // Tolerance: 2 points (the JSON rounds stamps to 1 µs and rates to 0.01).
      if (b.vcpuPercent !== null) expect(Math.abs(b.vcpuPercent - guest)).toBeLessThan(2);
      if (b.cpuPercent !== null) expect(Math.abs(b.cpuPercent - host)).toBeLessThan(2);
      if (b.vcpuPercent !== null) expect(b.vcpuPercent).toBeLessThanOrEqual(100.5);
    }
    // Rates may be withheld on one tick for uncertain timing, not on both.
    expect([t1.vcpuPercent, t2.vcpuPercent].some((v) => v !== null)).toBe(true);
    expect(t2.vcpuThreads).toHaveLength(statNum(s1, 'vcpu.current'));
    const last = (name: string) => ticks[2].domains.find((d: { name: string }) => d.name === name) ?? ticks[1].domains.find((d: { name: string }) => d.name === name);
    const disk = last(LAB_GUESTS.disk);
    expect(big(disk.rdBytes) + big(disk.wrBytes)).toBeGreaterThan(0n);
    const net = last(LAB_GUESTS.net);
    expect(big(net.txBytes)).toBeGreaterThan(0n);
  });
});
