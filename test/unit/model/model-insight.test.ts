import { describe, expect, it } from 'vitest';
import { emptyBalloon } from '../../../src/collector/bulk.js';
import { Model } from '../../../src/model/model.js';
import type { DomainSample, HostSample, ProcessSample } from '../../../src/types/sample.js';
import { domain, host, SEC, snapshot } from '../../helpers/samples.js';

const MS = 1_000_000n;

/** A QEMU with two vCPU threads (both on host CPU 1) and an emulator thread, at tick t (1 s apart). */
function qemu(t: number, opts: { delayMsPerSec?: number; pid?: number } = {}): ProcessSample {
  const T = BigInt(t);
  const delay = BigInt(opts.delayMsPerSec ?? 0);
  return {
    pid: opts.pid ?? 100,
    rssKiB: 300_000,
    ioReadBytes: null,
    ioWriteBytes: null,
    // per second: vCPU 0 600 ms, vCPU 1 200 ms, emulator and friends 100 ms
    cpuTimeNs: T * 900n * MS,
    threads: [
      { tid: 100, comm: 'qemu-system-x86', vcpu: null, cpuTimeNs: T * 100n * MS, runDelayNs: 0n, lastCpu: 0 },
      { tid: 101, comm: 'CPU 0/KVM', vcpu: 0, cpuTimeNs: T * 600n * MS, runDelayNs: T * delay * MS, lastCpu: 1 },
      { tid: 102, comm: 'CPU 1/KVM', vcpu: 1, cpuTimeNs: T * 200n * MS, runDelayNs: T * (delay / 2n) * MS, lastCpu: 1 },
    ],
    monoNs: T * SEC,
    spanNs: 0n,
    error: null,
  };
}

function dom(t: number, over: Partial<DomainSample> & { uuid?: string } = {}, delayMsPerSec = 0): DomainSample {
  return domain({
    uuid: 'a',
    cpuTimeNs: BigInt(t) * 900n * MS,
    vcpusCurrent: 2,
    process: qemu(t, { delayMsPerSec }),
    statsMonoNs: BigInt(t) * SEC,
    statsSpanNs: 0n,
    ...over,
  });
}

const tickAt = (m: Model, t: number, ds: DomainSample[], hostOver: Partial<HostSample> = {}) =>
  m.ingest(snapshot(t, [host({ monoNs: BigInt(t) * SEC, domains: ds, ...hostOver })]));

describe('Model: the four CPU numbers', () => {
  it('host % (of the host and of a core), guest %, steal per vCPU and per domain, overhead', () => {
    const m = new Model();
    tickAt(m, 1, [dom(1, {}, 300)]);
    const d = tickAt(m, 2, [dom(2, {}, 300)]).domains[0];
    expect(d.cpuPercent).toBeCloseTo(22.5, 9); // 900 ms / (1 s × 4 host CPUs)
    expect(d.cpuCorePercent).toBeCloseTo(90, 9);
    // Guest %: the vCPUs' own time, (600 + 200) ms / (1 s × 2 vCPUs); cpu.time's 900 ms would say 45 %.
    expect(d.vcpuPercent).toBeCloseTo(40, 9);
    expect(d.guestCpuSource).toBe('proc');
    // With libvirt's per-vCPU times there too (10 ms ticks: 610 + 190 ms here), the threads' own runtime still wins on a local host.
    const m2 = new Model();
    const withLibvirt = (t: number) =>
      dom(t, { vcpus: [0, 1].map((v) => ({ vcpu: v, state: 1, timeNs: BigInt(t) * (v === 0 ? 610n : 190n) * MS, waitNs: null, delayNs: null })) }, 300);
    tickAt(m2, 1, [withLibvirt(1)]);
    const d2 = tickAt(m2, 2, [withLibvirt(2)]).domains[0];
    expect(d2.vcpuPercent).toBeCloseTo(40, 9);
    expect(d2.guestCpuSource).toBe('proc');
    expect(d.vcpuThreads.map((t) => t.stealPercent)).toEqual([30, 15]);
    expect(d.vcpuThreads.map((t) => t.waitPercent)).toEqual([30, 15]);
    expect(d.stealPercent).toBeCloseTo(22.5, 9);
    expect(d.stealSumPercent).toBeCloseTo(45, 9); // 30 + 15: in "vCPUs' worth" of waiting
    expect(d.overheadCorePercent).toBeCloseTo(10, 9);
    expect(d.overheadPercent).toBeCloseTo(2.5, 9);
    expect(d.overheadSource).toBe('proc');
  });

  it('marks steal above 10 % after 5 ticks in a row, and clears the mark when it drops', () => {
    const m = new Model();
    const alerts: boolean[] = [];
    for (let t = 1; t <= 7; t++) alerts.push(tickAt(m, t, [dom(t, {}, 200)]).domains[0].stealAlert as boolean);
    // tick 1 has no rate; ticks 2..6 are five in a row above 10 % (mean of 20 % and 10 % = 15 %)
    expect(alerts).toEqual([false, false, false, false, false, true, true]);
    // Steal drops: the counters stop growing.
    const at8 = dom(8, {}, 0);
    const quiet = { ...at8, process: { ...(at8.process as ProcessSample), threads: (at8.process as ProcessSample).threads.map((th) => ({ ...th, runDelayNs: 7n * (th.vcpu === 0 ? 200n : 100n) * MS })) } };
    expect(tickAt(m, 8, [quiet]).domains[0]).toMatchObject({ stealPercent: 0, stealStreak: 0, stealAlert: false });
  });

  it('a custom threshold and tick count', () => {
    const m = new Model({ stealThresholdPercent: 20, stealTicks: 2 });
    const marks = [1, 2, 3, 4].map((t) => tickAt(m, t, [dom(t, {}, 300)]).domains[0].stealAlert);
    expect(marks).toEqual([false, false, true, true]);
  });

  it('keeps history of steal, overhead and contention caused', () => {
    const m = new Model();
    for (let t = 1; t <= 3; t++) tickAt(m, t, [dom(t, {}, 300), dom(t, { uuid: 'b', name: 'b' }, 300)]);
    const h = m.history('qemu:///system#a');
    expect(h?.metrics.stealPercent.toArray()).toEqual([null, 22.5, 22.5]);
    expect(h?.metrics.overheadCorePercent.toArray().map((v) => (v === null ? null : Math.round(v)))).toEqual([null, 10, 10]);
    // a and b share host CPU 1 and each waits 45 % of a core there: each caused 0.8 core × 0.45
    expect(h?.metrics.contentionCausedPercent.toArray().map((v) => (v === null ? null : Math.round(v * 10) / 10))).toEqual([null, 36, 36]);
  });
});

