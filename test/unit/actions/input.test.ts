import { describe, expect, it } from 'vitest';
import { BALLOON_FLOOR_KIB, formatKiB, parseMemoryTarget, parseVcpuTarget } from '../../../src/actions/input.js';

const MiB = 1024;
const limits = { currentKiB: 256 * MiB, maxKiB: 1024 * MiB };

describe('parseMemoryTarget', () => {
  it.each([
    ['768M', 768 * MiB],
    ['768m', 768 * MiB],
    ['768', 768 * MiB],
    ['0.5G', 512 * MiB],
    ['1G', 1024 * MiB],
    ['131072K', 128 * MiB],
    ['192MiB', 192 * MiB],
    ['+256M', 512 * MiB],
    ['-64M', 192 * MiB],
    ['-25%', 192 * MiB],
    ['+100%', 512 * MiB],
    ['  200M ', 200 * MiB],
    ['-5', 251 * MiB],
  ])('%j -> %d KiB', (text, kib) => {
    expect(parseMemoryTarget(text, limits)).toEqual({ ok: true, value: kib });
  });

  it.each([
    ['', /enter a size/],
    ['abc', /not a size/],
    ['-1G', /would leave no memory/],
    ['12Q', /unknown unit 'Q'/],
    ['10%', /percentage must be relative/],
    ['2G', /above the domain's maximum of 1 GiB/],
    ['32M', /below the 64 MiB floor/],
    ['-300M', /would leave no memory/],
    ['-200M', /below the 64 MiB floor/],
    ['1e9', /not a size/],
    ['NaN', /not a size/],
    ['--5M', /not a size/],
    ['99999999999999999999999T', /too large|above/],
  ])('%j is refused: %s', (text, msg) => {
    const r = parseMemoryTarget(text, limits);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(msg);
  });

  it('relative sizes need a known current size', () => {
    const r = parseMemoryTarget('+10%', { currentKiB: null, maxKiB: null });
    expect(r.ok).toBe(false);
    expect(parseMemoryTarget('512M', { currentKiB: null, maxKiB: null })).toEqual({ ok: true, value: 512 * MiB });
  });

  it('accepts exactly the floor and exactly the maximum', () => {
    expect(parseMemoryTarget('64M', limits)).toEqual({ ok: true, value: BALLOON_FLOOR_KIB });
    expect(parseMemoryTarget('1024M', limits)).toEqual({ ok: true, value: 1024 * MiB });
  });

  it('never throws on garbage', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const alphabet = '0123456789.+-%kKmMgGtTiIbB eE\u0000\n';
    for (let i = 0; i < 1000; i++) {
      let s = '';
      for (let j = Math.floor(rnd() * 12); j > 0; j--) s += alphabet[Math.floor(rnd() * alphabet.length)];
      const r = parseMemoryTarget(s, limits);
      if (r.ok) {
        expect(r.value).toBeGreaterThanOrEqual(BALLOON_FLOOR_KIB);
        expect(r.value).toBeLessThanOrEqual(limits.maxKiB);
      }
    }
  });
});

describe('parseVcpuTarget', () => {
  it.each([
    ['4', 2, 8, 4],
    ['+1', 2, 8, 3],
    ['-1', 2, 8, 1],
    ['8', 1, 8, 8],
    [' 3 ', 1, null, 3],
  ])('%j (current %d, max %s) -> %d', (text, cur, max, want) => {
    expect(parseVcpuTarget(text, cur, max)).toEqual({ ok: true, value: want });
  });
  it.each([
    ['', 2, 8, /enter a vCPU count/],
    ['0', 2, 8, /at least 1 vCPU/],
    ['-2', 2, 8, /at least 1 vCPU/],
    ['9', 2, 8, /above the domain's maximum of 8/],
    ['+7', 2, 8, /above/],
    ['1.5', 2, 8, /not a whole number/],
    ['two', 2, 8, /not a whole number/],
    ['+1', null, 8, /unknown/],
  ])('%j (current %s, max %s) is refused', (text, cur, max, msg) => {
    const r = parseVcpuTarget(text as string, cur as number | null, max as number | null);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(msg as RegExp);
  });
});

it('formatKiB', () => {
  expect(formatKiB(1024 * 1024)).toBe('1 GiB');
  expect(formatKiB(192 * 1024)).toBe('192 MiB');
  expect(formatKiB(1536)).toBe('1.5 MiB');
  expect(formatKiB(12)).toBe('12 KiB');
});
