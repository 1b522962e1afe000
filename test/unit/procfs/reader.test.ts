import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { parseProcStat } from '../../../src/procfs/parse.js';
import { findQemuPid } from '../../../src/procfs/qemu-pid.js';
import { memoryProcFs, type FixtureEntry } from '../../helpers/memory-procfs.js';
import { nodeProcFs, type ProcFs } from '../../../src/procfs/fs.js';
import { readHostCounters } from '../../../src/procfs/host-counters.js';
import { readProcess } from '../../../src/procfs/process.js';
import { vhostThreads } from '../../../src/procfs/vhost.js';
import { loadQemuHostFixture, QEMU_HOST_FIXTURE } from '../../helpers/proc-fixture.js';

// A synthetic host with three QEMUs (see test/fixtures/proc/qemu-host):
//  4242 "web-01"       KVM, 2 vCPUs, a vhost_task thread (Linux >= 6.4 style),
//                      a thread named "a) b (c", and thread 4260 that is
//                      listed but gone (errors.json)
//  5150 "a,b"          TCG, no pid file, /proc/5150/io unreadable (errors.json)
//  6000 "odd name (1)" with a kernel-thread vhost worker, pid 4300 (pre-6.4 style)
// plus /run/libvirt/qemu pid files, one of them stale, and the real
// /proc/stat and /proc/meminfo captured from the build machine.
const FIXTURE = QEMU_HOST_FIXTURE;
const NS_PER_TICK = 10_000_000n;

let entries: Record<string, FixtureEntry>;
let fs: ProcFs;

beforeAll(async () => {
  entries = await loadQemuHostFixture();
  fs = memoryProcFs(entries);
});

/** Wraps a ProcFs to count reads and the peak number in flight. */
function instrument(inner: ProcFs): ProcFs & { reads: string[]; peak: number } {
  let inFlight = 0;
  const wrapped = {
    reads: [] as string[],
    peak: 0,
    async readFile(path: string) {
      wrapped.reads.push(path);
      inFlight++;
      wrapped.peak = Math.max(wrapped.peak, inFlight);
      // yield so concurrent callers really overlap
      await new Promise((resolve) => setImmediate(resolve));
      try {
        return await inner.readFile(path);
      } finally {
        inFlight--;
      }
    },
    readdir: (path: string) => inner.readdir(path),
  };
  return wrapped;
}

describe('memoryProcFs', () => {
  it('lists directories implied by paths, including error entries', async () => {
    const tasks = await fs.readdir('/proc/4242/task/');
    expect(tasks.ok && [...tasks.value].sort()).toEqual(['4242', '4243', '4244', '4245', '4246', '4247', '4249', '4250', '4251', '4260']);
  });

  it('reports missing, denied and not-a-file', async () => {
    expect(await fs.readFile('/proc/4242/task/4260/stat')).toMatchObject({ ok: false, kind: 'missing' });
    expect(await fs.readFile('/proc/5150/io')).toEqual({ ok: false, kind: 'denied', error: 'permission denied' });
    expect(await fs.readFile('/proc/4242')).toMatchObject({ ok: false, kind: 'io' });
    expect(await fs.readdir('/proc/4242/stat')).toMatchObject({ ok: false, kind: 'io' });
    expect(await fs.readdir('/nope')).toMatchObject({ ok: false, kind: 'missing' });
  });
});

