import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { parseStat } from '../../../src/procfs/parse.js';
import { ProcessReader, type ProcessReaderOptions } from '../../../src/procfs/process-reader.js';
import type { ProcessSample } from '../../../src/types/sample.js';
import { memoryProcFs, type FixtureEntry, type MemoryProcFs } from '../../helpers/memory-procfs.js';
import { nodeProcFs, type ProcFs, type ProcHandles, type ReadErrorKind } from '../../../src/procfs/fs.js';
import { readProcess } from '../../../src/procfs/process.js';
import { loadQemuHostFixture, QEMU_HOST_FIXTURE } from '../../helpers/proc-fixture.js';

// The qemu-host fixture (see reader.test.ts): 4242 KVM with a vanished
// thread 4260, 5150 TCG with an unreadable io file, 6000 with spaces and
// parens in its name.
const FIXTURE = QEMU_HOST_FIXTURE;

let fixture: Record<string, FixtureEntry>;

beforeAll(async () => {
  fixture = await loadQemuHostFixture();
});

/** Counts what a reader asks of the handle layer. */
function counting(fs: MemoryProcFs): MemoryProcFs & { calls: Record<'open' | 'read' | 'readFile' | 'readdir' | 'close', number> } {
  const calls = { open: 0, read: 0, readFile: 0, readdir: 0, close: 0 };
  const inner = fs.handles;
  const handles: ProcHandles = {
    open: (p) => (calls.open++, inner.open(p)),
    read: (h) => (calls.read++, inner.read(h)),
    readFile: (p) => (calls.readFile++, inner.readFile(p)),
    readdir: (p) => (calls.readdir++, inner.readdir(p)),
    close: (h) => (calls.close++, inner.close(h)),
  };
  return Object.assign(Object.create(fs) as MemoryProcFs, { handles, calls });
}

/**
 * Handles bound to the task they were opened on, as the kernel binds them:
 * once that task is gone — even if its pid now names another — reads fail
 * with 'missing'. memoryProcFs's own handles follow the path instead.
 */
function kernelLike(fs: MemoryProcFs): MemoryProcFs {
  const inner = fs.handles;
  const owner = (path: string): string => {
    const m = /^\/proc\/\d+(?:\/task\/\d+)?/.exec(path);
    return m ? m[0] : path;
  };
  const identity = (path: string): string | null => {
    const stat = inner.readFile(`${owner(path)}/stat`);
    const parsed = stat.ok ? parseStat(stat.value) : null;
    return parsed?.ok ? `${parsed.value.startTimeTicks}` : null;
  };
  const bound = new Map<number, { path: string; identity: string | null }>();
  const handles: ProcHandles = {
    ...inner,
    open(path) {
      const opened = inner.open(path);
      if (opened.ok) bound.set(opened.value, { path, identity: identity(path) });
      return opened;
    },
    read(handle) {
      const b = bound.get(handle);
      if (b && identity(b.path) !== b.identity) return { ok: false, kind: 'missing', error: 'process vanished' };
      return inner.read(handle);
    },
    close(handle) {
      bound.delete(handle);
      inner.close(handle);
    },
  };
  return Object.assign(Object.create(fs) as MemoryProcFs, { handles });
}

// ---------------------------------------------------------------------------
// A small process tree built from fields, for playing a host over time.

interface FakeThread {
  tid: number;
  comm: string;
  utime: number;
  start: number;
  cpu?: number;
  /** schedstat text; undefined: no file */
  sched?: string | null;
  statError?: ReadErrorKind;
}

interface FakeProcess {
  pid: number;
  start: number;
  threads: FakeThread[];
  /** num_threads as stat says it; defaults to threads.length */
  numThreads?: number;
  io?: string | { error: ReadErrorKind };
}

