import { describe, expect, it } from 'vitest';
import { center, cleanText, displayWidth, LineBuilder, padEnd, padStart, styledWidth, truncate, truncateStart } from '../../../src/ui/text.js';

describe('displayWidth', () => {
  it.each([
    ['web-01', 6],
    ['', 0],
    ['ünïcode', 7],
    ['e\u0301', 1],
    ['数据库', 6],
    ['한국', 4],
    ['😀', 2],
    ['⠿⠿', 2],
    ['│▼…', 3],
  ])('%j is %i cells', (s, w) => {
    expect(displayWidth(s)).toBe(w);
  });
});

describe('truncateStart', () => {
  it.each<[string, number, string]>([
    ['/var/lib/libvirt/images/db.qcow2', 40, '/var/lib/libvirt/images/db.qcow2'],
    ['/var/lib/libvirt/images/db.qcow2', 16, '…images/db.qcow2'],
    ['/srv/日本/a.img', 9, '…本/a.img'],
    ['/srv/日本/a.img', 8, '…/a.img'], // 本 is two cells wide: it does not fit in 8
    ['abc', 1, '…'],
    ['abc', 0, ''],
  ])('truncateStart(%j, %i) = %j', (s, w, want) => {
    expect(truncateStart(s, w)).toBe(want);
    expect(displayWidth(truncateStart(s, w))).toBeLessThanOrEqual(Math.max(w, 0));
  });
});

describe('truncate / pad', () => {
  it.each([
    ['web-01', 10, 'web-01'],
    ['a-very-long-domain-name', 10, 'a-very-lo…'],
    ['abc', 1, '…'],
    ['abc', 0, ''],
    ['数据库服务器', 7, '数据库…'],
    ['数据库服务器', 8, '数据库…'],
  ])('truncate(%j, %i)', (s, w, want) => {
    expect(truncate(s, w)).toBe(want);
    expect(displayWidth(truncate(s, w))).toBeLessThanOrEqual(w);
  });

  it('pads to exact widths, wide characters included', () => {
    expect(padEnd('ab', 4)).toBe('ab  ');
    expect(padStart('ab', 4)).toBe('  ab');
    expect(displayWidth(padEnd('数据库服务器', 8))).toBe(8);
    expect(displayWidth(padStart('数据库服务器', 9))).toBe(9);
    expect(center('ab', 6)).toBe('  ab  ');
  });
});

describe('cleanText', () => {
  it('escapes control characters, C1 controls and bidi overrides', () => {
    expect(cleanText('evil\x1b[2Jname')).toBe('evil\\x1b[2Jname');
    expect(cleanText('a\u009bb')).toBe('a\\x9bb');
    expect(cleanText('abc\u202edef')).toBe('abc\\u202edef');
    expect(cleanText('zero\u200bwidth')).toBe('zero\\u200bwidth');
    expect(cleanText('plain {bold} name')).toBe('plain {bold} name');
  });
});

describe('LineBuilder', () => {
  it('builds lines of exactly the width, cutting and padding', () => {
    const lb = new LineBuilder(10, '<R>');
    lb.add('abc', '<S>').add('defghijkl');
    expect(lb.toString()).toBe('<S>abc<R>defghij');
    const short = new LineBuilder(6, '').add('ab').addRight('z');
    expect(short.toString()).toBe('ab   z');
    expect(styledWidth('\x1b[1mab\x1b[0m')).toBe(2);
  });
});
