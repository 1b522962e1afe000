import { describe, expect, it } from 'vitest';
import { formatCpuTime, formatDuration, humanBytes, humanCount, humanKiB } from '../../../src/util/units.js';
import { decodeUf16, encodeUf16, RingBuffer } from '../../../src/util/ring.js';
import { mapLimit } from '../../../src/util/pool.js';

describe('humanBytes', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1536, '1.5K'],
    [123456, '121K'],
    [1024 * 1024 * 5.5, '5.5M'],
    [1024 ** 3 * 2, '2.0G'],
    [1024 * 1024 - 1, '1.0M'],
    [-2048, '-2.0K'],
    [null, '-'],
    [NaN, '-'],
  ])('%s -> %s', (v, want) => {
    expect(humanBytes(v as number | null)).toBe(want);
  });
  it('fits the requested width', () => {
    for (let e = 0; e < 60; e++) {
      const v = 2 ** e * 1.37;
      expect(humanBytes(v, 4).length, `value ${v}`).toBeLessThanOrEqual(4);
      expect(humanBytes(v, 5).length, `value ${v}`).toBeLessThanOrEqual(5);
    }
  });
  it('humanKiB scales from KiB', () => {
    expect(humanKiB(1024 * 1024)).toBe('1.0G');
    expect(humanKiB(null)).toBe('-');
  });
});

describe('humanCount', () => {
  it.each([
    [null, '-'],
    [0, '0'],
    [3.25, '3.3'],
    [42, '42'],
    [12345, '12345'],
    [123456, '123k'],
  ])('%s -> %s', (v, want) => {
    expect(humanCount(v)).toBe(want);
  });
});

describe('time formats', () => {
  it.each([
    [null, '-'],
    [0n, '0:00.00'],
    [61_500_000_000n, '1:01.50'],
    [3_661_000_000_000n, '1:01:01'],
    [90_061_000_000_000n, '1d01:01'],
  ])('formatCpuTime(%s) = %s', (ns, want) => {
    expect(formatCpuTime(ns as bigint | null)).toBe(want);
  });
  it.each([
    [null, '-'],
    [-1, '-'],
    [5, '0:05'],
    [3725, '01:02:05'],
    [90061, '1d 01:01:01'],
  ])('formatDuration(%s) = %s', (s, want) => {
    expect(formatDuration(s as number | null)).toBe(want);
  });
});