function statLine(id: number, comm: string, utime: number, numThreads: number, start: number, cpu: number): string {
  // fields 3..52 as proc(5) numbers them
  const f = Array.from({ length: 50 }, () => '0');
  const set = (n: number, v: string | number): void => void (f[n - 3] = String(v));
  set(3, 'S');
  set(4, 1);
  set(14, utime);
  set(15, 1);
  set(20, numThreads);
  set(22, start);
  set(39, cpu);
  return `${id} (${comm}) ${f.join(' ')}\n`;
}

function tree(...procs: FakeProcess[]): Record<string, FixtureEntry> {
  const out: Record<string, FixtureEntry> = {};
  for (const p of procs) {
    const n = p.numThreads ?? p.threads.length;
    const base = `/proc/${p.pid}`;
    out[`${base}/stat`] = statLine(p.pid, 'qemu-system-x86', 500, n, p.start, 0);
    out[`${base}/status`] = `Name:\tqemu-system-x86\nTgid:\t${p.pid}\nPid:\t${p.pid}\nVmRSS:\t  ${p.start} kB\n`;
    out[`${base}/io`] = p.io ?? 'read_bytes: 4096\nwrite_bytes: 8192\n';
    for (const t of p.threads) {
      const tb = `${base}/task/${t.tid}`;
      out[`${tb}/stat`] = t.statError ? { error: t.statError } : statLine(t.tid, t.comm, t.utime, n, t.start, t.cpu ?? 0);
      // schedstat's runtime: the same time as utime, in ns plus a few the 10 ms ticks do not show
      if (t.sched !== null) out[`${tb}/schedstat`] = t.sched ?? `${t.utime * 10_000_000 + 7} ${t.tid} 3\n`;
    }
  }
  return out;
}

const vcpus = (pid: number, count: number, start = 100): FakeThread[] => [
  { tid: pid, comm: 'qemu-system-x86', utime: 10, start },
  ...Array.from({ length: count }, (_, i) => ({ tid: pid + 1 + i, comm: `CPU ${i}/KVM`, utime: 100 + i, start: start + 1 })),
];

const OPTS = { threads: true, bootTimeMs: 1_700_000_000_000 };

/** The reader's answers without its scan stamps, so they compare with readProcess's. */
class Reader extends ProcessReader {
  override async read(pid: number, opts: Parameters<ProcessReader['read']>[1]): Promise<ProcessSample> {
    const { monoNs: _at, spanNs: _span, ...answer } = await super.read(pid, opts);
    return answer;
  }
}

describe('scan stamps', () => {
  it('stamp the midpoint and length of the reads themselves, on the given clock', async () => {
    const fs = memoryProcFs(tree({ pid: 100, start: 7, threads: vcpus(100, 40) }));
    let clockNs = 1_000n;
    // every clock reading advances it, as time passes between the first read and the last
    const opts: ProcessReaderOptions = { sweepEveryMs: 0, monoNs: () => (clockNs += 500n) };
    const reader = new ProcessReader(fs, opts);
    const p = await reader.read(100, OPTS);
    expect(p.threads).toHaveLength(41);
    expect(p.spanNs).toBe(500n); // one reading before the scan, one after
    expect(p.monoNs).toBe(1_750n);
    const gone = await reader.read(999, OPTS);
    expect(gone.error).toBe('/proc/999: no such process');
    expect(gone.spanNs).toBe(500n);
    reader.close();
  });
});

/** open handles a read of `p` should leave: stat, status, io and two per readable thread */
const handlesFor = (p: { threads: readonly unknown[] }, io = true): number => 2 + (io ? 1 : 0) + 2 * p.threads.length;

// ---------------------------------------------------------------------------

