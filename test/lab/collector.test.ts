// The collector's figures on real QEMU guests, each over the window virtop
// itself used (its two samples' raw counters and stamps), with the counters
// shown to be libvirt's and the kernel's by `virsh domstats` and /proc
// readings around that window. Each check states its tolerance.
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCollector } from '../../src/app/hosts.js';
import type { Collector } from '../../src/collector/collector.js';
import { Model } from '../../src/model/model.js';
import { vcpuTimeSumNs } from '../../src/model/insight.js';
import type { DomainView, ModelView } from '../../src/model/view.js';
import type { DomainSample, Snapshot } from '../../src/types/sample.js';
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
  /** the two raw samples behind the view's rates */
  first: Snapshot;
  second: Snapshot;
  /** each vCPU thread's runtime and utime+stime (ns) read from /proc just before the first tick and just after the second */
  procBefore: Map<number, { runNs: bigint; ticksNs: bigint }>;
  procAfter: Map<number, { runNs: bigint; ticksNs: bigint }>;
}

const CLK_TCK = 100n; // USER_HZ on Linux

/** Per vCPU thread of every lab guest, read directly: its schedstat runtime and its stat utime+stime, ns. */
async function vcpuThreadTimes(): Promise<Map<number, { runNs: bigint; ticksNs: bigint }>> {
  const out = new Map<number, { runNs: bigint; ticksNs: bigint }>();
  for (const g of Object.values(LAB_GUESTS)) {
    const pid = await qemuPid(g);
    for (const tid of await readdir(`/proc/${pid}/task`)) {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => null);
      const sched = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').catch(() => null);
      if (!stat || !sched || !/\(CPU \d+\//.test(stat)) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), { runNs: BigInt(sched.split(' ')[0]), ticksNs: ((BigInt(f[11]) + BigInt(f[12])) * 1_000_000_000n) / CLK_TCK });
    }
  }
  return out;
}

function raw(snap: Snapshot, name: string): DomainSample {
  const d = snap.hosts[0].domains.find((x) => x.name === name);
  if (!d) throw new Error(`${name} not in the sample`);
  return d;
}

/** Σ vcpu.N.time of the online vCPUs in a virsh domstats reading. */
function virshVcpuSum(st: Record<string, string>): bigint {
  let ns = 0n;
  for (let i = 0; i < statNum(st, 'vcpu.current'); i++) ns += BigInt(st[`vcpu.${i}.time`]);
  return ns;
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

describeLab('collector against real guests', () => {
  let lab: LabHandle;
  let collector: Collector;
  let model: Model;
  let w: Window;

  beforeAll(async () => {
    assertBuilt();
    lab = await ensureLab();
    // As --json and --csv read: libvirt's own vCPU counters every tick (the screen lets the threads stand in).
    collector = createCollector({ uris: [LAB_CONNECT], intervalMs: 1000, threads: true, libvirtVcpuStats: true });
    model = new Model();
    // Let loads settle after boot, then take one window: virsh, tick, wait, tick, virsh.
    await sleep(2000);
    const before = await allStats();
    const procBefore = await vcpuThreadTimes();
    const beforeNs = process.hrtime.bigint();
    const first = await collector.tick();
    model.ingest(first);
    await sleep(WINDOW_MS);
    const second = await collector.tick();
    const view = model.ingest(second);
    const afterNs = process.hrtime.bigint();
    const procAfter = await vcpuThreadTimes();
    const after = await allStats();
    w = { before, after, beforeNs, afterNs, view, first, second, procBefore, procAfter };
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

  // Every rate is checked over the window virtop itself used: its two raw
  // samples' counters and stamps. That the counters are libvirt's and the
  // kernel's is checked by bracketing them with virsh and /proc readings
  // taken just before the first tick and just after the second.
  it('the counters behind the rates are libvirt’s: between the virsh readings around the window', () => {
    for (const g of Object.values(LAB_GUESTS)) {
      const [a, b] = [raw(w.first, g), raw(w.second, g)];
      const within = (key: string, x: bigint | null, y: bigint | null, lo: bigint, hi: bigint) => {
        expect(x, `${g} ${key}`).not.toBeNull();
        expect(lo <= (x as bigint) && (x as bigint) <= (y as bigint) && (y as bigint) <= hi, `${g} ${key}: ${lo} <= ${x} <= ${y} <= ${hi}`).toBe(true);
      };
      const big = (st: Record<string, string>, k: string) => BigInt(st[k]);
      within('cpu.time', a.cpuTimeNs, b.cpuTimeNs, big(w.before[g], 'cpu.time'), big(w.after[g], 'cpu.time'));
      within('Σ vcpu.N.time', vcpuTimeSumNs(a), vcpuTimeSumNs(b), virshVcpuSum(w.before[g]), virshVcpuSum(w.after[g]));
      within('block.0.rd.bytes', a.disks[0].rdBytes, b.disks[0].rdBytes, big(w.before[g], 'block.0.rd.bytes'), big(w.after[g], 'block.0.rd.bytes'));
      within('block.0.wr.reqs', a.disks[0].wrReqs, b.disks[0].wrReqs, big(w.before[g], 'block.0.wr.reqs'), big(w.after[g], 'block.0.wr.reqs'));
      within('block.0.rd.times', a.disks[0].rdTimesNs ?? null, b.disks[0].rdTimesNs ?? null, big(w.before[g], 'block.0.rd.times'), big(w.after[g], 'block.0.rd.times'));
      within('block.0.wr.times', a.disks[0].wrTimesNs ?? null, b.disks[0].wrTimesNs ?? null, big(w.before[g], 'block.0.wr.times'), big(w.after[g], 'block.0.wr.times'));
      within('net.0.tx.bytes', a.nics[0].txBytes, b.nics[0].txBytes, big(w.before[g], 'net.0.tx.bytes'), big(w.after[g], 'net.0.tx.bytes'));
      within('net.0.rx.pkts', a.nics[0].rxPkts, b.nics[0].rxPkts, big(w.before[g], 'net.0.rx.pkts'), big(w.after[g], 'net.0.rx.pkts'));
    }
  });

  it('host and guest CPU: within 2 points of the cpu.time and Σ vcpu.N.time deltas over the same window', () => {
    const hostCpus = w.view.hosts[0].cpus as number;
    for (const g of Object.values(LAB_GUESTS)) {
      const [a, b] = [raw(w.first, g), raw(w.second, g)];
      const windowNs = Number((b.statsMonoNs as bigint) - (a.statsMonoNs as bigint));
      const d = dom(w.view, g);
      const host = (Number((b.cpuTimeNs as bigint) - (a.cpuTimeNs as bigint)) / windowNs / hostCpus) * 100;
      const guest = (Number((vcpuTimeSumNs(b) as bigint) - (vcpuTimeSumNs(a) as bigint)) / windowNs / (b.vcpusCurrent as number)) * 100;
      expect(d.cpuPercent, g).not.toBeNull();
      expect(d.vcpuPercent, g).not.toBeNull();
      // Tolerance: 2 points.
      expect(Math.abs((d.cpuPercent as number) - host), `${g} cpuPercent ${d.cpuPercent} vs ${host}`).toBeLessThan(2);
      expect(Math.abs((d.vcpuPercent as number) - guest), `${g} vcpuPercent ${d.vcpuPercent} vs ${guest}`).toBeLessThan(2);
      expect(d.vcpuPercent as number, g).toBeLessThanOrEqual(100.5);
    }
    // One spinning vCPU of two: clearly busy, whatever else shares the cores.
    expect(dom(w.view, LAB_GUESTS.spin).vcpuPercent as number).toBeGreaterThan(12.5);
  });

  it('vCPU threads: one per online vCPU, named as in /proc; each rate its schedstat runtime delta, which is utime+stime to the ns', async () => {
    for (const g of Object.values(LAB_GUESTS)) {
      const d = dom(w.view, g);
      const online = statNum(w.after[g], 'vcpu.current');
      expect(d.vcpuThreads.map((t) => t.vcpu)).toEqual([...Array(online).keys()]);
      const names = await threadNames(await qemuPid(g));
      for (const t of d.vcpuThreads) expect(names).toContain(`CPU ${t.vcpu}/TCG`);
      const [pa, pb] = [raw(w.first, g).process, raw(w.second, g).process];
      expect(pa && pb, `${g}: /proc samples`).toBeTruthy();
      const windowNs = Number(pb!.monoNs! - pa!.monoNs!);
      for (const t of d.vcpuThreads) {
        expect(t.lastCpu).not.toBeNull();
        const ta = pa!.threads.find((x) => x.tid === t.tid)!.cpuTimeNs;
        const tb = pb!.threads.find((x) => x.tid === t.tid)!.cpuTimeNs;
        // the thread's counters are the kernel's schedstat runtime: between our own reads around the window
        const before = w.procBefore.get(t.tid as number)!;
        const after = w.procAfter.get(t.tid as number)!;
        expect(before.runNs <= ta && ta <= tb && tb <= after.runNs, `${g} vcpu${t.vcpu}: ${before.runNs} <= ${ta} <= ${tb} <= ${after.runNs}`).toBe(true);
        const ref = (Number(tb - ta) / windowNs) * 100;
        expect(t.cpuPercent, `${g} vcpu${t.vcpu}`).not.toBeNull();
        expect(Math.abs((t.cpuPercent as number) - ref), `${g} vcpu${t.vcpu} ${t.cpuPercent} vs ${ref}`).toBeLessThan(0.01);
        // schedstat's runtime is the thread's utime+stime to the ns: read at the
        // same moment, utime+stime (two fields floored to 10 ms ticks) is at most
        // 20 ms behind it, and never ahead (1 ms for the two reads' order).
        for (const r of [before, after]) {
          const diffMs = Number(r.runNs - r.ticksNs) / 1e6;
          expect(diffMs, `${g} vcpu${t.vcpu}: schedstat ${r.runNs} vs utime+stime ${r.ticksNs}`).toBeGreaterThan(-1);
          expect(diffMs, `${g} vcpu${t.vcpu}: schedstat ${r.runNs} vs utime+stime ${r.ticksNs}`).toBeLessThan(21);
        }
        expect(t.cpuPercent as number).toBeLessThanOrEqual(100.5);
      }
    }
    // The spinning vCPU is clearly the busy one. How busy depends on what else
    // runs on the two cores (a first CI run here saw 58.9 % of a core while
    // another test run shared the machine), so no fixed share is asked for.
    const [spin0, spin1] = dom(w.view, LAB_GUESTS.spin).vcpuThreads.map((t) => t.cpuPercent as number);
    expect(spin0).toBeGreaterThan(25);
    expect(spin0).toBeGreaterThan(2 * spin1);
  });

  it('disk and NIC rates: within 2 % of their counters’ deltas over the same window, and moving on the loaded guests', () => {
    for (const g of Object.values(LAB_GUESTS)) {
      const [a, b] = [raw(w.first, g), raw(w.second, g)];
      const windowSec = Number((b.statsMonoNs as bigint) - (a.statsMonoNs as bigint)) / 1e9;
      const d = dom(w.view, g);
      const check = (what: string, rate: number | null, x: bigint | null, y: bigint | null) => {
        const ref = Number((y as bigint) - (x as bigint)) / windowSec;
        expect(rate, `${g} ${what}`).not.toBeNull();
        // Tolerance: 2 % (and 0.01/s for a counter that did not move).
        expect(Math.abs((rate as number) - ref), `${g} ${what} ${rate} vs ${ref}`).toBeLessThanOrEqual(Math.max(0.02 * ref, 0.01));
      };
      check('rd bytes/s', d.disks[0].rdBytesPerSec, a.disks[0].rdBytes, b.disks[0].rdBytes);
      check('wr bytes/s', d.disks[0].wrBytesPerSec, a.disks[0].wrBytes, b.disks[0].wrBytes);
      check('rd req/s', d.disks[0].rdReqPerSec, a.disks[0].rdReqs, b.disks[0].rdReqs);
      check('wr req/s', d.disks[0].wrReqPerSec, a.disks[0].wrReqs, b.disks[0].wrReqs);
      check('rx bytes/s', d.nics[0].rxBytesPerSec, a.nics[0].rxBytes, b.nics[0].rxBytes);
      check('tx bytes/s', d.nics[0].txBytesPerSec, a.nics[0].txBytes, b.nics[0].txBytes);
      check('rx pkts/s', d.nics[0].rxPktsPerSec, a.nics[0].rxPkts, b.nics[0].rxPkts);
      check('tx pkts/s', d.nics[0].txPktsPerSec, a.nics[0].txPkts, b.nics[0].txPkts);
    }
    const disk = dom(w.view, LAB_GUESTS.disk);
    expect(disk.rdBytesPerSec as number).toBeGreaterThan(0);
    expect(disk.wrBytesPerSec as number).toBeGreaterThan(0);
    expect(disk.disks[0].name).toBe('vda');
    expect(disk.disks[0].capacityBytes).toBe(statNum(w.after[LAB_GUESTS.disk], 'block.0.capacity'));
    const net = dom(w.view, LAB_GUESTS.net);
    expect(net.txPktsPerSec as number).toBeGreaterThan(0);
    expect(net.nics[0].source).toBe('virtop-lab-net');
    expect(net.nics[0].mac).toMatch(/^52:54:00:/);
  });

  it('disk latency: each disk’s ms per request is its rd/wr/fl times over its request deltas in the same window; the domain’s is its worst disk’s', () => {
    let measured = 0;
    for (const g of Object.values(LAB_GUESTS)) {
      const [a, b] = [raw(w.first, g), raw(w.second, g)];
      const d = dom(w.view, g);
      for (const [k, disk] of d.disks.entries()) {
        const [x, y] = [a.disks[k], b.disks[k]];
        const check = (what: string, got: number | null | undefined, reqs0: bigint | null, reqs1: bigint | null, t0: bigint | null | undefined, t1: bigint | null | undefined) => {
          const dReqs = Number((reqs1 as bigint) - (reqs0 as bigint));
          if (dReqs === 0) {
            // No request in the window: no latency to tell, never 0.
            expect(got ?? null, `${g} ${disk.name} ${what}`).toBeNull();
            return;
          }
          const ref = Number((t1 as bigint) - (t0 as bigint)) / dReqs / 1e6;
          expect(got, `${g} ${disk.name} ${what}`).not.toBeNull();
          // Tolerance: 5 % (the bound; the same counters give it to rounding).
          expect(Math.abs((got as number) - ref), `${g} ${disk.name} ${what}: ${got} vs ${ref} ms`).toBeLessThanOrEqual(0.05 * ref + 1e-9);
          measured++;
        };
        check('read ms', disk.rdLatencyMs, x.rdReqs, y.rdReqs, x.rdTimesNs, y.rdTimesNs);
        check('write ms', disk.wrLatencyMs, x.wrReqs, y.wrReqs, x.wrTimesNs, y.wrTimesNs);
        check('flush ms', disk.flLatencyMs, x.flReqs ?? null, y.flReqs ?? null, x.flTimesNs, y.flTimesNs);
      }
      const worst = d.disks.reduce<number | null>((m, k) => (k.latencyMs == null ? m : m === null ? k.latencyMs : Math.max(m, k.latencyMs)), null);
      expect(d.diskLatencyMs ?? null, g).toBe(worst);
    }
    // The disk guest reads and writes all the time: its latencies are there.
    const disk = dom(w.view, LAB_GUESTS.disk);
    expect(disk.disks[0].rdLatencyMs, 'disk guest read latency').not.toBeNull();
    expect(disk.disks[0].wrLatencyMs, 'disk guest write latency').not.toBeNull();
    expect(disk.disks[0].physicalBytes).toBe(statNum(w.after[LAB_GUESTS.disk], 'block.0.physical'));
    // At least the disk guest's reads and writes (the idle guests may finish no request in a window).
    expect(measured).toBeGreaterThanOrEqual(2);
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
    // Each rate is its own counters' delta over its own window: %CPU from
    // libvirt's cpu.time over the stats call's stamps; the guest's % from
    // where guestCpuSource says it came: on this local host the vCPU
    // threads' schedstat runtime (vcpuThreads[].cpuTimeNs) over the /proc
    // scan's stamps, elsewhere Σ vcpu.N.time over the stats stamps. The same
    // ticks, never a window that merely overlaps (a run compared the /proc
    // figure with libvirt's counters and windows: 3.2 points apart).
    const hostCpus = ticks[2].hosts[0].cpus as number;
    const threadsNs = (t: { vcpuThreads: { cpuTimeNs: string }[] }) => t.vcpuThreads.reduce((acc, x) => acc + big(x.cpuTimeNs), 0n);
    for (const [a, b] of [
      [t0, t1],
      [t1, t2],
    ]) {
      const statsNs = (b.statsMonoMs - a.statsMonoMs) * 1e6;
      expect(statsNs).toBeGreaterThan(0);
      const host = (Number(big(b.cpuTimeNs) - big(a.cpuTimeNs)) / statsNs / hostCpus) * 100;
      let guest: number;
      if (b.guestCpuSource === 'proc') {
        const procNs = (b.procMonoMs - a.procMonoMs) * 1e6;
        expect(procNs).toBeGreaterThan(0);
        guest = (Number(threadsNs(b) - threadsNs(a)) / procNs / b.vcpuThreads.length) * 100;
      } else {
        guest = (Number(big(b.vcpuTimeNs) - big(a.vcpuTimeNs)) / statsNs / b.vcpus) * 100;
      }
      // Tolerance: 2 points (the JSON rounds stamps to 1 µs and rates to 0.01).
      if (b.vcpuPercent !== null) expect(Math.abs(b.vcpuPercent - guest), `${b.guestCpuSource}: ${b.vcpuPercent} vs ${guest}`).toBeLessThan(2);
      if (b.cpuPercent !== null) expect(Math.abs(b.cpuPercent - host), `${b.cpuPercent} vs ${host}`).toBeLessThan(2);
      if (b.vcpuPercent !== null) expect(b.vcpuPercent).toBeLessThanOrEqual(100.5);
    }
    // This host is local: the guest's % comes from /proc, stamped by its scan.
    expect(t2.guestCpuSource).toBe('proc');
    expect(t2.procMonoMs).not.toBeNull();
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
