// Reads the same QEMU processes tick after tick, keeping their /proc files
// open in between. Opening a /proc file walks the path and allocates a file
// and a seq_file each time; a kept descriptor is re-read with one pread at
// offset 0, which the kernel answers with freshly generated text. With 1000
// threads that is 2000 syscalls a tick instead of 6000 — and all of them
// synchronous, since a libuv pool round trip costs more than the syscall.
//
// Synchronous reads hold the event loop, so a scan yields to it whenever it
// has run for sliceMs. /proc/PID/task is listed again only when the
// process's thread count moved, a thread read says it exited, or every
// relistEvery reads as a backstop; otherwise the threads read last time are
// read again. Output and error texts are those of readProcess().

import type { Draft, ProcessSample, ThreadSample } from '../types/sample.js';
import {
  DEFAULT_CLK_TCK,
  parseIo,
  parseSchedstat,
  parseStat,
  parseStatus,
  parseTaskStat,
  vcpuIndexFromComm,
  type ParseResult,
  type Schedstat,
  type StatFields,
  type TaskStat,
} from './parse.js';
import { FALLBACK_MAX_OPEN, interpret, numericEntries, summarise, type ProcFs, type ProcHandles, type ReadResult } from './fs.js';
import { processSample, processVanished, readProcess, taskSample, vanishedProcessSample, type ReadProcessOptions } from './process.js';

export interface ProcessReaderOptions {
  /**
   * Most handles kept open at once over all processes. Files beyond it are
   * opened, read and closed each time: slower, never wrong. Default: what
   * the ProcFs suggests (half the descriptor limit for the real /proc), else 512.
   */
  maxOpen?: number;
  /** longest stretch of synchronous reads before yielding to the event loop, ms (default 2) */
  sliceMs?: number;
  /** list /proc/PID/task again after this many reads even if nothing hinted at a change (default 30) */
  relistEvery?: number;
  /** close the files of a process nobody has read for this long, ms (default 120 s) */
  idleCloseMs?: number;
  /** look for exited and idle processes this often, ms; 0: only when sweep() is called (default 10 s) */
  sweepEveryMs?: number;
  /** ms clock for idleness; defaults to performance.now */
  nowMs?: () => number;
  /** monotonic ns clock that stamps each scan (default process.hrtime.bigint):
   *  the collector's clock, so stamps from either compare */
  monoNs?: () => bigint;
}

const DEFAULT_SLICE_MS = 2;
const DEFAULT_RELIST_EVERY = 30;
const DEFAULT_IDLE_CLOSE_MS = 120_000;
const DEFAULT_SWEEP_EVERY_MS = 10_000;
/** threads read between clock checks; a thread costs ~10 µs, so the check is noise */
const THREADS_PER_CLOCK_CHECK = 16;

/** A file that may have an open handle. */
interface KeptFile {
  readonly path: string;
  handle: number | null;
}

/**
 * The last text read from a file and what it parsed to. Most threads of a
 * QEMU sleep through a tick and their files read the same as before, so
 * comparing the text (a memcmp) stands in for parsing it again.
 */
interface Memo<T> {
  text: string | null;
  clkTck: number;
  parsed: ParseResult<T> | null;
  /** the last parseMemo call found the text unchanged */
  same: boolean;
}

const memo = <T>(): Memo<T> => ({ text: null, clkTck: 0, parsed: null, same: false });

function parseMemo<T>(m: Memo<T>, text: string, clkTck: number, parse: (text: string, clkTck: number) => ParseResult<T>): ParseResult<T> {
  m.same = m.parsed !== null && m.text === text && m.clkTck === clkTck;
  if (m.same) return m.parsed as ParseResult<T>;
  m.text = text;
  m.clkTck = clkTck;
  m.parsed = parse(text, clkTck);
  return m.parsed;
}