describe('ProcessReader gives what readProcess gives', () => {
  const cases: [string, () => Record<string, FixtureEntry>, number, boolean][] = [
    ['KVM guest with a vanished thread', () => fixture, 4242, true],
    ['KVM guest without threads', () => fixture, 4242, false],
    ['TCG guest with unreadable io', () => fixture, 5150, true],
    ['odd names', () => fixture, 6000, true],
    ['no such process', () => fixture, 9999, true],
    ['unreadable task directory', () => ({ ...fixture, '/proc/6000/task': { error: 'denied' } }), 6000, true],
    [
      'broken files',
      () => ({
        ...fixture,
        '/proc/4242/status': 'this is not a status file',
        '/proc/4242/task/4246/stat': { error: 'denied' },
        '/proc/4242/task/4247/stat': { error: 'io' },
        '/proc/4242/task/4245/schedstat': { error: 'missing' },
        '/proc/4242/task/4244/schedstat': { error: 'denied' },
        '/proc/4242/task/4243/stat': '4243 (truncated) S 1\n',
      }),
      4242,
      true,
    ],
  ];

  it.each(cases)('%s, on the first read and the next ones', async (_name, entries, pid, threads) => {
    const fs = memoryProcFs(entries());
    const reader = new Reader(fs, { sweepEveryMs: 0 });
    const expected = await readProcess(fs, pid, { ...OPTS, threads });
    for (let tick = 0; tick < 3; tick++) expect(await reader.read(pid, { ...OPTS, threads })).toEqual(expected);
    reader.close();
    expect(fs.openHandles).toBe(0);
  });

  it('reads a captured tree on disk the same way', async () => {
    const disk = nodeProcFs(join(FIXTURE, 'root'));
    const reader = new Reader(disk, { sweepEveryMs: 0 });
    for (const pid of [4242, 5150, 6000]) {
      const expected = await readProcess(disk, pid, OPTS);
      expect(await reader.read(pid, OPTS)).toEqual(expected);
      expect(await reader.read(pid, OPTS)).toEqual(expected);
    }
    expect(reader.openHandles).toBeGreaterThan(0);
    reader.close();
    expect(reader.openHandles).toBe(0);
  });

  it('falls back to readProcess for a ProcFs without handles', async () => {
    const fs = memoryProcFs(fixture);
    const plain: ProcFs = { readFile: (p) => fs.readFile(p), readdir: (p) => fs.readdir(p) };
    const reader = new Reader(plain);
    expect(await reader.read(4242, OPTS)).toEqual(await readProcess(fs, 4242, OPTS));
    expect(reader.openHandles).toBe(0);
    expect(reader.cachedPids).toEqual([]);
  });
});

