import { describe, expect, it } from 'vitest';
import { emptyBalloon } from '../../../src/collector/bulk.js';
import {
  contentionCaused,
  guestCounterRate,
  guestStatsState,
  libvirtOverheadNs,
  meanSteal,
  nextStealStreak,
  nicAddresses,
  overhead,
  primaryAddress,
  procOverheadNs,
  type ContentionInput,
} from '../../../src/model/insight.js';
import type { DomainAddresses, ProcessSample, ThreadSample, VhostSample } from '../../../src/types/sample.js';
import { domain, SEC } from '../../helpers/samples.js';

const MS = 1_000_000n;

function thread(tid: number, comm: string, cpuMs: number, vcpu: number | null = null): ThreadSample {
  return { tid, comm, vcpu, cpuTimeNs: BigInt(cpuMs) * MS, runDelayNs: 0n, lastCpu: 0 };
}

function proc(totalMs: number | null, threads: ThreadSample[], vhost?: VhostSample[], pid = 100): ProcessSample {
  return {
    pid,
    rssKiB: 1,
    ioReadBytes: null,
    ioWriteBytes: null,
    cpuTimeNs: totalMs === null ? null : BigInt(totalMs) * MS,
    threads,
    error: null,
    ...(vhost ? { vhost } : {}),
  };
}

describe('procOverheadNs', () => {
  const v0 = (ms: number) => thread(101, 'CPU 0/KVM', ms, 0);
  const v1 = (ms: number) => thread(102, 'CPU 1/KVM', ms, 1);
  const emu = (ms: number) => thread(100, 'qemu-system-x86', ms);
  it.each<[string, ProcessSample, ProcessSample, bigint | null]>([
    // total grew 1000 ms, vCPUs 700 ms: 300 ms of emulator, IO threads, workers (also exited ones)
    ['process total minus vCPU threads', proc(1000, [emu(100), v0(500), v1(400)]), proc(2000, [emu(300), v0(900), v1(700)]), 300n * MS],
    // a vhost_task inside QEMU (Linux >= 6.4) is in the total already: not added again
    [
      'in-process vhost is not counted twice',
      proc(1000, [emu(100), v0(500)], [{ tid: 150, cpuTimeNs: 50n * MS, inQemuProcess: true }]),
      proc(2000, [emu(300), v0(1300)], [{ tid: 150, cpuTimeNs: 250n * MS, inQemuProcess: true }]),
      200n * MS,
    ],
    // a vhost kernel thread (before 6.4) is outside the process: added
    [
      'vhost kernel thread outside the process is added',
      proc(1000, [emu(100), v0(500)], [{ tid: 4300, cpuTimeNs: 50n * MS, inQemuProcess: false }]),
      proc(2000, [emu(300), v0(1300)], [{ tid: 4300, cpuTimeNs: 170n * MS, inQemuProcess: false }]),
      320n * MS,
    ],
    ['a new vhost worker has no previous reading: not counted', proc(1000, [v0(500)]), proc(2000, [v0(1300)], [{ tid: 9, cpuTimeNs: 5n * SEC, inQemuProcess: false }]), 200n * MS],
    ['tick rounding below zero clamps to 0', proc(1000, [v0(500)]), proc(1990, [v0(1500)]), 0n],
    ['another QEMU (restart)', proc(1000, [v0(500)]), proc(2000, [v0(900)], undefined, 101), null],
    ['vCPU hot-plugged in between', proc(1000, [v0(500)]), proc(2000, [v0(900), v1(10)]), null],
    ['no vCPU threads (threads not read)', proc(1000, []), proc(2000, []), null],
    ['process time unknown', proc(null, [v0(500)]), proc(2000, [v0(900)]), null],
    ['a vCPU counter that went back', proc(1000, [v0(500)]), proc(2000, [v0(400)]), null],
  ])('%s', (_name, a, b, want) => {
    expect(procOverheadNs(a, b)).toBe(want);
  });
});

