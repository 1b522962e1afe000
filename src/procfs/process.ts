// One QEMU process and its threads, read from /proc through ProcFs: the
// plain (async) reader, and the pieces ProcessReader (process-reader.ts)
// shares with it. Unreadable fields are null with the reason in `error`.

import type { Draft, ProcessSample, ThreadSample } from '../types/sample.js';
import { mapLimit } from '../util/pool.js';
import { DEFAULT_CONCURRENCY, interpret, numericEntries, summarise, type ProcFs, type ReadResult } from './fs.js';
import {
  DEFAULT_CLK_TCK,
  parseIo,
  parseSchedstat,
  parseStat,
  parseStatus,
  vcpuIndexFromComm,
  type ProcIo,
  type ProcStatus,
  type Schedstat,
  type StatFields,
  type TaskStat,
  ticksToNs,
} from './parse.js';

export interface ReadProcessOptions {
  /** read /proc/PID/task/* too (costs two reads per thread) */
  threads: boolean;
  /** USER_HZ; defaults to 100 */
  clkTck?: number;
  /** max reads in flight while scanning threads */
  concurrency?: number;
  /** host boot time, ms since epoch, to turn the process start tick into a wall time */
  bootTimeMs?: number | null;
}

/** One thread's sample from its parsed stat and schedstat (null: unreadable, so unknown). */
export function threadSample(tid: number, stat: StatFields, sched: Schedstat | null, vcpu = vcpuIndexFromComm(stat.comm)): ThreadSample {
  return {
    tid,
    comm: stat.comm,
    vcpu,
    // schedstat's runtime is in ns and lags at most one scheduler tick (4 ms
    // at HZ=250); stat's utime+stime is floored to 10 ms ticks on top of that,
    // which over a 0.5 s interval can read 104 % for a busy vCPU.
    cpuTimeNs: sched === null ? stat.cpuTimeNs : sched.runNs,
    runDelayNs: sched === null ? null : sched.waitNs,
    lastCpu: stat.lastCpu,
  };
}

/** The same sample from the per-tick reader's TaskStat (parse.ts parseTaskStat). */
export function taskSample(tid: number, stat: TaskStat, sched: Schedstat | null, vcpu: number | null, clkTck: number): ThreadSample {
  return {
    tid,
    comm: stat.comm,
    vcpu,
    cpuTimeNs: sched === null ? ticksToNs(BigInt(stat.cpuTicks), clkTck) : sched.runNs,
    runDelayNs: sched === null ? null : sched.waitNs,
    lastCpu: stat.lastCpu,
  };
}

/**
 * One thread: stat (which already carries comm, so the comm file is not
 * read) plus schedstat. Returns null for a thread that has exited.
 */
async function readThread(
  fs: ProcFs,
  pid: number,
  tid: number,
  clkTck: number,
  errors: string[],
): Promise<ThreadSample | null> {
  const base = `/proc/${pid}/task/${tid}`;
  const [statRead, schedRead] = await Promise.all([fs.readFile(`${base}/stat`), fs.readFile(`${base}/schedstat`)]);
  // A thread listed by readdir but gone by now is normal churn, not an error.
  const stat = interpret(`${base}/stat`, statRead, (t) => parseStat(t, clkTck), errors, true);
  if (stat === null) return null;
  // schedstat is absent on kernels without CONFIG_SCHED_INFO; that's "unknown", not a fault.
  const sched = interpret(`${base}/schedstat`, schedRead, parseSchedstat, errors, true);
  return threadSample(tid, stat, sched);
}

/** Both main files gone means the process is: one message says so instead of three ENOENTs. */
export function processVanished(statRead: ReadResult<string>, statusRead: ReadResult<string>): boolean {
  return !statRead.ok && statRead.kind === 'missing' && !statusRead.ok && statusRead.kind === 'missing';
}

export function vanishedProcessSample(pid: number): Draft<ProcessSample> {
  return {
    pid,
    rssKiB: null,
    ioReadBytes: null,
    ioWriteBytes: null,
    cpuTimeNs: null,
    threads: [],
    error: `/proc/${pid}: no such process`,
  };
}

/** The sample from what was read and parsed; `errors` in the order they were met. */
export function processSample(
  pid: number,
  stat: StatFields | null,
  status: ProcStatus | null,
  io: ProcIo | null,
  threads: ThreadSample[],
  errors: readonly string[],
  bootTimeMs: number | null | undefined,
): Draft<ProcessSample> {
  return {
    pid,
    rssKiB: status?.vmRssKiB ?? null,
    ioReadBytes: io?.readBytes ?? null,
    ioWriteBytes: io?.writeBytes ?? null,
    cpuTimeNs: stat?.cpuTimeNs ?? null,
    threads,
    startedWallMs:
      stat && bootTimeMs !== undefined && bootTimeMs !== null ? bootTimeMs + Number(stat.startTimeNs / 1_000_000n) : null,
    error: errors.length > 0 ? errors.join('; ') : null,
  };
}

/**
 * What /proc says about one process: RSS, storage I/O, CPU time and,
 * optionally, per-thread CPU time, run delay and vCPU mapping. Never rejects.
 */
export async function readProcess(fs: ProcFs, pid: number, opts: ReadProcessOptions): Promise<ProcessSample> {
  const clkTck = opts.clkTck ?? DEFAULT_CLK_TCK;
  const base = `/proc/${pid}`;
  const [statRead, statusRead, ioRead, tasksRead] = await Promise.all([
    fs.readFile(`${base}/stat`),
    fs.readFile(`${base}/status`),
    fs.readFile(`${base}/io`),
    opts.threads ? fs.readdir(`${base}/task`) : Promise.resolve(null),
  ]);

  if (processVanished(statRead, statusRead)) return vanishedProcessSample(pid);

  const errors: string[] = [];
  const stat = interpret(`${base}/stat`, statRead, (t) => parseStat(t, clkTck), errors);
  const status = interpret(`${base}/status`, statusRead, parseStatus, errors);
  const io = interpret(`${base}/io`, ioRead, parseIo, errors);

  let threads: ThreadSample[] = [];
  if (tasksRead !== null) {
    if (!tasksRead.ok) {
      errors.push(`${base}/task: ${tasksRead.error}`);
    } else {
      const threadErrors: string[] = [];
      const read = await mapLimit(numericEntries(tasksRead.value), opts.concurrency ?? DEFAULT_CONCURRENCY, (tid) =>
        readThread(fs, pid, tid, clkTck, threadErrors),
      );
      threads = read.filter((t): t is ThreadSample => t !== null);
      const summary = summarise(threadErrors, 'thread errors');
      if (summary !== null) errors.push(summary);
    }
  }

  return processSample(pid, stat, status, io, threads, errors, opts.bootTimeMs);
}
