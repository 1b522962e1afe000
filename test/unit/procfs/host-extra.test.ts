import { describe, expect, it } from 'vitest';
import { ksmFromFiles, parseHugepages, parseNodeMeminfo, parsePressure, readHostExtra } from '../../../src/procfs/host-extra.js';
import { memoryProcFs } from '../../helpers/memory-procfs.js';

// Captured from Linux 6.x (cpu "full" appeared in 5.13; earlier kernels print only "some").
const PSI_CPU = 'some avg10=12.50 avg60=3.10 avg300=0.80 total=123456789\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n';
const PSI_CPU_OLD = 'some avg10=1.00 avg60=2.00 avg300=3.00 total=42\n';
const MEMINFO = `MemTotal:        8130892 kB
MemFree:          512000 kB
MemAvailable:    4096000 kB
AnonHugePages:    522240 kB
HugePages_Total:      16
HugePages_Free:        4
HugePages_Rsvd:        1
HugePages_Surp:        0
Hugepagesize:       2048 kB
Hugetlb:           32768 kB
`;
const NODE0 = `Node 0 MemTotal:        8130892 kB
Node 0 MemFree:          511988 kB
Node 0 MemUsed:         7618904 kB
Node 0 HugePages_Total:    16
Node 0 HugePages_Free:      4
`;

describe('parsePressure', () => {
  it.each([
    ['cpu with full', PSI_CPU, { some: { avg10: 12.5, avg60: 3.1, avg300: 0.8, totalUs: 123456789n }, full: { avg10: 0, avg60: 0, avg300: 0, totalUs: 0n } }],
    ['cpu before 5.13 (no full line): full is null, not zero', PSI_CPU_OLD, { some: { avg10: 1, avg60: 2, avg300: 3, totalUs: 42n }, full: null }],
  ])('%s', (_name, text, want) => {
    expect(parsePressure(text)).toEqual({ ok: true, value: want });
  });
  it.each([
    ['empty', ''],
    ['only full', 'full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n'],
    ['truncated some', 'some avg10=1.00 avg60='],
  ])('refuses %s', (_name, text) => {
    expect(parsePressure(text).ok).toBe(false);
  });
});

describe('parseHugepages', () => {
  it('reads the pool and THP from meminfo', () => {
    expect(parseHugepages(MEMINFO)).toEqual({
      ok: true,
      value: { totalPages: 16n, freePages: 4n, reservedPages: 1n, surplusPages: 0n, pageSizeKiB: 2048n, anonHugeKiB: 522240n },
    });
  });
  it('fails without hugepage lines (kernel without hugetlbfs)', () => {
    expect(parseHugepages('MemTotal: 1 kB\n').ok).toBe(false);
  });
});

describe('parseNodeMeminfo', () => {
  it('reads total and free of its own node only', () => {
    expect(parseNodeMeminfo(NODE0, 0)).toEqual({
      ok: true,
      value: { node: 0, totalKiB: 8130892n, freeKiB: 511988n, hugepagesTotal: 16n, hugepagesFree: 4n },
    });
    expect(parseNodeMeminfo(NODE0, 1).ok).toBe(false);
  });
});

describe('ksmFromFiles', () => {
  it.each([
    [{ run: '1\n', pages_shared: '100\n', pages_sharing: '400\n' }, { run: 1, pagesShared: 100n, pagesSharing: 400n, pagesUnshared: null, pagesVolatile: null, pageSizeKiB: 4 }],
    [{ run: '0\n' }, { run: 0, pagesShared: null, pagesSharing: null, pagesUnshared: null, pagesVolatile: null, pageSizeKiB: 4 }],
    [{}, null],
    [{ run: 'garbage' }, null],
  ])('%j', (files, want) => {
    expect(ksmFromFiles(files)).toEqual(want);
  });
});

describe('readHostExtra', () => {
  it('reads KSM, hugepages, NUMA nodes and PSI', async () => {
    const fs = memoryProcFs({
      '/proc/meminfo': MEMINFO,
      '/proc/pressure/cpu': PSI_CPU,
      '/proc/pressure/memory': PSI_CPU_OLD,
      '/proc/pressure/io': PSI_CPU,
      '/sys/kernel/mm/ksm/run': '1\n',
      '/sys/kernel/mm/ksm/pages_shared': '10\n',
      '/sys/kernel/mm/ksm/pages_sharing': '30\n',
      '/sys/devices/system/node/node0/meminfo': NODE0,
      '/sys/devices/system/node/node1/meminfo': NODE0.replace(/Node 0/g, 'Node 1'),
      '/sys/devices/system/node/online': '0-1\n',
    });
    const x = await readHostExtra(fs);
    expect(x.error).toBeNull();
    expect(x.ksm?.pagesSharing).toBe(30n);
    expect(x.hugepages?.totalPages).toBe(16n);
    expect(x.numa.map((n) => n.node)).toEqual([0, 1]);
    expect(x.pressure?.cpu?.some.avg10).toBe(12.5);
    expect(x.pressure?.memory?.full).toBeNull();
  });

  it('a kernel without any of it gives nulls and an empty node list, and no error', async () => {
    const x = await readHostExtra(memoryProcFs({ '/proc/meminfo': 'MemTotal: 1000 kB\n' }));
    expect(x).toEqual({ ksm: null, hugepages: null, numa: [], pressure: null, error: null });
  });

  it('reports unreadable files (not missing ones) and keeps the rest', async () => {
    const x = await readHostExtra(
      memoryProcFs({ '/proc/meminfo': MEMINFO, '/proc/pressure/cpu': { error: 'denied' }, '/proc/pressure/io': 'nonsense\n' }),
    );
    expect(x.hugepages?.freePages).toBe(4n);
    expect(x.pressure).toBeNull();
    expect(x.error).toMatch(/\/proc\/pressure\/cpu: permission denied/);
    expect(x.error).toMatch(/\/proc\/pressure\/io: no "some" line/);
  });
});