describe('kept handles', () => {
  it('opens each file once and lists the threads once while nothing changes', async () => {
    const fs = counting(memoryProcFs(tree({ pid: 100, start: 7, threads: vcpus(100, 3) })));
    const reader = new Reader(fs, { sweepEveryMs: 0 });
    const first = await reader.read(100, OPTS);
    expect(first.threads.map((t) => [t.tid, t.vcpu])).toEqual([[100, null], [101, 0], [102, 1], [103, 2]]);
    expect(fs.calls).toMatchObject({ open: 3 + 2 * 4, readdir: 1, readFile: 0 });
    expect(reader.openHandles).toBe(3 + 2 * 4);

    const before = { ...fs.calls };
    for (let tick = 0; tick < 5; tick++) await reader.read(100, OPTS);
    expect(fs.calls.open).toBe(before.open);
    expect(fs.calls.readdir).toBe(before.readdir);
    expect(fs.calls.read - before.read).toBe(5 * (3 + 2 * 4));
    expect(fs.openHandles).toBe(reader.openHandles);
  });

  it('sees new counter values through the same handles', async () => {
    const fs = counting(memoryProcFs(tree({ pid: 100, start: 7, threads: vcpus(100, 1) })));
    const reader = new Reader(fs, { sweepEveryMs: 0 });
    await reader.read(100, OPTS);
    const later = vcpus(100, 1).map((t) => ({ ...t, utime: t.utime + 50, cpu: 1 }));
    fs.replace(tree({ pid: 100, start: 7, threads: later }));
    const opens = fs.calls.open;
    const p = await reader.read(100, OPTS);
    expect(fs.calls.open).toBe(opens);
    expect(p).toEqual(await readProcess(fs, 100, OPTS));
    expect(p.threads[1]).toMatchObject({ tid: 101, cpuTimeNs: 150n * 10_000_000n + 7n, lastCpu: 1, runDelayNs: 101n }); // schedstat: utime 150 ticks, to the ns
  });

  it('a thread whose stat and schedstat read as before gives its last sample again; one whose schedstat moved, a new one', async () => {
    const fs = memoryProcFs(tree({ pid: 100, start: 7, threads: vcpus(100, 2) }));
    const reader = new Reader(fs, { sweepEveryMs: 0 });
    const a = await reader.read(100, OPTS);
    const moved = vcpus(100, 2).map((t) => (t.tid === 102 ? { ...t, sched: `${t.utime * 10_000_000 + 99} 5 4\n` } : t));
    fs.replace(tree({ pid: 100, start: 7, threads: moved }));
    const b = await reader.read(100, OPTS);
    expect(b.threads[0]).toBe(a.threads[0]);
    expect(b.threads[1]).toBe(a.threads[1]);
    expect(b.threads[2]).not.toBe(a.threads[2]);
    expect(b.threads[2]).toEqual({ tid: 102, comm: 'CPU 1/KVM', vcpu: 1, cpuTimeNs: 101n * 10_000_000n + 99n, runDelayNs: 5n, lastCpu: 0 });
    expect(b).toEqual(await readProcess(fs, 100, OPTS));
    // schedstat gone (a kernel without it, or unreadable): the sample says unknown, not the last delay
    fs.replace(tree({ pid: 100, start: 7, threads: moved.map((t) => ({ ...t, sched: null })) }));
    const c = await reader.read(100, OPTS);
    expect(c.threads.map((t) => t.runDelayNs)).toEqual([null, null, null]);
    expect(c.threads[0].cpuTimeNs).toBe(11n * 10_000_000n); // utime + stime ticks, as stat gives them
  });

  it.each([
    // [case, relistEvery, reads, readdirs expected]: the first read lists, then one every relistEvery + 1
    ['nothing changes: listed again only as a backstop', 3, 9, 3],
    ['nothing changes, backstop far off', 1000, 9, 1],
  ])('%s', async (_name, relistEvery, reads, readdirs) => {
    const fs = counting(memoryProcFs(tree({ pid: 100, start: 7, threads: vcpus(100, 2) })));
    const reader = new Reader(fs, { sweepEveryMs: 0, relistEvery });
    for (let i = 0; i < reads; i++) await reader.read(100, OPTS);
    expect(fs.calls.readdir).toBe(readdirs);
  });

  it('stays within its handle budget and still reads everything', async () => {
    const fs = counting(memoryProcFs(tree({ pid: 100, start: 7, threads: vcpus(100, 6) })));
    const reader = new Reader(fs, { sweepEveryMs: 0, maxOpen: 5 });
    const expected = await readProcess(fs, 100, OPTS);
    for (let tick = 0; tick < 3; tick++) {
      expect(await reader.read(100, OPTS)).toEqual(expected);
      expect(reader.openHandles).toBe(5);
      expect(fs.openHandles).toBe(5);
    }
    // the files beyond the budget are read by path each time
    expect(fs.calls.readFile).toBe(3 * (3 + 2 * 7 - 5));
  });

  it('closes thread handles when threads are no longer wanted, and reopens them when they are', async () => {
    const fs = memoryProcFs(tree({ pid: 100, start: 7, threads: vcpus(100, 2) }));
    const reader = new Reader(fs, { sweepEveryMs: 0 });
    await reader.read(100, OPTS);
    expect(reader.openHandles).toBe(3 + 2 * 3);
    const bare = await reader.read(100, { ...OPTS, threads: false });
    expect(bare.threads).toEqual([]);
    expect(reader.openHandles).toBe(3);
    expect(fs.openHandles).toBe(3);
    expect((await reader.read(100, OPTS)).threads).toHaveLength(3);
    expect(reader.openHandles).toBe(3 + 2 * 3);
  });

  it('asks for schedstat only once on a kernel without it', async () => {
    const threads = vcpus(100, 2).map((t) => ({ ...t, sched: null }));
    const fs = counting(memoryProcFs(tree({ pid: 100, start: 7, threads })));
    const reader = new Reader(fs, { sweepEveryMs: 0 });
    const first = await reader.read(100, OPTS);
    expect(first).toEqual(await readProcess(fs, 100, OPTS));
    expect(first.threads.every((t) => t.runDelayNs === null)).toBe(true);
    const opens = fs.calls.open;
    await reader.read(100, OPTS);
    expect(fs.calls.open).toBe(opens);
  });
});