describe('Model: memory chain', () => {
  const NOW_S = 1_700_000_000;
  const bal = (over: Partial<ReturnType<typeof emptyBalloon>>) => ({ ...emptyBalloon(), currentKiB: 1_000_000n, maximumKiB: 2_000_000n, ...over });
  const at = (t: number) => ({ wallMs: (NOW_S + t) * 1000 });

  it('no stats period: "off" and no used figure (the guest’s boot-time report is not "used now")', () => {
    const m = new Model();
    const ds = dom(1, { balloon: bal({ availableKiB: 900_000n, unusedKiB: 800_000n, usableKiB: 850_000n, lastUpdateSec: BigInt(NOW_S - 600) }), balloonStatsPeriodSec: null });
    const d = tickAt(m, 1, [ds], at(1)).domains[0];
    expect(d.guestStats).toBe('off');
    expect(d.memUsedKiB).toBeNull();
    expect(d.memUsableKiB).toBeNull();
  });

  it('fresh stats: used shown; swap and major-fault rates over the guest’s report interval, held between reports', () => {
    const m = new Model();
    const mk = (t: number, last: number, swapIn: bigint, faults: bigint) =>
      dom(t, {
        balloon: bal({ availableKiB: 900_000n, unusedKiB: 700_000n, usableKiB: 750_000n, lastUpdateSec: BigInt(NOW_S + last), swapInKiB: swapIn, swapOutKiB: 0n, majorFaults: faults }),
        balloonStatsPeriodSec: 2,
      });
    tickAt(m, 1, [mk(1, 0, 1000n, 10n)], at(1));
    let d = tickAt(m, 2, [mk(2, 2, 1400n, 30n)], at(2)).domains[0];
    expect(d).toMatchObject({ guestStats: 'ok', memUsedKiB: 200_000, memUsableKiB: 750_000, swapInKiBPerSec: 200, swapOutKiBPerSec: 0, majorFaultsPerSec: 10 });
    d = tickAt(m, 3, [mk(3, 2, 1400n, 30n)], at(3)).domains[0]; // no new report this tick
    expect(d).toMatchObject({ swapInKiBPerSec: 200, majorFaultsPerSec: 10 });
    d = tickAt(m, 9, [mk(9, 2, 1400n, 30n)], at(9)).domains[0]; // 7 s old with a 2 s period
    expect(d.guestStats).toBe('stale');
    expect(d.guestStatsAgeSec).toBe(7);
    expect(d.memUsedKiB).toBe(200_000); // still shown, marked stale
  });
});

describe('Model: addresses and capacity', () => {
  it('merges looked-up addresses into the NICs by MAC', () => {
    const m = new Model();
    const ds = dom(1, {
      nics: [
        { name: 'vnet0', mac: '52:54:00:00:00:01', source: 'default', rxBytes: 0n, rxPkts: 0n, rxErrs: 0n, rxDrop: 0n, txBytes: 0n, txPkts: 0n, txErrs: 0n, txDrop: 0n },
        { name: 'vnet1', mac: '52:54:00:00:00:02', source: 'default', rxBytes: 0n, rxPkts: 0n, rxErrs: 0n, rxDrop: 0n, txBytes: 0n, txPkts: 0n, txErrs: 0n, txDrop: 0n },
      ],
      addresses: { source: 'lease', atWallMs: 0, error: null, interfaces: [{ name: 'vnet0', hwaddr: '52:54:00:00:00:01', addrs: [{ type: 'ipv4', addr: '192.168.122.7', prefix: 24 }] }] },
    });
    const d = tickAt(m, 1, [ds]).domains[0];
    expect(d.nics[0]).toMatchObject({ addrs: [{ type: 'ipv4', addr: '192.168.122.7', prefix: 24 }], addrSource: 'lease' });
    expect(d.nics[1]).toMatchObject({ addrs: [], addrSource: 'lease' });
    expect(d.addresses?.source).toBe('lease');
    // never looked up: no addresses at all, not "none found"
    expect(tickAt(new Model(), 1, [dom(1)]).domains[0].addresses).toBeNull();
  });

  it('puts capacity on connected hosts, none on a host slow to answer', () => {
    const m = new Model();
    const v = tickAt(m, 1, [dom(1, { balloon: { ...emptyBalloon(), currentKiB: 1024n, maximumKiB: 2048n } })]);
    expect(v.hosts[0].capacity).toMatchObject({ cpus: 4, vcpusActive: 2, overcommit: 0.5, memCurrentSumKiB: 1024, memMaxSumKiB: 2048 });
    const slow = m.ingest(snapshot(2, [host({ monoNs: 2n * SEC, domains: [], stale: true })]));
    expect(slow.hosts[0].capacity).toBeNull();
  });
});