describe('readProcess', () => {
  it('reads a KVM guest with its threads', async () => {
    const p = await readProcess(fs, 4242, { threads: true });
    expect(p.error).toBeNull();
    expect(p.pid).toBe(4242);
    expect(p.rssKiB).toBe(2163844);
    expect(p.ioReadBytes).toBe(734003200n);
    expect(p.ioWriteBytes).toBe(1288490188n);
    expect(p.cpuTimeNs).toBe((186818n + 12258n) * NS_PER_TICK);
    // 4260 vanished between readdir and read: dropped quietly
    expect(p.threads.map((t) => t.tid)).toEqual([4242, 4243, 4244, 4245, 4246, 4247, 4249, 4250, 4251]);
    expect(p.threads.filter((t) => t.vcpu !== null).map((t) => [t.tid, t.comm, t.vcpu])).toEqual([
      [4246, 'CPU 0/KVM', 0],
      [4247, 'CPU 1/KVM', 1],
    ]);
    const cpu0 = p.threads.find((t) => t.tid === 4246)!;
    expect(cpu0).toEqual({
      tid: 4246,
      comm: 'CPU 0/KVM',
      vcpu: 0,
      cpuTimeNs: 1_026_410_123_456n, // schedstat: (98231 + 4410) ticks of utime+stime, to the ns
      runDelayNs: 46007n,
      lastCpu: 0,
    });
    expect(p.threads.find((t) => t.tid === 4251)?.comm).toBe('a) b (c');
    expect(p.threads.find((t) => t.tid === 4245)?.comm).toBe('IO mon_iothread');
  });

  it('reads a TCG guest whose io file is unreadable', async () => {
    const p = await readProcess(fs, 5150, { threads: true });
    expect(p.ioReadBytes).toBeNull();
    expect(p.ioWriteBytes).toBeNull();
    expect(p.error).toBe('/proc/5150/io: permission denied');
    expect(p.rssKiB).toBe(1102336);
    expect(p.cpuTimeNs).toBe((234879n + 871n) * NS_PER_TICK);
    expect(p.threads.map((t) => [t.comm, t.vcpu])).toEqual([
      ['qemu-system-x86', null],
      ['CPU 0/TCG', 0],
      ['CPU 1/TCG', 1],
    ]);
  });

  it('skips the task directory when threads are not wanted', async () => {
    const spy = instrument(fs);
    const p = await readProcess(spy, 4242, { threads: false });
    expect(p.threads).toEqual([]);
    expect(p.cpuTimeNs).not.toBeNull();
    expect(spy.reads.sort()).toEqual(['/proc/4242/io', '/proc/4242/stat', '/proc/4242/status']);
  });

  it('reports a vanished process once, without throwing', async () => {
    const p = await readProcess(fs, 9999, { threads: true });
    expect(p).toEqual({
      pid: 9999,
      rssKiB: null,
      ioReadBytes: null,
      ioWriteBytes: null,
      cpuTimeNs: null,
      threads: [],
      error: '/proc/9999: no such process',
    });
  });

  it('keeps what it can read and says what it could not', async () => {
    const broken = memoryProcFs({
      ...entries,
      '/proc/4242/status': 'this is not a status file',
      '/proc/4242/task/4246/stat': { error: 'denied' },
      '/proc/4242/task/4247/stat': { error: 'io' },
      '/proc/4242/task/4245/schedstat': { error: 'missing' },
    });
    const p = await readProcess(broken, 4242, { threads: true });
    expect(p.rssKiB).toBeNull();
    expect(p.cpuTimeNs).not.toBeNull();
    expect(p.ioReadBytes).toBe(734003200n);
    expect(p.threads.map((t) => t.tid)).not.toContain(4246);
    expect(p.threads.find((t) => t.tid === 4245)?.runDelayNs).toBeNull();
    expect(p.error).toBe(
      '/proc/4242/status: missing Name/Pid/Tgid; ' +
        '/proc/4242/task/4246/stat: permission denied (and 1 more thread errors)',
    );
  });

  it('says when the task directory is unreadable', async () => {
    const p = await readProcess(memoryProcFs({ ...entries, '/proc/6000/task': { error: 'denied' } }), 6000, { threads: true });
    expect(p.error).toBe('/proc/6000/task: permission denied');
    expect(p.cpuTimeNs).toBe(70n * NS_PER_TICK);
  });

  it('stays cheap and bounded with 1000 threads', async () => {
    const big: Record<string, FixtureEntry> = {
      '/proc/7000/stat': entries['/proc/4242/stat'] as string,
      '/proc/7000/status': entries['/proc/4242/status'] as string,
      '/proc/7000/io': entries['/proc/4242/io'] as string,
    };
    for (let i = 0; i < 1000; i++) {
      const tid = 7000 + i;
      const comm = i < 64 ? `CPU ${i}/KVM` : `worker`;
      // fields 3..52 as proc(5) numbers them; utime 14, stime 15, threads 20, starttime 22, processor 39
      const fields = Array.from({ length: 50 }, () => '0');
      const set = (n: number, v: string | number): void => void (fields[n - 3] = String(v));
      set(3, 'S');
      set(14, i);
      set(15, 2 * i);
      set(20, 1000);
      set(22, 100);
      set(38, 17);
      set(39, i % 8);
      big[`/proc/7000/task/${tid}/stat`] = `${tid} (${comm}) ${fields.join(' ')}\n`;
      // runtime in ns: utime + stime (3i ticks of 10 ms) and some the ticks do not show
      big[`/proc/7000/task/${tid}/schedstat`] = `${3 * i * 10_000_000 + 5} ${i} ${i}\n`;
    }
    const spy = instrument(memoryProcFs(big));
    const started = performance.now();
    const p = await readProcess(spy, 7000, { threads: true, concurrency: 16 });
    const elapsedMs = performance.now() - started;
    expect(p.error).toBeNull();
    expect(p.threads).toHaveLength(1000);
    expect(p.threads.filter((t) => t.vcpu !== null)).toHaveLength(64);
    expect(p.threads[999]).toMatchObject({ tid: 7999, cpuTimeNs: 2997n * NS_PER_TICK + 5n, runDelayNs: 999n, lastCpu: 7 });
    // one read per file: 3 process files + stat and schedstat per thread, no comm
    expect(spy.reads).toHaveLength(3 + 2 * 1000);
    // 16 threads in flight, two files each
    expect(spy.peak).toBeLessThanOrEqual(32);
    expect(elapsedMs).toBeLessThan(2000);
  });
});