interface ThreadEntry {
  readonly tid: number;
  readonly stat: KeptFile;
  readonly sched: KeptFile;
  readonly statMemo: Memo<TaskStat>;
  readonly schedMemo: Memo<Schedstat>;
  /** the kernel has no schedstat (no CONFIG_SCHED_INFO): stop asking */
  schedAbsent: boolean;
  /** identifies this thread across reads, so a reused tid is not taken for it */
  startTimeTicks: number | null;
  /** last comm seen and its vCPU index, so the regex runs only when a thread is renamed */
  comm: string | null;
  vcpu: number | null;
  /** the sample its last read gave: given again while both files read the same (samples are never changed) */
  last: ThreadSample | null;
}

interface ProcessEntry {
  readonly pid: number;
  readonly stat: KeptFile;
  readonly status: KeptFile;
  readonly io: KeptFile;
  /** identifies the process across reads: a pid reused by another process starts at another time */
  startTimeTicks: bigint | null;
  /** ascending tid; null until listed (or while threads are not wanted) */
  threads: ThreadEntry[] | null;
  /** num_threads when the task directory was last listed */
  numThreadsAtList: number | null;
  readsSinceList: number;
  lastReadMs: number;
  /** a read is in progress: its handles must stay open until it is done */
  busy: boolean;
  /** close once the read in progress is done */
  doomed: boolean;
}