describe('libvirtOverheadNs', () => {
  const vc = (vcpu: number, timeMs: number | null, state = 1) => ({ vcpu, state, timeNs: timeMs === null ? null : BigInt(timeMs) * MS, waitNs: null, delayNs: null });
  it.each<[string, Parameters<typeof libvirtOverheadNs>[0], Parameters<typeof libvirtOverheadNs>[1], bigint | null]>([
    ['cpu.time minus Σ vcpu.N.time', domain({ uuid: 'a', cpuTimeNs: 1000n * MS, vcpus: [vc(0, 400), vc(1, 100)] }), domain({ uuid: 'a', cpuTimeNs: 2000n * MS, vcpus: [vc(0, 1000), vc(1, 200)] }), 300n * MS],
    ['offline vCPUs are left out', domain({ uuid: 'a', cpuTimeNs: 0n, vcpus: [vc(0, 0), vc(1, null, 0)] }), domain({ uuid: 'a', cpuTimeNs: 1000n * MS, vcpus: [vc(0, 800), vc(1, null, 0)] }), 200n * MS],
    ['an unknown vCPU time makes it unknown', domain({ uuid: 'a', cpuTimeNs: 0n, vcpus: [vc(0, null)] }), domain({ uuid: 'a', cpuTimeNs: 1000n * MS, vcpus: [vc(0, 800)] }), null],
    ['no per-vCPU stats', domain({ uuid: 'a', cpuTimeNs: 0n }), domain({ uuid: 'a', cpuTimeNs: 1000n * MS }), null],
    ['vCPUs ahead of cpu.time (sampling skew) gives 0, not negative', domain({ uuid: 'a', cpuTimeNs: 0n, vcpus: [vc(0, 0)] }), domain({ uuid: 'a', cpuTimeNs: 100n * MS, vcpus: [vc(0, 120)] }), 0n],
  ])('%s', (_name, a, b, want) => {
    expect(libvirtOverheadNs(a, b)).toBe(want);
  });
});

describe('overhead', () => {
  it('uses /proc when both samples have the QEMU threads, timed by the /proc reads', () => {
    const a = domain({ uuid: 'a', process: { ...proc(0, [thread(1, 'CPU 0/KVM', 0, 0)]), monoNs: 10n * SEC, spanNs: 0n } });
    const b = domain({ uuid: 'a', process: { ...proc(3000, [thread(1, 'CPU 0/KVM', 2500, 0)]), monoNs: 12n * SEC, spanNs: 0n } });
    // 500 ms over 2 s: 25 % of a core, 6.25 % of a 4-CPU host
    expect(overhead(a, b, 5n * SEC, 5n * SEC, 4)).toEqual({ corePercent: 25, percent: 6.25, source: 'proc' });
  });
  it('falls back to libvirt without /proc, timed by the stats calls', () => {
    const vc = (t: number) => [{ vcpu: 0, state: 1, timeNs: BigInt(t) * MS, waitNs: null, delayNs: null }];
    const a = domain({ uuid: 'a', cpuTimeNs: 0n, vcpus: vc(0) });
    const b = domain({ uuid: 'a', cpuTimeNs: 1000n * MS, vcpus: vc(900) });
    expect(overhead(a, b, 1n * SEC, 1n * SEC, 2)).toEqual({ corePercent: 10, percent: 5, source: 'libvirt' });
  });
  it('is unknown on the first sample or when the host CPU count is', () => {
    expect(overhead(null, domain({ uuid: 'a' }), SEC, SEC, 4)).toEqual({ percent: null, corePercent: null, source: null });
    const vc = (t: number) => [{ vcpu: 0, state: 1, timeNs: BigInt(t) * MS, waitNs: null, delayNs: null }];
    expect(overhead(domain({ uuid: 'a', cpuTimeNs: 0n, vcpus: vc(0) }), domain({ uuid: 'a', cpuTimeNs: 100n * MS, vcpus: vc(0) }), SEC, SEC, null)).toEqual({
      percent: null,
      corePercent: 10,
      source: 'libvirt',
    });
  });
});

describe('meanSteal', () => {
  it.each<[(number | null)[], number | null]>([
    [[90, 30], 60],
    [[10], 10],
    [[10, null], null],
    [[], null],
  ])('%j → %j', (per, want) => {
    expect(meanSteal(per)).toBe(want);
  });
});

