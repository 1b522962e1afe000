import { describe, expect, it } from 'vitest';
import { formatCpuTime, formatDuration, humanBytes, humanCount, humanKiB, parseDurationSec } from '../../../src/util/units.js';
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

describe('RingBuffer', () => {
  it('keeps the newest values up to capacity, oldest first', () => {
    const r = new RingBuffer(3);
    for (const v of [1, 2, 3, 4, 5]) r.push(v);
    expect(r.length).toBe(3);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.last()).toBe(5);
    expect(r.at(5)).toBeNull();
  });
  it('stores unknowns as gaps, not zeros', () => {
    const r = new RingBuffer(4);
    r.push(1);
    r.push(null);
    r.push(0);
    expect(r.toArray()).toEqual([1, null, 0]);
  });
  it('rejects a bad capacity', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
  });
});

describe('mapLimit', () => {
  it('keeps order and bounds concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (v) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, v));
      inFlight--;
      return v * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });
  it('handles an empty list', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});

describe('RingBuffer storage kinds', () => {
  it('f32 keeps ~7 digits and gaps', () => {
    const r = new RingBuffer(3, 'f32');
    r.push(123456.789);
    r.push(null);
    expect(r.at(0)).toBeCloseTo(123456.79, 1);
    expect(r.at(1)).toBeNull();
    expect(r.bytes).toBe(12);
  });
  it('pct16 keeps percentages to 0.1, clamps, and keeps gaps', () => {
    const r = new RingBuffer(5, 'pct16');
    for (const v of [12.34, 0, null, 99999, -3]) r.push(v);
    expect(r.toArray()).toEqual([12.3, 0, null, 6553.4, 0]);
    expect(r.bytes).toBe(10);
  });
  it.each([
    // value, what comes back
    [0, 0],
    [1, 1],
    [0.5, 0.5],
    [196608, 196608], // 192 MiB in KiB: exact
    [1.5 * 2 ** 30, 1.5 * 2 ** 30],
    [-5, 0], // never produced by the model; not a wrap-around
    [1e-6, 0], // below the smallest step
    [Infinity, 2 ** 47 * (2 - 2 / 1024)], // the largest code, not the gap
    [1e20, 2 ** 47 * (2 - 2 / 1024)],
  ])('uf16 stores %s as %s', (v, want) => {
    expect(decodeUf16(encodeUf16(v))).toBe(want);
  });
  it('uf16 keeps gaps as gaps', () => {
    expect(decodeUf16(encodeUf16(null))).toBeNull();
    expect(decodeUf16(encodeUf16(NaN))).toBeNull();
  });
  it('uf16 stays within 0.05 % across the range rates and sizes take', () => {
    let worst = 0;
    for (let e = -10; e <= 46; e += 0.37) {
      for (const f of [1, 1.0004, 1.3333, 1.9999]) {
        const v = 2 ** e * f;
        worst = Math.max(worst, Math.abs((decodeUf16(encodeUf16(v)) as number) - v) / v);
      }
    }
    expect(worst).toBeGreaterThan(0); // it is lossy
    expect(worst).toBeLessThan(0.0005);
  });
  it('uf16 rings take two bytes a sample and round-trip through at()', () => {
    const r = new RingBuffer(4, 'uf16');
    for (const v of [1024, null, 12345678, 0]) r.push(v);
    expect(r.bytes).toBe(8);
    expect(r.at(0)).toBe(1024);
    expect(r.at(1)).toBeNull();
    expect(Math.abs((r.at(2) as number) - 12345678) / 12345678).toBeLessThan(0.0005);
    expect(r.last()).toBe(0);
  });
});

describe('parseDurationSec (the command line and the J prompt)', () => {
  it.each([
    ['90', 90],
    ['30s', 30],
    ['15m', 900],
    ['1h30m', 5400],
    ['1h 30m', 5400],
    [' 2 m ', 120],
    ['7d', 604_800],
    ['1.5h', 5400],
    ['2H', 7200],
    ['', null],
    ['h', null],
    ['1h30', null],
    ['-5m', null],
    ['+5m', null],
    ['5w', null],
  ])('%j → %s', (text, want) => {
    expect(parseDurationSec(text)).toBe(want);
  });
});
