import { describe, expect, it } from 'vitest';
import { counterRate, cpuPercent, guestUsedKiB, measuredElapsedNs, percentOf, scanElapsedNs, sumAvailable, sumCounters, sumKnown } from '../../../src/model/rates.js';

const SEC = 1_000_000_000n;

describe('counterRate', () => {
  it.each([
    { name: 'steady counter', prev: 1000n, cur: 3000n, elapsed: 2n * SEC, want: 1000 },
    { name: 'no change', prev: 5n, cur: 5n, elapsed: SEC, want: 0 },
    { name: 'half a second', prev: 0n, cur: 500n, elapsed: SEC / 2n, want: 1000 },
    { name: 'counter went backwards (guest restart)', prev: 9000n, cur: 10n, elapsed: SEC, want: null },
    { name: 'unknown previous', prev: null, cur: 10n, elapsed: SEC, want: null },
    { name: 'unknown current', prev: 10n, cur: null, elapsed: SEC, want: null },
    { name: 'zero elapsed', prev: 1n, cur: 2n, elapsed: 0n, want: null },
    { name: 'negative elapsed', prev: 1n, cur: 2n, elapsed: -5n, want: null },
  ])('$name', ({ prev, cur, elapsed, want }) => {
    expect(counterRate(prev, cur, elapsed)).toBe(want);
  });

  it('is exact for counters above 2^53 (long-running big guests)', () => {
    // 2^60 ns of CPU time: Number() of either value alone would round by ~128 ns.
    const prev = 2n ** 60n + 1n;
    const cur = prev + 1_500_000_003n;
    expect(Number(prev) + 1_500_000_003 === Number(cur)).toBe(true); // doubles can't tell these apart precisely
    expect(counterRate(prev, cur, SEC)).toBe(1_500_000_003);
  });
});

describe('cpuPercent', () => {
  it.each([
    { name: 'one core busy on a 4-CPU host', d: SEC, cpus: 4, want: 25 },
    { name: 'two cores busy of 2 vCPUs', d: 2n * SEC, cpus: 2, want: 100 },
    { name: 'idle', d: 0n, cpus: 8, want: 0 },
    { name: 'unknown CPU count', d: SEC, cpus: null, want: null },
    { name: 'zero CPUs', d: SEC, cpus: 0, want: null },
  ])('$name', ({ d, cpus, want }) => {
    expect(cpuPercent(10n, 10n + d, SEC, cpus)).toBe(want);
  });
  it('never negative when cpu time resets', () => {
    expect(cpuPercent(10n * SEC, SEC, SEC, 4)).toBeNull();
  });
});

describe('sums and memory', () => {
  it('sumKnown needs every value', () => {
    expect(sumKnown([1, 2, 3])).toBe(6);
    expect(sumKnown([1, null])).toBeNull();
    expect(sumKnown([])).toBeNull();
  });
  it('sumAvailable skips unknowns but is null when all are', () => {
    expect(sumAvailable([1, null, 2])).toBe(3);
    expect(sumAvailable([null, null])).toBeNull();
    expect(sumAvailable([])).toBeNull();
  });
  it('sumCounters', () => {
    expect(sumCounters([2n ** 60n, 1n])).toBe(2n ** 60n + 1n);
    expect(sumCounters([1n, null])).toBeNull();
  });
  it.each([
    { avail: 1000n, unused: 250n, want: 750n },
    { avail: null, unused: 250n, want: null },
    { avail: 1000n, unused: null, want: null },
    { avail: 100n, unused: 200n, want: null },
  ])('guestUsedKiB($avail, $unused) = $want', ({ avail, unused, want }) => {
    expect(guestUsedKiB(avail, unused)).toBe(want);
  });
  it('percentOf', () => {
    expect(percentOf(1, 4)).toBe(25);
    expect(percentOf(1n, 4n)).toBe(25);
    expect(percentOf(null, 4)).toBeNull();
    expect(percentOf(1, 0)).toBeNull();
  });
});

describe('measuredElapsedNs', () => {
  const MS = 1_000_000n;
  it.each([
    { name: 'no stamps: fall back to the host interval', prev: {}, cur: {}, want: 2000n * MS },
    { name: 'equal spans cancel out', prev: { monoNs: 0n, spanNs: 300n * MS }, cur: { monoNs: 1000n * MS, spanNs: 300n * MS }, want: 1000n * MS },
    { name: 'small difference is tolerated', prev: { monoNs: 0n, spanNs: 10n * MS }, cur: { monoNs: 1000n * MS, spanNs: 150n * MS }, want: 1000n * MS },
    { name: 'one call blocked: withheld', prev: { monoNs: 0n, spanNs: 1500n * MS }, cur: { monoNs: 1000n * MS, spanNs: 5n * MS }, want: null },
    { name: 'time went backwards', prev: { monoNs: 5n, spanNs: 0n }, cur: { monoNs: 5n, spanNs: 0n }, want: null },
  ])('$name', ({ prev, cur, want }) => {
    expect(measuredElapsedNs(prev, cur, 2000n * MS)).toBe(want);
  });
});

describe('scanElapsedNs', () => {
  const MS = 1_000_000n;
  it.each([
    { name: 'no stamps: fall back to the host interval', prev: {}, cur: {}, want: 500n * MS },
    { name: 'short scans: the stamps are the interval', prev: { monoNs: 0n, spanNs: 1n * MS }, cur: { monoNs: 500n * MS, spanNs: 2n * MS }, want: 500n * MS },
    // equal long spans do not cancel for a scan: a thread read early in one and late in the other
    { name: 'two long scans: withheld', prev: { monoNs: 0n, spanNs: 60n * MS }, cur: { monoNs: 500n * MS, spanNs: 60n * MS }, want: null },
    { name: 'one stalled scan: withheld', prev: { monoNs: 0n, spanNs: 1n * MS }, cur: { monoNs: 500n * MS, spanNs: 120n * MS }, want: null },
    { name: 'at the limit: kept', prev: { monoNs: 0n, spanNs: 50n * MS }, cur: { monoNs: 500n * MS, spanNs: 50n * MS }, want: 500n * MS },
    { name: 'time went backwards', prev: { monoNs: 5n, spanNs: 0n }, cur: { monoNs: 4n, spanNs: 0n }, want: null },
  ])('$name', ({ prev, cur, want }) => {
    expect(scanElapsedNs(prev, cur, 500n * MS)).toBe(want);
  });

  it('is stricter than the libvirt-call rule only where spans are long on both sides', () => {
    const prev = { monoNs: 0n, spanNs: 60n * MS };
    const cur = { monoNs: 500n * MS, spanNs: 60n * MS };
    expect(measuredElapsedNs(prev, cur, 0n)).toBe(500n * MS);
    expect(scanElapsedNs(prev, cur, 0n)).toBeNull();
  });
});