describe('guestStatsState', () => {
  const NOW = 1_700_000_000_000;
  const b = (over: Partial<ReturnType<typeof emptyBalloon>>) => ({ ...emptyBalloon(), ...over });
  const at = (secAgo: number) => BigInt(NOW / 1000 - secAgo);
  it.each<[string, Parameters<typeof guestStatsState>[0], boolean, string, number | null]>([
    ['fresh report within 3 periods', { balloon: b({ lastUpdateSec: at(2), availableKiB: 10n, unusedKiB: 5n }), hasBalloon: true, balloonStatsPeriodSec: 1 }, true, 'ok', 2],
    ['older than 3 periods is stale', { balloon: b({ lastUpdateSec: at(7) }), hasBalloon: true, balloonStatsPeriodSec: 2 }, true, 'stale', 7],
    ['no period: off even with the boot-time report', { balloon: b({ lastUpdateSec: at(500), availableKiB: 10n, unusedKiB: 5n }), hasBalloon: true, balloonStatsPeriodSec: null }, true, 'off', 500],
    ['no period, no report: off', { balloon: b({}), hasBalloon: true, balloonStatsPeriodSec: null }, true, 'off', null],
    ['no period, figures without a stamp (test driver): taken as they are', { balloon: b({ availableKiB: 10n, unusedKiB: 5n }), hasBalloon: true, balloonStatsPeriodSec: null }, true, 'ok', null],
    ['period set, nothing reported yet', { balloon: b({}), hasBalloon: true, balloonStatsPeriodSec: 5 }, true, 'waiting', null],
    ['no balloon device', { balloon: b({}), hasBalloon: false, balloonStatsPeriodSec: null }, true, 'no-balloon', null],
    ['XML unknown, report 20 s old: judged by an assumed 10 s period', { balloon: b({ lastUpdateSec: at(20) }), hasBalloon: null, balloonStatsPeriodSec: null }, true, 'ok', 20],
    ['XML unknown, report 40 s old: stale', { balloon: b({ lastUpdateSec: at(40) }), hasBalloon: null, balloonStatsPeriodSec: null }, true, 'stale', 40],
    ['not running', { balloon: b({ lastUpdateSec: at(1) }), hasBalloon: true, balloonStatsPeriodSec: 1 }, false, 'unknown', null],
  ])('%s', (_name, ds, active, state, age) => {
    expect(guestStatsState(ds, active, NOW)).toEqual({ state, ageSec: age });
  });

  // A stamp that cannot be true (0, or before QEMU started) is unknown, not an age of decades.
  const STARTED = NOW - 3_600_000; // QEMU started an hour ago
  it.each<[string, bigint | null, Parameters<typeof guestStatsState>[0]['balloon'], string, number | null]>([
    ['a stamp of 0 with figures: as reported, age unknown', 0n, b({ availableKiB: 10n, unusedKiB: 5n }), 'ok', null],
    ['a stamp from 1970 (the test driver’s constant) with figures: age unknown', 627n, b({ availableKiB: 10n, unusedKiB: 5n }), 'ok', null],
    ['a stamp from before QEMU started, no figures: waiting for the first report', at(7200), b({}), 'waiting', null],
    ['a stamp a second before the start (whole seconds): kept', BigInt(STARTED / 1000 - 1), b({}), 'stale', 3601],
    ['a stamp after the start: its age', at(4), b({}), 'ok', 4],
  ])('%s', (_name, stamp, balloon, state, age) => {
    const ds = { balloon: { ...balloon, lastUpdateSec: stamp }, hasBalloon: true, balloonStatsPeriodSec: 5 };
    expect(guestStatsState(ds, true, NOW, STARTED)).toEqual({ state, ageSec: age });
  });
});

describe('guestCounterRate', () => {
  it.each<[string, Parameters<typeof guestCounterRate>, number | null]>([
    ['divides by the guest report interval', [100n, 300n, 1000n, 1002n, 1n * SEC, null], 100],
    ['no new report: keeps the previous rate (not 0)', [300n, 300n, 1002n, 1002n, 1n * SEC, 100], 100],
    ['no new report and no previous rate: unknown', [300n, 300n, 1002n, 1002n, 1n * SEC, null], null],
    ['report time went back (guest restarted): unknown', [300n, 10n, 1002n, 5n, 1n * SEC, 7], null],
    ['without report times: the stats interval', [100n, 300n, null, null, 2n * SEC, null], 100],
    ['counter unknown', [null, 300n, 1000n, 1001n, 1n * SEC, null], null],
  ])('%s', (_name, args, want) => {
    expect(guestCounterRate(...args)).toBe(want);
  });
});