describe('threads and processes coming and going', () => {
  // Each step replaces the tree, reads, and compares with a fresh readProcess of the same tree.
  const steps: [string, FakeProcess, number[]][] = [
    ['start: main + 3 vCPUs', { pid: 100, start: 7, threads: vcpus(100, 3) }, [100, 101, 102, 103]],
    ['a thread exits', { pid: 100, start: 7, threads: vcpus(100, 3).filter((t) => t.tid !== 102) }, [100, 101, 103]],
    [
      'one exits and another starts: same count',
      { pid: 100, start: 7, threads: [...vcpus(100, 3).filter((t) => t.tid !== 102 && t.tid !== 103), { tid: 120, comm: 'worker', utime: 1, start: 9 }] },
      [100, 101, 120],
    ],
    [
      'a thread starts',
      { pid: 100, start: 7, threads: [...vcpus(100, 1), { tid: 120, comm: 'worker', utime: 1, start: 9 }, { tid: 121, comm: 'worker', utime: 1, start: 9 }] },
      [100, 101, 120, 121],
    ],
    [
      'listed but gone before its stat is read',
      { pid: 100, start: 7, threads: [...vcpus(100, 1), { tid: 121, comm: 'worker', utime: 1, start: 9, statError: 'missing' }] },
      [100, 101],
    ],
    [
      'the vanished tid listed again, readable',
      { pid: 100, start: 7, threads: [...vcpus(100, 1), { tid: 121, comm: 'CPU 5/KVM', utime: 3, start: 40 }] },
      [100, 101, 121],
    ],
  ];

  it('follows the thread list step by step, and closes what left', async () => {
    const fs = counting(memoryProcFs({}));
    const reader = new Reader(fs, { sweepEveryMs: 0, relistEvery: 1000 });
    for (const [step, proc, tids] of steps) {
      fs.replace(tree(proc));
      const got = await reader.read(100, OPTS);
      expect(got, step).toEqual(await readProcess(fs, 100, OPTS));
      expect(got.threads.map((t) => t.tid), step).toEqual(tids);
      expect(reader.openHandles, step).toBe(handlesFor(got));
      expect(fs.openHandles, step).toBe(reader.openHandles);
    }
  });

  it.each([
    ['handles that follow the path', (fs: MemoryProcFs) => fs],
    ['handles that fail as the kernel makes them', kernelLike],
  ])('reads a reused tid as the new thread, on fresh handles: %s', async (_name, wrap) => {
    const fs = counting(wrap(memoryProcFs(tree({ pid: 100, start: 7, threads: vcpus(100, 2) }))));
    const reader = new Reader(fs, { sweepEveryMs: 0 });
    await reader.read(100, OPTS);
    const reused = vcpus(100, 2).map((t) => (t.tid === 102 ? { ...t, comm: 'worker', start: 99, utime: 1 } : t));
    fs.replace(tree({ pid: 100, start: 7, threads: reused }));
    const opens = fs.calls.open;
    const p = await reader.read(100, OPTS);
    expect(p.threads.find((t) => t.tid === 102)).toMatchObject({ comm: 'worker', vcpu: null, cpuTimeNs: 1n * 10_000_000n + 7n });
    expect(fs.calls.open - opens).toBe(2);
  });

  it.each([
    ['another QEMU with other threads', { pid: 100, start: 900, threads: vcpus(100, 1, 900) }],
    ['another process with the same thread ids', { pid: 100, start: 900, threads: vcpus(100, 3, 900).map((t) => ({ ...t, comm: 'bash', utime: 2 })) }],
    ['one with an unreadable io file', { pid: 100, start: 900, threads: vcpus(100, 3, 900), io: { error: 'denied' as const } }],
  ])('reads a pid reused by %s as that process, never through the old handles', async (_name, next) => {
    const fs = counting(memoryProcFs(tree({ pid: 100, start: 7, threads: vcpus(100, 3) })));
    await expectReuseHandled(fs, next);
  });

  it.each([
    ['another QEMU with other threads', { pid: 100, start: 900, threads: vcpus(100, 1, 900) }],
    ['another process with the same thread ids', { pid: 100, start: 900, threads: vcpus(100, 3, 900).map((t) => ({ ...t, comm: 'bash', utime: 2 })) }],
  ])('reads a pid reused by %s at once when old handles fail as the kernel makes them', async (_name, next) => {
    const fs = counting(kernelLike(memoryProcFs(tree({ pid: 100, start: 7, threads: vcpus(100, 3) }))));
    await expectReuseHandled(fs, next);
  });

  async function expectReuseHandled(fs: ReturnType<typeof counting>, next: FakeProcess): Promise<void> {
    const reader = new Reader(fs, { sweepEveryMs: 0, relistEvery: 1000 });
    await reader.read(100, OPTS);
    await reader.read(100, OPTS);
    fs.replace(tree(next));
    const closes = fs.calls.close;
    const got = await reader.read(100, OPTS);
    expect(got).toEqual(await readProcess(fs, 100, OPTS));
    // every old handle was dropped and the task directory listed again
    expect(fs.calls.close - closes).toBeGreaterThanOrEqual(3 + 2 * 4);
    expect(reader.openHandles).toBe(handlesFor(got, next.io === undefined));
    expect(fs.openHandles).toBe(reader.openHandles);
  }

  it('forgets a process that exited', async () => {
    const fs = memoryProcFs(tree({ pid: 100, start: 7, threads: vcpus(100, 2) }, { pid: 200, start: 8, threads: vcpus(200, 1) }));
    const reader = new Reader(fs, { sweepEveryMs: 0 });
    await reader.read(100, OPTS);
    await reader.read(200, OPTS);
    expect(reader.cachedPids).toEqual([100, 200]);
    fs.replace(tree({ pid: 200, start: 8, threads: vcpus(200, 1) }));
    expect(await reader.read(100, OPTS)).toEqual(await readProcess(fs, 100, OPTS));
    expect((await reader.read(100, OPTS)).error).toBe('/proc/100: no such process');
    expect(reader.cachedPids).toEqual([200]);
    expect(reader.openHandles).toBe(3 + 2 * 2);
    expect(fs.openHandles).toBe(reader.openHandles);
  });
});