describe('findQemuPid', () => {
  it.each([
    ['web-01', 4242], // pid file
    ['odd name (1)', 6000], // pid file with spaces and parens in its name
    ['a,b', 5150], // no pid file: found by scanning for -name guest=a,,b
    ['old-vm', null], // stale pid file now naming web-01's QEMU; no other match
    ['nobody', null],
    ['a/b', null],
    ['', null],
  ])('%j → %j', async (name, pid) => {
    expect(await findQemuPid(fs, name)).toBe(pid);
  });

  it('does not scan when told not to', async () => {
    expect(await findQemuPid(fs, 'a,b', { scan: false })).toBeNull();
    expect(await findQemuPid(fs, 'web-01', { scan: false })).toBe(4242);
  });

  it('honours runDir', async () => {
    const moved = memoryProcFs({ ...entries, '/var/run/qemu/a,b.pid': '5150\n' });
    expect(await findQemuPid(moved, 'a,b', { runDir: '/var/run/qemu/', scan: false })).toBe(5150);
  });

  it('falls back to comm when cmdline is unreadable or has no -name', async () => {
    const noName = memoryProcFs({
      ...entries,
      '/run/libvirt/qemu/x.pid': '6000',
      '/proc/6000/cmdline': { error: 'denied' },
    });
    expect(await findQemuPid(noName, 'x', { scan: false })).toBe(6000);
    // pid 1 has a cmdline without -name and comm "systemd": not a QEMU
    const init = memoryProcFs({ ...entries, '/run/libvirt/qemu/x.pid': '1\n' });
    expect(await findQemuPid(init, 'x', { scan: false })).toBeNull();
  });

  it('rejects a pid file whose process is gone', async () => {
    const gone = memoryProcFs({ ...entries, '/run/libvirt/qemu/web-01.pid': '31337\n' });
    expect(await findQemuPid(gone, 'web-01', { scan: false })).toBeNull();
    // ... but the scan still finds the live one
    expect(await findQemuPid(gone, 'web-01')).toBe(4242);
  });
});