describe('contentionCaused', () => {
  const d = (key: string, vcpuThreads: ContentionInput['vcpuThreads'], over: Partial<ContentionInput> = {}): ContentionInput => ({
    key,
    active: true,
    cpuCorePercent: null,
    stealPercent: null,
    vcpus: vcpuThreads.length,
    vcpuThreads,
    ...over,
  });
  it('with placement: CPU used on a CPU times the share others waited for it', () => {
    // A and B share CPU 1 and wait for each other; C is alone on CPU 0 and waits for nobody else.
    const out = contentionCaused(
      [
        d('A', [{ lastCpu: 1, cpuPercent: 50, waitPercent: 50 }]),
        d('B', [{ lastCpu: 1, cpuPercent: 50, waitPercent: 50 }, { lastCpu: 0, cpuPercent: 0, waitPercent: 0 }]),
        d('C', [{ lastCpu: 0, cpuPercent: 100, waitPercent: 0 }]),
      ],
      2,
    );
    expect(out[0]).toBeCloseTo(25, 9); // 0.5 core × B waited 50 % of the time
    expect(out[1]).toBeCloseTo(25, 9);
    expect(out[2]).toBe(0);
  });
  it('with placement: others waiting more than the interval count once (capped at 1)', () => {
    const out = contentionCaused(
      [d('A', [{ lastCpu: 0, cpuPercent: 40, waitPercent: 0 }]), d('B', [{ lastCpu: 0, cpuPercent: 30, waitPercent: 80 }]), d('C', [{ lastCpu: 0, cpuPercent: 30, waitPercent: 90 }])],
      1,
    );
    expect(out[0]).toBeCloseTo(40, 9);
  });
  it('with placement: unknown thread figures make that domain unknown, inactive ones too', () => {
    const out = contentionCaused([d('A', [{ lastCpu: 0, cpuPercent: null, waitPercent: 1 }]), d('B', [], { active: false })], 1);
    expect(out[0]).toBeNull();
    expect(out[1]).toBeNull();
  });
  it('without placement (remote host): its CPU times the others waiting over the host CPUs', () => {
    const nop = (n: number) => Array.from({ length: n }, () => ({ lastCpu: null, cpuPercent: 10, waitPercent: 10 }));
    const out = contentionCaused(
      [
        d('A', nop(2), { cpuCorePercent: 150, stealPercent: 0, vcpus: 2 }),
        d('B', nop(4), { cpuCorePercent: 50, stealPercent: 50, vcpus: 4 }), // 2 vCPUs' worth waiting
        d('C', nop(1), { cpuCorePercent: null, stealPercent: 10, vcpus: 1 }),
      ],
      4,
    );
    expect(out[0]).toBeCloseTo(150 * ((2 + 0.1) / 4), 9);
    expect(out[1]).toBeCloseTo(50 * (0.1 / 4), 9);
    expect(out[2]).toBeNull();
  });
});

describe('nextStealStreak', () => {
  it.each<[number, number | null, number]>([
    [0, 12, 1],
    [4, 11, 5],
    [4, 10, 0], // at the threshold is not above it
    [3, null, 3], // an unknown tick neither extends nor breaks it
  ])('%i then %j → %i', (streak, steal, want) => {
    expect(nextStealStreak(streak, steal, 10)).toBe(want);
  });
});

describe('addresses', () => {
  const A: DomainAddresses = {
    source: 'agent',
    atWallMs: 0,
    error: null,
    interfaces: [
      { name: 'lo', hwaddr: '00:00:00:00:00:00', addrs: [{ type: 'ipv4', addr: '127.0.0.1', prefix: 8 }, { type: 'ipv6', addr: '::1', prefix: 128 }] },
      { name: 'eth0', hwaddr: '52:54:00:aa:bb:cc', addrs: [{ type: 'ipv6', addr: 'fe80::1', prefix: 64 }, { type: 'ipv6', addr: '2001:db8::5', prefix: 64 }] },
      { name: 'eth1', hwaddr: '52:54:00:aa:bb:dd', addrs: [{ type: 'ipv4', addr: '192.168.122.5', prefix: 24 }] },
    ],
  };
  it('matches a NIC by MAC, case-insensitively', () => {
    expect(nicAddresses(A, '52:54:00:AA:BB:DD')).toEqual({ addrs: [{ type: 'ipv4', addr: '192.168.122.5', prefix: 24 }], source: 'agent' });
    expect(nicAddresses(A, '52:54:00:00:00:99')).toEqual({ addrs: [], source: 'agent' });
    expect(nicAddresses(null, '52:54:00:aa:bb:dd')).toBeNull();
  });
  it.each<[string, DomainAddresses | null, string | null]>([
    ['global IPv4 first, never loopback', A, '192.168.122.5'],
    ['then global IPv6 over link-local', { ...A, interfaces: A.interfaces.slice(0, 2) }, '2001:db8::5'],
    ['link-local when that is all', { ...A, interfaces: [{ name: 'eth0', hwaddr: null, addrs: [{ type: 'ipv6', addr: 'fe80::1', prefix: 64 }] }] }, 'fe80::1'],
    ['only loopback: nothing', { ...A, interfaces: A.interfaces.slice(0, 1) }, null],
    ['not looked up', null, null],
  ])('primaryAddress: %s', (_name, a, want) => {
    expect(primaryAddress(a)?.addr ?? null).toBe(want);
  });
});
