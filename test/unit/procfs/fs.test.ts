// nodeProcFs on the real /proc: files made of many records come a page at
// a time, so a short read is not the end of them.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeProcFs, type ProcHandles } from '../../../src/procfs/fs.js';

// /proc/crypto: a seq_file of many records, about 11 KiB, that does not change
// while the machine runs; its first read() hands over about 4 KiB.
const LONG = '/proc/crypto';
const usable = existsSync(LONG) && readFileSync(LONG, 'utf8').length > 8192;

describe.runIf(usable)('nodeProcFs reads a multi-page seq_file whole', () => {
  const want = readFileSync(LONG, 'utf8');

  it.each([
    ['async', false],
    ['sync', true],
  ])('readFile (%s)', async (_how, sync) => {
    const r = await nodeProcFs('', { sync }).readFile(LONG);
    expect(r.ok && r.value.length).toBe(want.length);
    expect(r.ok && r.value).toBe(want);
  });

  it('a kept handle, read again and again from offset 0', () => {
    const h = nodeProcFs().handles as ProcHandles;
    const fd = h.open(LONG);
    if (!fd.ok) throw new Error(fd.error);
    try {
      for (let i = 0; i < 3; i++) {
        const r = h.read(fd.value);
        expect(r.ok && r.value).toBe(want);
      }
    } finally {
      h.close(fd.value);
    }
  });
});

describe('nodeProcFs reads a small file in one go', () => {
  it('a process stat, through a kept handle', () => {
    const h = nodeProcFs().handles as ProcHandles;
    const fd = h.open('/proc/self/stat');
    if (!fd.ok) throw new Error(fd.error);
    try {
      const r = h.read(fd.value);
      expect(r.ok && r.value).toMatch(new RegExp(`^${process.pid} \\(`));
      expect(r.ok && r.value.endsWith('\n')).toBe(true);
    } finally {
      h.close(fd.value);
    }
  });
});