describe('readHostCounters', () => {
  it('reads the captured /proc/stat and /proc/meminfo', async () => {
    const c = await readHostCounters(fs, 100);
    const stat = parseProcStat(entries['/proc/stat'] as string);
    if (!stat.ok) throw new Error(stat.error);
    expect(c).toEqual({
      cpuTotalNs: stat.value.total.totalNs,
      cpuBusyNs: stat.value.total.busyNs,
      perCpu: stat.value.perCpu.map(({ cpu, totalNs, busyNs }) => ({ cpu, totalNs, busyNs })),
      memTotalKiB: 24684092n,
      memAvailableKiB: 24249004n,
      memFreeKiB: 23842192n,
      error: null,
    });
    expect(c.perCpu).toHaveLength(2);
  });

  it('nulls what it cannot read', async () => {
    const c = await readHostCounters(memoryProcFs({ '/proc/stat': 'cpu 1 2\n' }));
    expect(c).toMatchObject({ cpuTotalNs: null, cpuBusyNs: null, perCpu: [], memTotalKiB: null });
    expect(c.error).toBe('/proc/stat: malformed aggregate cpu line; /proc/meminfo: no such file or directory');
  });
});

describe('vhostThreads', () => {
  it('finds a vhost_task inside the QEMU process', async () => {
    expect(await vhostThreads(fs, 4242)).toEqual([
      { tid: 4250, comm: 'vhost-4242', cpuTimeNs: 3311n * NS_PER_TICK, lastCpu: 0, inQemuProcess: true },
    ]);
  });

  it('finds an old-style vhost kernel thread', async () => {
    expect(await vhostThreads(fs, 6000)).toEqual([
      { tid: 4300, comm: 'vhost-6000', cpuTimeNs: 9120n * NS_PER_TICK, lastCpu: 1, inQemuProcess: false },
    ]);
  });

  it('returns nothing for a QEMU without vhost', async () => {
    expect(await vhostThreads(fs, 5150)).toEqual([]);
  });
});

describe('nodeProcFs', () => {
  it('replays the on-disk fixture tree under a root prefix', async () => {
    const disk = nodeProcFs(join(FIXTURE, 'root'));
    const fromDisk = await readProcess(disk, 4242, { threads: true });
    const fromMemory = await readProcess(fs, 4242, { threads: true });
    expect(fromDisk).toEqual(fromMemory);
    expect(await findQemuPid(disk, 'a,b')).toBe(5150);
    const sync = nodeProcFs(join(FIXTURE, 'root'), { sync: true });
    expect(await readProcess(sync, 4242, { threads: true })).toEqual(fromMemory);
    expect(await sync.readFile('/proc/404/stat')).toMatchObject({ ok: false, kind: 'missing' });
    expect(await sync.readdir('/proc/4242/stat')).toMatchObject({ ok: false, kind: 'missing' });
  });

  it('reads this very process from the live /proc', async () => {
    const live = nodeProcFs();
    const p = await readProcess(live, process.pid, { threads: true });
    expect(p.cpuTimeNs).not.toBeNull();
    expect(p.cpuTimeNs! > 0n).toBe(true);
    expect(p.rssKiB).toBeGreaterThan(0);
    expect(p.threads.map((t) => t.tid)).toContain(process.pid);
    const host = await readHostCounters(live);
    expect(host.error).toBeNull();
    expect(host.cpuTotalNs! > 0n).toBe(true);
    expect(host.memTotalKiB! > 0n).toBe(true);
  });

  it('classifies failures instead of throwing', async () => {
    const live = nodeProcFs();
    expect(await live.readFile('/proc/this-does-not-exist')).toMatchObject({ ok: false, kind: 'missing' });
    expect(await live.readdir('/proc/self/stat')).toMatchObject({ ok: false, kind: 'missing' }); // ENOTDIR
    expect(await live.readFile('/proc/self')).toMatchObject({ ok: false, kind: 'io' }); // EISDIR
    const big = await live.readFile('/proc/self/status'); // bigger than one small read on some hosts
    expect(big.ok && big.value.startsWith('Name:')).toBe(true);
  });

  it('reads files larger than its first buffer', async () => {
    const disk = nodeProcFs();
    const path = join(import.meta.dirname, 'parse.test.ts');
    const text = await disk.readFile(path);
    expect(text.ok && text.value).toBe(readFileSync(path, 'utf8'));
    const textSync = await nodeProcFs('', { sync: true }).readFile(path);
    expect(textSync.ok && textSync.value).toBe(readFileSync(path, 'utf8'));
  });
});
