import { describe, expect, it } from 'vitest';
import { parseByteSize } from '../../../src/cli/quantities.js';

describe('parseByteSize', () => {
  it.each([
    ['123', 123],
    ['64K', 65_536],
    ['64k', 65_536],
    ['500M', 524_288_000],
    ['500MB', 524_288_000],
    ['2G', 2_147_483_648],
    ['1.5GiB', 1_610_612_736],
    ['1T', 1_099_511_627_776],
    [' 10 M ', 10_485_760],
    ['', null],
    ['M', null],
    ['-5M', null],
    ['5X', null],
    ['1e9', null],
    ['99999999999T', null],
  ])('%j → %s', (text, want) => {
    expect(parseByteSize(text)).toBe(want);
  });
});