describe('housekeeping', () => {
  it.each([
    // [case, process still there, ms since its last read, closed by the sweep]
    ['exited, not read since', false, 1_000, true],
    ['alive, read a moment ago', true, 0, false],
    ['alive, idle a while', true, 60_000, false],
    ['alive, idle past idleCloseMs', true, 120_000, true],
  ])('sweep: %s', async (_name, alive, idleMs, closed) => {
    let now = 0;
    const fs = memoryProcFs(tree({ pid: 100, start: 7, threads: vcpus(100, 1) }));
    const reader = new Reader(fs, { sweepEveryMs: 0, idleCloseMs: 120_000, nowMs: () => now });
    await reader.read(100, OPTS);
    if (!alive) fs.replace({});
    now += 1; // the read is before this sweep's window
    reader.sweep();
    now += idleMs;
    reader.sweep();
    expect(reader.cachedPids).toEqual(closed ? [] : [100]);
    expect(fs.openHandles).toBe(closed ? 0 : reader.openHandles);
  });

  it('close() releases everything and later reads keep answering without handles', async () => {
    const fs = memoryProcFs(fixture);
    const reader = new Reader(fs);
    await reader.read(4242, OPTS);
    await reader.read(5150, OPTS);
    expect(fs.openHandles).toBeGreaterThan(0);
    reader.close();
    expect(fs.openHandles).toBe(0);
    expect(await reader.read(4242, OPTS)).toEqual(await readProcess(fs, 4242, OPTS));
    expect(fs.openHandles).toBe(0);
  });

  it('close() during a read waits for it to finish with its handles', async () => {
    const big = tree({ pid: 100, start: 7, threads: vcpus(100, 300) });
    const fs = memoryProcFs(big);
    const reader = new Reader(fs, { sliceMs: 0, sweepEveryMs: 0 });
    const pending = reader.read(100, OPTS);
    await new Promise((resolve) => setImmediate(resolve));
    reader.close();
    const p = await pending;
    expect(p).toEqual(await readProcess(fs, 100, OPTS));
    expect(fs.openHandles).toBe(0);
  });

  it('two reads of one pid at once both answer, and share no handles mid-scan', async () => {
    const fs = counting(memoryProcFs(tree({ pid: 100, start: 7, threads: vcpus(100, 200) })));
    const reader = new Reader(fs, { sliceMs: 0, sweepEveryMs: 0 });
    const expected = await readProcess(fs, 100, OPTS);
    const [a, b] = await Promise.all([reader.read(100, OPTS), reader.read(100, OPTS)]);
    expect(a).toEqual(expected);
    expect(b).toEqual(expected);
    // the second read went the plain way: only the first touched handles
    expect(fs.calls.read).toBe(3 + 2 * 201);
    expect(fs.openHandles).toBe(reader.openHandles);
  });

  it.each([
    ['yields between slices', 0, true],
    ['holds on when the slice is long enough', Infinity, false],
  ])('%s', async (_name, sliceMs, yields) => {
    const fs = memoryProcFs(tree({ pid: 100, start: 7, threads: vcpus(100, 500) }));
    const reader = new Reader(fs, { sliceMs, sweepEveryMs: 0 });
    let turns = 0;
    let spinning = true;
    const spin = (): void => {
      turns++;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    const p = await reader.read(100, OPTS);
    spinning = false;
    expect(p.threads).toHaveLength(501);
    expect(turns > 0).toBe(yields);
  });
});

// ---------------------------------------------------------------------------
// The live /proc: real descriptors, real exits.

describe('live /proc descriptors', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  const fdCount = (): number => readdirSync('/proc/self/fd').length;
  const tidsOf = (pid: number): number[] =>
    readdirSync(`/proc/${pid}/task`)
      .map(Number)
      .sort((a, b) => a - b);

  /** A node process with `workers` extra threads; SIGUSR2 ends one of them. */
  async function threaded(workers: number): Promise<ChildProcess & { pid: number }> {
    const script = `
      const { Worker } = require('node:worker_threads');
      const ws = [];
      for (let i = 0; i < ${workers}; i++) ws.push(new Worker('setInterval(() => {}, 1e6)', { eval: true }));
      process.on('SIGUSR2', () => { const w = ws.pop(); if (w) w.terminate(); });
      setInterval(() => {}, 1e6);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    children.push(child);
    if (child.pid === undefined) throw new Error('spawn failed');
    await settled(child.pid, (n) => n >= workers + 2);
    return child as ChildProcess & { pid: number };
  }

  /** Waits until the thread count satisfies `ok` and holds still for a moment. */
  async function settled(pid: number, ok: (n: number) => boolean): Promise<number[]> {
    let last = '';
    for (let i = 0; i < 200; i++) {
      const tids = tidsOf(pid);
      const key = tids.join(',');
      if (ok(tids.length) && key === last) return tids;
      last = key;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`threads of ${pid} never settled`);
  }

  async function exited(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((resolve) => child.once('exit', resolve));
  }

  it('holds exactly the descriptors it reports, and none after threads and processes go', async () => {
    const a = await threaded(4);
    const b = await threaded(2);
    const baseline = fdCount();
    const reader = new Reader(nodeProcFs(), { sweepEveryMs: 0 });

    const tidsA = await settled(a.pid, () => true);
    const readA = await reader.read(a.pid, OPTS);
    const readB = await reader.read(b.pid, OPTS);
    expect(readA.error).toBeNull();
    expect(readA.threads.map((t) => t.tid)).toEqual(tidsA);
    expect(reader.openHandles).toBe(handlesFor(readA) + handlesFor(readB));
    expect(fdCount()).toBe(baseline + reader.openHandles);

    // a thread of A ends: its two descriptors go on the next read
    a.kill('SIGUSR2');
    const fewer = await settled(a.pid, (n) => n < tidsA.length);
    const again = await reader.read(a.pid, OPTS);
    expect(again.threads.map((t) => t.tid)).toEqual(fewer);
    expect(reader.openHandles).toBe(handlesFor(again) + handlesFor(readB));
    expect(fdCount()).toBe(baseline + reader.openHandles);

    // B exits and is read again: reported gone, its descriptors closed
    b.kill('SIGKILL');
    await exited(b);
    expect((await reader.read(b.pid, OPTS)).error).toBe(`/proc/${b.pid}: no such process`);
    expect(reader.cachedPids).toEqual([a.pid]);
    expect(fdCount()).toBe(baseline + handlesFor(again));

    // A exits and is never read again: the sweep finds out
    a.kill('SIGKILL');
    await exited(a);
    reader.sweep(); // A was read since the previous sweep, so this one only starts the window
    reader.sweep();
    expect(reader.cachedPids).toEqual([]);
    expect(fdCount()).toBe(baseline);

    // and close() after reads of a live process leaves nothing open either
    await reader.read(process.pid, OPTS);
    expect(fdCount()).toBeGreaterThan(baseline);
    reader.close();
    expect(fdCount()).toBe(baseline);
  });

  it('re-reads a kept file whole, however long, and classifies failures', () => {
    const handles = nodeProcFs().handles as ProcHandles;
    const path = join(import.meta.dirname, 'parse.test.ts'); // longer than the first read buffer
    const opened = handles.open(path);
    if (!opened.ok) throw new Error(opened.error);
    try {
      for (let i = 0; i < 2; i++) expect(handles.read(opened.value)).toEqual({ ok: true, value: readFileSync(path, 'utf8') });
    } finally {
      handles.close(opened.value);
    }
    expect(handles.open('/proc/this-does-not-exist')).toMatchObject({ ok: false, kind: 'missing' });
    expect(handles.readdir('/proc/self/stat')).toMatchObject({ ok: false, kind: 'missing' });
    expect(handles.maxOpen).toBeGreaterThan(0);
  });

  it('reads this very process the same as readProcess, apart from moving counters', async () => {
    const reader = new Reader(nodeProcFs(), { sweepEveryMs: 0 });
    try {
      await reader.read(process.pid, OPTS);
      const kept = await reader.read(process.pid, OPTS);
      const fresh = await readProcess(nodeProcFs(), process.pid, OPTS);
      const shape = (p: typeof kept) => ({
        pid: p.pid,
        error: p.error,
        started: p.startedWallMs,
        threads: p.threads.map((t) => [t.tid, t.comm, t.vcpu]),
        io: p.ioReadBytes !== null,
      });
      expect(shape(kept)).toEqual(shape(fresh));
    } finally {
      reader.close();
    }
  });
});
