import { beforeAll, describe, expect, it } from 'vitest';
import { memoryProcFs, type FixtureEntry } from '../../helpers/memory-procfs.js';
import { type ProcFs } from '../../../src/procfs/fs.js';
import { readVhost, VhostScanner } from '../../../src/procfs/vhost.js';
import { loadQemuHostFixture } from '../../helpers/proc-fixture.js';

// The qemu-host fixture (see reader.test.ts): QEMU 4242 with an in-process
// vhost_task 4250 (Linux >= 6.4), QEMU 6000 with a vhost kernel thread 4300.
const NS_PER_TICK = 10_000_000n;
let entries: Record<string, FixtureEntry>;
let fs: ProcFs;

beforeAll(async () => {
  entries = await loadQemuHostFixture();
  fs = memoryProcFs(entries);
});

/** Wraps a ProcFs to list the files read. */
function counting(inner: ProcFs): ProcFs & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readFile: (p) => {
      reads.push(p);
      return inner.readFile(p);
    },
    readdir: (p) => {
      reads.push(`dir:${p}`);
      return inner.readdir(p);
    },
  };
}

describe('readVhost', () => {
  it.each([
    [4242, [{ tid: 4250, cpuTimeNs: 3311n * NS_PER_TICK, inQemuProcess: true }]],
    [6000, [{ tid: 4300, cpuTimeNs: 9120n * NS_PER_TICK, inQemuProcess: false }]],
    [5150, []],
  ])('a full scan finds the workers of QEMU %i', async (pid, want) => {
    expect(await readVhost(fs, pid, null)).toEqual(want);
  });

  it('re-reads only the known workers, without scanning /proc', async () => {
    const c = counting(fs);
    expect(await readVhost(c, 6000, [{ tid: 4300, inQemuProcess: false }])).toEqual([{ tid: 4300, cpuTimeNs: 9120n * NS_PER_TICK, inQemuProcess: false }]);
    expect(await readVhost(c, 4242, [{ tid: 4250, inQemuProcess: true }])).toEqual([{ tid: 4250, cpuTimeNs: 3311n * NS_PER_TICK, inQemuProcess: true }]);
    expect(c.reads).toEqual(['/proc/4300/stat', '/proc/4242/task/4250/stat']);
  });

  it('drops a worker that exited or whose pid now belongs to something else', async () => {
    const stat = entries['/proc/4300/stat'] as string;
    const reused = memoryProcFs({ ...entries, '/proc/4300/stat': stat.replace('(vhost-6000)', '(bash)') });
    expect(await readVhost(reused, 6000, [{ tid: 4300, inQemuProcess: false }])).toEqual([]);
    expect(await readVhost(fs, 6000, [{ tid: 999999, inQemuProcess: false }])).toEqual([]);
  });
});

describe('VhostScanner', () => {
  it('one pass over /proc serves every QEMU asking while its index is fresh; a stale index is made again', async () => {
    const c = counting(fs);
    let now = 0;
    const scanner = new VhostScanner(c, { maxAgeMs: 1000, nowMs: () => now });
    const all = await Promise.all([4242, 6000, 5150].map((pid) => scanner.scan(pid)));
    expect(all.map((found) => found.map((t) => [t.tid, t.inQemuProcess]))).toEqual([[[4250, true]], [[4300, false]], []]);
    const passes = () => c.reads.filter((r) => r === 'dir:/proc').length;
    expect(passes()).toBe(1);
    const commsRead = c.reads.filter((r) => /^\/proc\/\d+\/comm$/.test(r)).length;
    now = 900;
    await scanner.scan(6000);
    expect(passes()).toBe(1);
    // only the QEMU's own tasks and the known worker were read: no host-wide comm pass
    expect(c.reads.filter((r) => /^\/proc\/\d+\/comm$/.test(r)).length).toBe(commsRead);
    now = 2500;
    expect((await scanner.scan(6000)).map((t) => t.tid)).toEqual([4300]);
    expect(passes()).toBe(2);
  });
});