const kept = (path: string): KeptFile => ({ path, handle: null });

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class ProcessReader {
  private readonly handles: ProcHandles | null;
  private readonly entries = new Map<number, ProcessEntry>();
  private open = 0;
  private readonly maxOpen: number;
  private readonly sliceMs: number;
  private readonly relistEvery: number;
  private readonly idleCloseMs: number;
  private readonly sweepEveryMs: number;
  private readonly nowMs: () => number;
  private readonly monoNs: () => bigint;
  private timer: NodeJS.Timeout | null = null;
  private lastSweepMs: number;
  private closed = false;

  constructor(
    private readonly fs: ProcFs,
    opts: ProcessReaderOptions = {},
  ) {
    this.handles = fs.handles ?? null;
    this.maxOpen = opts.maxOpen ?? this.handles?.maxOpen ?? FALLBACK_MAX_OPEN;
    this.sliceMs = opts.sliceMs ?? DEFAULT_SLICE_MS;
    this.relistEvery = opts.relistEvery ?? DEFAULT_RELIST_EVERY;
    this.idleCloseMs = opts.idleCloseMs ?? DEFAULT_IDLE_CLOSE_MS;
    this.sweepEveryMs = opts.sweepEveryMs ?? DEFAULT_SWEEP_EVERY_MS;
    this.nowMs = opts.nowMs ?? (() => performance.now());
    this.monoNs = opts.monoNs ?? (() => process.hrtime.bigint());
    this.lastSweepMs = this.nowMs();
  }

  /** handles this reader holds open right now */
  get openHandles(): number {
    return this.open;
  }

  /** processes it keeps files of */
  get cachedPids(): number[] {
    return [...this.entries.keys()].sort((a, b) => a - b);
  }

  /** Same answer as readProcess(fs, pid, opts), plus when the scan ran (monoNs, spanNs). Never rejects. */
  async read(pid: number, opts: ReadProcessOptions): Promise<ProcessSample> {
    const handles = this.handles;
    let entry = this.entries.get(pid);
    // Without handles, after close(), or while another read of this pid is
    // mid-scan (its handles are in use), read the plain way.
    if (handles === null || this.closed || entry?.busy) return readProcess(this.fs, pid, opts);
    if (!entry) {
      const base = `/proc/${pid}`;
      entry = {
        pid,
        stat: kept(`${base}/stat`),
        status: kept(`${base}/status`),
        io: kept(`${base}/io`),
        startTimeTicks: null,
        threads: null,
        numThreadsAtList: null,
        readsSinceList: 0,
        lastReadMs: this.nowMs(),
        busy: false,
        doomed: false,
      };
      this.entries.set(pid, entry);
      this.startSweeping();
    }
    entry.busy = true;
    try {
      // Stamped from the first read to the last, not around the await: time
      // spent waiting to be resumed is not part of when /proc was read.
      return await this.readEntry(handles, entry, opts, this.monoNs());
    } finally {
      entry.busy = false;
      entry.lastReadMs = this.nowMs();
      if (entry.doomed) this.drop(entry);
    }
  }

  /**
   * Closes the files of processes that exited or that nobody read for
   * idleCloseMs. Runs by itself every sweepEveryMs; a collector that stops
   * reading a domain never has to say so.
   */
  sweep(): void {
    const now = this.nowMs();
    const since = this.lastSweepMs;
    this.lastSweepMs = now;
    for (const entry of [...this.entries.values()]) {
      if (entry.busy) continue;
      if (now - entry.lastReadMs >= this.idleCloseMs) {
        this.drop(entry);
      } else if (entry.lastReadMs < since && entry.stat.handle !== null && this.handles !== null) {
        // Not read since the last sweep: probably a shut-off guest whose QEMU
        // is gone. Its kept stat handle tells for one syscall.
        const probe = this.handles.read(entry.stat.handle);
        if (!probe.ok) this.drop(entry);
      }
    }
    if (this.entries.size === 0) this.stopSweeping();
  }

  /**
   * Closes every handle. Later reads still answer, the plain way, so a tick
   * that races shutdown cannot leak descriptors.
   */
  close(): void {
    this.closed = true;
    this.stopSweeping();
    for (const entry of [...this.entries.values()]) {
      if (entry.busy) entry.doomed = true;
      else this.drop(entry);
    }
  }

  // -------------------------------------------------------------------------

  private async readEntry(h: ProcHandles, entry: ProcessEntry, opts: ReadProcessOptions, startNs: bigint): Promise<ProcessSample> {
    // every sample here is a fresh object: stamp it in place
    const stamped = (sample: Draft<ProcessSample>): ProcessSample => {
      const endNs = this.monoNs();
      sample.monoNs = (startNs + endNs) / 2n;
      sample.spanNs = endNs - startNs;
      return sample;
    };
    const clkTck = opts.clkTck ?? DEFAULT_CLK_TCK;
    const pid = entry.pid;
    let sliceStart = this.nowMs();

    let statRead = this.readKept(h, entry.stat);
    let parsedStat = statRead.ok ? parseStat(statRead.value, clkTck) : null;
    if (entry.startTimeTicks !== null && this.isOtherProcess(entry, statRead, parsedStat)) {
      // The process we had open is gone; another may hold the pid now and
      // must be read from scratch, never through the old handles.
      this.forget(entry);
      statRead = this.readKept(h, entry.stat);
      parsedStat = statRead.ok ? parseStat(statRead.value, clkTck) : null;
    }
    const statusRead = this.readKept(h, entry.status);
    if (processVanished(statRead, statusRead)) {
      entry.doomed = true;
      return stamped(vanishedProcessSample(pid));
    }
    const ioRead = this.readKept(h, entry.io);
    if (parsedStat?.ok) entry.startTimeTicks = parsedStat.value.startTimeTicks;

    const errors: string[] = [];
    const stat = interpret(entry.stat.path, statRead, (t) => parsedStat ?? parseStat(t, clkTck), errors);
    const status = interpret(entry.status.path, statusRead, parseStatus, errors);
    const io = interpret(entry.io.path, ioRead, parseIo, errors);

    if (!opts.threads) {
      this.closeThreads(entry);
      return stamped(processSample(pid, stat, status, io, [], errors, opts.bootTimeMs));
    }

    const stale =
      entry.threads === null ||
      entry.readsSinceList >= this.relistEvery ||
      (stat !== null && stat.numThreads !== entry.numThreadsAtList);
    if (stale) {
      const listed = this.relist(h, entry, stat?.numThreads ?? null);
      if (!listed.ok) {
        errors.push(`/proc/${pid}/task: ${listed.error}`);
        return stamped(processSample(pid, stat, status, io, [], errors, opts.bootTimeMs));
      }
    } else {
      entry.readsSinceList++;
    }

    const threadErrors: string[] = [];
    const threads: ThreadSample[] = [];
    const exited = new Set<ThreadEntry>();
    const readAll = async (list: readonly ThreadEntry[]): Promise<void> => {
      for (let i = 0; i < list.length; i++) {
        if (i % THREADS_PER_CLOCK_CHECK === THREADS_PER_CLOCK_CHECK - 1 && this.nowMs() - sliceStart >= this.sliceMs) {
          await yieldToLoop();
          sliceStart = this.nowMs();
        }
        const t = this.readThread(h, list[i], clkTck, threadErrors);
        if (t === 'exited') exited.add(list[i]);
        else if (t !== null) threads.push(t);
      }
    };
    await readAll(entry.threads as ThreadEntry[]);
    if (exited.size > 0) {
      // A thread that exited may have been replaced by one the list doesn't
      // have yet, even under the same tid; listing again now keeps this tick
      // as complete as a fresh scan.
      entry.threads = (entry.threads as ThreadEntry[]).filter((t) => !exited.has(t));
      const listed = this.relist(h, entry, stat?.numThreads ?? null);
      if (listed.ok && listed.value.length > 0) {
        await readAll(listed.value);
        threads.sort((a, b) => a.tid - b.tid);
      }
    }
    const summary = summarise(threadErrors, 'thread errors');
    if (summary !== null) errors.push(summary);
    return stamped(processSample(pid, stat, status, io, threads, errors, opts.bootTimeMs));
  }

  /** A stat read through kept handles that no longer shows the process they were opened on. */
  private isOtherProcess(entry: ProcessEntry, statRead: ReadResult<string>, parsed: ParseResult<StatFields> | null): boolean {
    if (!statRead.ok) return statRead.kind === 'missing';
    return parsed !== null && parsed.ok && parsed.value.startTimeTicks !== entry.startTimeTicks;
  }

  /**
   * One thread, as readProcess's readThread does it. 'exited' for a thread
   * that is gone (quietly dropped, as there), null for one that could not
   * be read (the reason is in `errors`).
   */
  private readThread(
    h: ProcHandles,
    t: ThreadEntry,
    clkTck: number,
    errors: string[],
  ): ThreadSample | null | 'exited' {
    let statRead = this.readKept(h, t.stat);
    let parsed = statRead.ok ? parseMemo(t.statMemo, statRead.value, clkTck, parseTaskStat) : null;
    if (parsed?.ok && t.startTimeTicks !== null && parsed.value.startTimeTicks !== t.startTimeTicks) {
      // The tid now names another thread: start over on fresh handles.
      this.forgetThread(t);
      statRead = this.readKept(h, t.stat);
      parsed = statRead.ok ? parseMemo(t.statMemo, statRead.value, clkTck, parseTaskStat) : null;
    }
    // Messages name the kept path: a big host reads 10^4 thread files a
    // tick, and making their paths each time cost more than parsing them.
    if (!statRead.ok) {
      if (statRead.kind === 'missing') {
        this.forgetThread(t);
        return 'exited';
      }
      errors.push(`${t.stat.path}: ${statRead.error}`);
      return null;
    }
    if (parsed === null || !parsed.ok) {
      errors.push(`${t.stat.path}: ${parsed === null ? 'not parsed' : parsed.error}`);
      return null;
    }
    const stat = parsed.value;
    t.startTimeTicks = stat.startTimeTicks;
    if (stat.comm !== t.comm) {
      t.comm = stat.comm;
      t.vcpu = vcpuIndexFromComm(stat.comm);
    }
    const statSame = t.statMemo.same;
    let sched: Schedstat | null = null;
    let schedSame = true;
    if (!t.schedAbsent) {
      const schedRead = this.readKept(h, t.sched);
      if (schedRead.ok) {
        const p = parseMemo(t.schedMemo, schedRead.value, 0, parseSchedstat);
        schedSame = t.schedMemo.same;
        if (p.ok) sched = p.value;
        else errors.push(`${t.sched.path}: ${p.error}`);
      } else if (schedRead.kind === 'missing') {
        // stat was just readable, so a missing schedstat is the kernel lacking it, not the thread exiting.
        t.schedAbsent = true;
        schedSame = false;
      } else {
        schedSame = false;
        errors.push(`${t.sched.path}: ${schedRead.error}`);
      }
    }
    // Both files as last read (a sleeping thread; comm, hence the vCPU index,
    // is in stat): the last sample is this one.
    if (statSame && schedSame && t.last !== null) return t.last;
    t.last = taskSample(t.tid, stat, sched, t.vcpu, clkTck);
    return t.last;
  }

  /**
   * Brings the thread list in line with /proc/PID/task: keeps the handles of
   * threads still there, closes those of threads gone, and returns the new ones.
   */
  private relist(h: ProcHandles, entry: ProcessEntry, numThreads: number | null): ReadResult<ThreadEntry[]> {
    const base = `/proc/${entry.pid}/task`;
    const listing = h.readdir(base);
    if (!listing.ok) {
      this.closeThreads(entry);
      return listing;
    }
    const tids = numericEntries(listing.value);
    const old = entry.threads ?? [];
    const next: ThreadEntry[] = [];
    const added: ThreadEntry[] = [];
    let j = 0;
    // Both lists ascend by tid: one merge pass.
    for (const tid of tids) {
      while (j < old.length && old[j].tid < tid) this.forgetThread(old[j++]);
      if (j < old.length && old[j].tid === tid) {
        next.push(old[j++]);
      } else {
        const t: ThreadEntry = {
          tid,
          stat: kept(`${base}/${tid}/stat`),
          sched: kept(`${base}/${tid}/schedstat`),
          statMemo: memo(),
          schedMemo: memo(),
          schedAbsent: false,
          startTimeTicks: null,
          comm: null,
          vcpu: null,
          last: null,
        };
        next.push(t);
        added.push(t);
      }
    }
    while (j < old.length) this.forgetThread(old[j++]);
    entry.threads = next;
    entry.numThreadsAtList = numThreads;
    entry.readsSinceList = 0;
    return { ok: true, value: added };
  }

  /** Reads a file through its kept handle, opening one if the budget allows. */
  private readKept(h: ProcHandles, file: KeptFile): ReadResult<string> {
    if (file.handle === null) {
      if (this.open >= this.maxOpen) return h.readFile(file.path);
      const opened = h.open(file.path);
      if (!opened.ok) return opened;
      file.handle = opened.value;
      this.open++;
    }
    const read = h.read(file.handle);
    // A handle that failed once (task gone, access revoked) is not worth
    // keeping: the next read opens the path again and reports afresh.
    if (!read.ok) this.closeKept(file);
    return read;
  }

  private closeKept(file: KeptFile): void {
    if (file.handle === null) return;
    this.handles?.close(file.handle);
    file.handle = null;
    this.open--;
  }

  private forgetThread(t: ThreadEntry): void {
    this.closeKept(t.stat);
    this.closeKept(t.sched);
    t.schedAbsent = false;
    t.startTimeTicks = null;
    t.statMemo.text = t.schedMemo.text = null;
    t.statMemo.parsed = null;
    t.schedMemo.parsed = null;
    t.comm = null;
    t.vcpu = null;
    t.last = null;
  }

  private closeThreads(entry: ProcessEntry): void {
    for (const t of entry.threads ?? []) this.forgetThread(t);
    entry.threads = null;
    entry.numThreadsAtList = null;
    entry.readsSinceList = 0;
  }

  /** Closes everything of an entry but keeps it, for the process now holding its pid. */
  private forget(entry: ProcessEntry): void {
    this.closeKept(entry.stat);
    this.closeKept(entry.status);
    this.closeKept(entry.io);
    this.closeThreads(entry);
    entry.startTimeTicks = null;
  }

  private drop(entry: ProcessEntry): void {
    this.forget(entry);
    if (this.entries.get(entry.pid) === entry) this.entries.delete(entry.pid);
  }

  private startSweeping(): void {
    if (this.timer !== null || this.sweepEveryMs <= 0) return;
    this.timer = setInterval(() => this.sweep(), this.sweepEveryMs);
    // Housekeeping only: never the reason the process stays alive.
    this.timer.unref();
  }

  private stopSweeping(): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
  }
}
