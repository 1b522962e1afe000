// nodeProcFs on the real /proc: files made of many records come a page at
// a time, so a short read is not the end of them.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KeptOpenFile, keptOpenProcFs, nodeProcFs, type ProcHandles } from '../../../src/procfs/fs.js';
import { memoryProcFs } from '../../helpers/memory-procfs.js';

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

describe('KeptOpenFile', () => {
  it('reads through one handle, closes it on a failed read, and opens the path afresh after', async () => {
    const fs = memoryProcFs({ '/proc/net/dev': 'one\n' });
    const f = new KeptOpenFile(fs, '/proc/net/dev');
    expect(await f.read()).toEqual({ ok: true, value: 'one\n' });
    fs.replace({ '/proc/net/dev': 'two\n' });
    expect(await f.read()).toEqual({ ok: true, value: 'two\n' });
    expect(fs.openHandles).toBe(1);
    fs.replace({ '/proc/net/dev': { error: 'missing' } });
    expect((await f.read()).ok).toBe(false);
    expect(fs.openHandles).toBe(0);
    fs.replace({ '/proc/net/dev': 'three\n' });
    expect(await f.read()).toEqual({ ok: true, value: 'three\n' });
    f.close();
    expect(fs.openHandles).toBe(0);
  });

  it('reads the plain way where the ProcFs has no handles', async () => {
    const fs = memoryProcFs({ '/a': 'x' });
    const f = new KeptOpenFile({ readFile: (p) => fs.readFile(p), readdir: (p) => fs.readdir(p) }, '/a');
    expect(await f.read()).toEqual({ ok: true, value: 'x' });
    expect(fs.openHandles).toBe(0);
  });
});

describe('keptOpenProcFs', () => {
  it('keeps one handle per path across reads, reads fresh text each time, and closes them all on close()', async () => {
    const fs = memoryProcFs({ '/proc/stat': 'cpu 1\n', '/proc/meminfo': 'MemTotal: 1 kB\n' });
    const kept = keptOpenProcFs(fs);
    expect(await kept.readFile('/proc/stat')).toEqual({ ok: true, value: 'cpu 1\n' });
    expect(await kept.readFile('/proc/meminfo')).toEqual({ ok: true, value: 'MemTotal: 1 kB\n' });
    fs.replace({ '/proc/stat': 'cpu 2\n', '/proc/meminfo': 'MemTotal: 1 kB\n' });
    expect(await kept.readFile('/proc/stat')).toEqual({ ok: true, value: 'cpu 2\n' });
    expect(fs.openHandles).toBe(2);
    kept.close();
    expect(fs.openHandles).toBe(0);
  });

  it('a missing file is the same answer as a plain read, and holds no handle', async () => {
    const fs = memoryProcFs({ '/proc/stat': 'cpu 1\n' });
    const kept = keptOpenProcFs(fs);
    expect(await kept.readFile('/proc/pressure/cpu')).toEqual(await fs.readFile('/proc/pressure/cpu'));
    expect(fs.openHandles).toBe(0);
  });

  it('past its limit of paths it closes every handle and starts over', async () => {
    const files = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`/sys/class/net/br${i}/statistics/rx_bytes`, `${i}\n`]));
    const fs = memoryProcFs(files);
    const kept = keptOpenProcFs(fs, 3);
    for (const path of Object.keys(files).slice(0, 3)) await kept.readFile(path);
    expect(fs.openHandles).toBe(3);
    expect(await kept.readFile(Object.keys(files)[3])).toEqual({ ok: true, value: '3\n' });
    expect(fs.openHandles).toBe(1);
    kept.close();
  });
});
