// Reads QEMU processes and host counters from /proc. All file access goes
// through the small ProcFs interface so tests can replay captured trees and
// inject the failures real hosts produce (threads exiting mid-scan,
// another user's /proc/PID/io). Nothing here throws on a failed read: the
// affected fields become null and the reason lands in `error`.

import { closeSync, openSync, readSync, readdirSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

import type { HostCounters, ProcessSample, ThreadSample } from '../types/sample.js';
import { mapLimit } from '../util/pool.js';
import {
  DEFAULT_CLK_TCK,
  parseCmdline,
  parseIo,
  parseMaxOpenFiles,
  parseMeminfo,
  parsePidFile,
  parseProcStat,
  parseSchedstat,
  parseStat,
  parseStatus,
  qemuGuestName,
  vcpuIndexFromComm,
  type ParseResult,
  type ProcIo,
  type ProcStatus,
  type Schedstat,
  type StatFields,
} from './parse.js';

// ---------------------------------------------------------------------------
// File access

/**
 * missing: the file or its process is gone (ENOENT, ESRCH) — routine for
 *          threads that exit between readdir and read;
 * denied:  EACCES/EPERM, e.g. /proc/PID/io of another user's process;
 * io:      anything else.
 */
export type ReadErrorKind = 'missing' | 'denied' | 'io';

export type ReadResult<T> = { ok: true; value: T } | { ok: false; kind: ReadErrorKind; error: string };

export interface ProcFs {
  /** Whole file as UTF-8 text. Never rejects. */
  readFile(path: string): Promise<ReadResult<string>>;
  /** Entry names of a directory. Never rejects. */
  readdir(path: string): Promise<ReadResult<string[]>>;
  /**
   * Synchronous access with files kept open between reads, for
   * ProcessReader's per-tick re-reads; absent where that can't be had.
   */
  handles?: ProcHandles;
}

/**
 * Blocking file access. Every call is one or a few syscalls on files the
 * kernel generates from memory, so it never waits on a disk, and callers
 * bound how many they make before yielding to the event loop.
 */
export interface ProcHandles {
  readFile(path: string): ReadResult<string>;
  readdir(path: string): ReadResult<string[]>;
  open(path: string): ReadResult<number>;
  /**
   * The whole text of an open file as it is now. /proc files are generated
   * afresh by a read at offset 0, so a kept handle costs one syscall per read
   * instead of three. On the real /proc a handle of a process or thread
   * that has exited fails with 'missing', even once its pid is reused.
   */
  read(handle: number): ReadResult<string>;
  close(handle: number): void;
  /** how many handles a long-lived reader may keep open at once, if the implementation knows */
  readonly maxOpen?: number;
}

const KIND_MESSAGE: Record<ReadErrorKind, string> = {
  missing: 'no such file or directory',
  denied: 'permission denied',
  io: 'I/O error',
};

function readFailure<T>(kind: ReadErrorKind, error: string = KIND_MESSAGE[kind]): ReadResult<T> {
  return { ok: false, kind, error };
}

function classifyError<T>(err: unknown): ReadResult<T> {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return readFailure('missing');
    case 'ESRCH':
      // Reading a file of a task that died after open() gives ESRCH.
      return readFailure('missing', 'process vanished');
    case 'EACCES':
    case 'EPERM':
      return readFailure('denied');
    default: {
      const message = err instanceof Error ? err.message : String(err);
      return readFailure('io', code ? `${code}: ${message}` : message);
    }
  }
}

// Most /proc files are seq_files, which hand over everything that fits in
// one read(); a short read therefore means EOF. Relying on that saves the
// extra fstat() and EOF read() of fs.readFile — three syscalls per file
// instead of five, which matters with thousands of QEMU threads per tick.
const INITIAL_READ_BYTES = 4096;

async function readWholeFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(INITIAL_READ_BYTES);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      length += bytesRead;
      if (bytesRead === 0 || length < buffer.length) break;
      const bigger = Buffer.allocUnsafe(buffer.length * 4);
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Same as readWholeFile, without the thread pool. */
function readWholeFileSync(path: string): string {
  const fd = openSync(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(INITIAL_READ_BYTES);
    let length = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, null);
      length += bytesRead;
      if (bytesRead === 0 || length < buffer.length) break;
      const bigger = Buffer.allocUnsafe(buffer.length * 4);
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

export interface NodeProcFsOptions {
  /**
   * Do the syscalls synchronously. Measured on a 2-vCPU VM, 2000 small
   * /proc reads take ~30 ms this way against ~175-290 ms through libuv's
   * thread pool, because each async read is three pool round trips. The
   * cost is that the event loop is blocked for the whole scan, so use it
   * from a worker thread or where a few ms of stall is acceptable.
   */
  sync?: boolean;
}

// One buffer for every positional read: reads are synchronous, so they can
// never overlap, and small /proc files then cost no allocation but the string.
let preadBuffer = Buffer.allocUnsafe(16 * 1024);

function preadWhole(fd: number): string {
  for (;;) {
    const bytesRead = readSync(fd, preadBuffer, 0, preadBuffer.length, 0);
    if (bytesRead < preadBuffer.length) return preadBuffer.toString('utf8', 0, bytesRead);
    // Filled: the file may be longer. Read it again whole rather than
    // continuing at an offset, which would stitch two generations together.
    preadBuffer = Buffer.allocUnsafe(preadBuffer.length * 4);
  }
}

const FALLBACK_MAX_OPEN = 512;
const CEILING_MAX_OPEN = 65_536;

/** Half of this process's descriptor limit for /proc handles: libvirt sockets, the TTY and files need the rest. */
function handleBudget(): number {
  try {
    const soft = parseMaxOpenFiles(readWholeFileSync('/proc/self/limits'));
    return soft === null ? FALLBACK_MAX_OPEN : Math.min(CEILING_MAX_OPEN, Math.floor(soft / 2));
  } catch {
    return FALLBACK_MAX_OPEN;
  }
}

/** A read as a ReadResult: the value, or the error sorted into missing/denied/io. */
function attempt<T>(read: () => T): ReadResult<T> {
  try {
    return { ok: true, value: read() };
  } catch (err) {
    return classifyError(err);
  }
}

async function attemptAsync<T>(read: () => Promise<T>): Promise<ReadResult<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (err) {
    return classifyError(err);
  }
}

function nodeHandles(resolve: (path: string) => string): ProcHandles {
  let maxOpen: number | undefined;
  return {
    readFile: (path) => attempt(() => readWholeFileSync(resolve(path))),
    readdir: (path) => attempt(() => readdirSync(resolve(path))),
    open: (path) => attempt(() => openSync(resolve(path), 'r')),
    read: (handle) => attempt(() => preadWhole(handle)),
    close(handle) {
      try {
        closeSync(handle);
      } catch {
        // EBADF would be our bug, EINTR/EIO on close leave nothing to retry; the slot is freed either way.
      }
    },
    get maxOpen() {
      return (maxOpen ??= handleBudget());
    },
  };
}

/**
 * The real /proc. `root` prefixes every path, for a host /proc mounted
 * elsewhere (a container's /host) or a captured tree on disk.
 */
export function nodeProcFs(root = '', options: NodeProcFsOptions = {}): ProcFs {
  const resolve = (path: string): string => (root === '' ? path : join(root, path));
  const handles = nodeHandles(resolve);
  if (options.sync) {
    return {
      handles,
      readFile: async (path) => handles.readFile(path),
      readdir: async (path) => handles.readdir(path),
    };
  }
  return {
    handles,
    readFile: (path) => attemptAsync(() => readWholeFile(resolve(path))),
    readdir: (path) => attemptAsync(() => readdir(resolve(path))),
  };
}

/** A fixture file: its text, or the failure reading it should produce. */
export type FixtureEntry = string | { error: ReadErrorKind };

function trimSlashes(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** memoryProcFs, plus what tests need to play a host over time. */
export interface MemoryProcFs extends ProcFs {
  handles: ProcHandles;
  /** Swaps in a new tree, as the host looks a tick later; open handles read the new contents. */
  replace(entries: Readonly<Record<string, FixtureEntry>>): void;
  /** handles opened and not yet closed */
  readonly openHandles: number;
}

/**
 * An in-memory /proc keyed by absolute path. Directories are implied by the
 * paths beneath them; an error entry still shows up in its directory's
 * listing, which is how a thread that vanishes mid-scan looks (listed, then
 * unreadable). An error entry on a directory path makes readdir fail.
 *
 * Its handles follow paths, not processes: after replace() puts another
 * process at the same pid, an old handle reads the new one. The kernel
 * would fail that read instead, so a reader that passes tests here copes
 * with the stricter real thing too.
 */
export function memoryProcFs(entries: Readonly<Record<string, FixtureEntry>>): MemoryProcFs {
  let files = new Map<string, FixtureEntry>();
  let dirs = new Map<string, Set<string>>();
  const load = (tree: Readonly<Record<string, FixtureEntry>>): void => {
    files = new Map();
    dirs = new Map();
    for (const [rawPath, entry] of Object.entries(tree)) {
      const path = trimSlashes(rawPath);
      files.set(path, entry);
      let child = path;
      while (child !== '/') {
        const slash = child.lastIndexOf('/');
        const parent = slash <= 0 ? '/' : child.slice(0, slash);
        let names = dirs.get(parent);
        if (!names) dirs.set(parent, (names = new Set()));
        names.add(child.slice(slash + 1));
        child = parent;
      }
    }
  };
  load(entries);

  const readFile = (rawPath: string): ReadResult<string> => {
    const path = trimSlashes(rawPath);
    const entry = files.get(path);
    if (entry === undefined) {
      return dirs.has(path) ? readFailure('io', 'EISDIR: is a directory') : readFailure('missing');
    }
    return typeof entry === 'string' ? { ok: true, value: entry } : readFailure(entry.error);
  };
  const readdirNow = (rawPath: string): ReadResult<string[]> => {
    const path = trimSlashes(rawPath);
    const entry = files.get(path);
    if (entry !== undefined && typeof entry !== 'string') return readFailure(entry.error);
    const names = dirs.get(path);
    if (!names) return entry === undefined ? readFailure('missing') : readFailure('io', 'ENOTDIR: not a directory');
    return { ok: true, value: [...names] };
  };

  const open = new Map<number, string>();
  let nextHandle = 1;
  const handles: ProcHandles = {
    readFile,
    readdir: readdirNow,
    open(path) {
      const first = readFile(path);
      if (!first.ok) return first;
      open.set(nextHandle, path);
      return { ok: true, value: nextHandle++ };
    },
    read(handle) {
      const path = open.get(handle);
      if (path === undefined) return readFailure('io', 'EBADF: bad file descriptor');
      const now = readFile(path);
      // What a kept descriptor of an exited task gets from the kernel.
      return !now.ok && now.kind === 'missing' ? readFailure('missing', 'process vanished') : now;
    },
    close(handle) {
      open.delete(handle);
    },
  };

  return {
    handles,
    async readFile(path) {
      return readFile(path);
    },
    async readdir(path) {
      return readdirNow(path);
    },
    replace: load,
    get openHandles() {
      return open.size;
    },
  };
}

/**
 * Loads a directory tree (a captured /proc, /run, ...) into entries for
 * memoryProcFs: `<dir>/proc/1/stat` becomes "/proc/1/stat". Unlike the live
 * reader this may throw — it's for tests and replay tools, where a missing
 * fixture is a bug.
 */
export async function loadProcTree(dir: string): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  const walk = async (current: string): Promise<void> => {
    for (const dirent of await readdir(current, { withFileTypes: true })) {
      const full = join(current, dirent.name);
      if (dirent.isDirectory()) await walk(full);
      else if (dirent.isFile()) entries['/' + relative(dir, full).split(sep).join('/')] = await readWholeFile(full);
    }
  };
  await walk(dir);
  return entries;
}

// ---------------------------------------------------------------------------
// Helpers

/** Bound on in-flight reads per scan; the libuv pool only runs 4 at once anyway. */
const DEFAULT_CONCURRENCY = 64;

const NUMERIC = /^\d+$/;

/** Numeric entries (pids, tids) in ascending order. */
export function numericEntries(names: readonly string[]): number[] {
  return names
    .filter((name) => NUMERIC.test(name))
    .map(Number)
    .filter(Number.isSafeInteger)
    .sort((a, b) => a - b);
}

/**
 * Turns read + parse into a value or null, recording "<path>: <why>" in
 * `errors` unless the failure is a missing file and `quietIfMissing`.
 */
export function interpret<T>(
  path: string,
  read: ReadResult<string>,
  parse: (text: string) => ParseResult<T>,
  errors: string[],
  quietIfMissing = false,
): T | null {
  if (!read.ok) {
    if (!(quietIfMissing && read.kind === 'missing')) errors.push(`${path}: ${read.error}`);
    return null;
  }
  const parsed = parse(read.value);
  if (!parsed.ok) {
    errors.push(`${path}: ${parsed.error}`);
    return null;
  }
  return parsed.value;
}

/** Collapses per-thread errors so 1000 unreadable threads are one line. */
export function summarise(errors: readonly string[], what: string): string | null {
  if (errors.length === 0) return null;
  return errors.length === 1 ? errors[0] : `${errors[0]} (and ${errors.length - 1} more ${what})`;
}

// ---------------------------------------------------------------------------
// Processes and threads

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
    cpuTimeNs: stat.cpuTimeNs,
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

export function vanishedProcessSample(pid: number): ProcessSample {
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
): ProcessSample {
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

// ---------------------------------------------------------------------------
// Finding a domain's QEMU process

/** Where the system libvirtd keeps QEMU pid files (session mode: $XDG_RUNTIME_DIR/libvirt/qemu/run). */
export const DEFAULT_QEMU_RUN_DIR = '/run/libvirt/qemu';

export interface FindQemuPidOptions {
  /** directory holding NAME.pid; defaults to /run/libvirt/qemu */
  runDir?: string;
  /** fall back to scanning every /proc/PID/cmdline (default true) */
  scan?: boolean;
  concurrency?: number;
}

/**
 * Whether `pid` is the QEMU of domain `name`. A pid file can outlive its
 * QEMU and the pid be reused, so the process must prove it: its -name says
 * this guest, or — when cmdline is unreadable or carries no -name — its comm
 * starts with "qemu". A QEMU whose -name names another guest is rejected.
 */
async function isQemuOf(fs: ProcFs, pid: number, name: string): Promise<boolean> {
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`);
  if (cmdline.ok) {
    const guest = qemuGuestName(parseCmdline(cmdline.value));
    if (guest !== null) return guest === name;
  } else if (cmdline.kind === 'missing') {
    return false;
  }
  const comm = await fs.readFile(`/proc/${pid}/comm`);
  return comm.ok && comm.value.startsWith('qemu');
}

/**
 * The pid of domain `domainName`'s QEMU, or null. Tries libvirt's pid file
 * (named with the literal domain name), then optionally scans /proc for a
 * process whose `-name guest=...` is this domain. The scan reads one file
 * per process on the host, so callers should cache the answer per domain id.
 */
export async function findQemuPid(
  fs: ProcFs,
  domainName: string,
  opts: FindQemuPidOptions = {},
): Promise<number | null> {
  // libvirt forbids "/" in names; refusing it here keeps the path inside runDir.
  if (domainName !== '' && !domainName.includes('/')) {
    const runDir = trimSlashes(opts.runDir ?? DEFAULT_QEMU_RUN_DIR);
    const pidFile = await fs.readFile(`${runDir}/${domainName}.pid`);
    const pid = pidFile.ok ? parsePidFile(pidFile.value) : null;
    if (pid !== null && (await isQemuOf(fs, pid, domainName))) return pid;
  }
  if (opts.scan === false) return null;

  const listing = await fs.readdir('/proc');
  if (!listing.ok) return null;
  let found: number | null = null;
  await mapLimit(numericEntries(listing.value), opts.concurrency ?? DEFAULT_CONCURRENCY, async (pid) => {
    if (found !== null) return; // stop reading once someone matched
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`);
    if (cmdline.ok && qemuGuestName(parseCmdline(cmdline.value)) === domainName) {
      found = found === null ? pid : Math.min(found, pid);
    }
  });
  return found;
}

// ---------------------------------------------------------------------------
// Host counters

/** HostCounters plus why parts of it are null. */
export interface HostCountersReading extends HostCounters {
  error: string | null;
}

export async function readHostCounters(fs: ProcFs, clkTck: number = DEFAULT_CLK_TCK): Promise<HostCountersReading> {
  const [statRead, meminfoRead] = await Promise.all([fs.readFile('/proc/stat'), fs.readFile('/proc/meminfo')]);
  const errors: string[] = [];
  const stat = interpret('/proc/stat', statRead, (t) => parseProcStat(t, clkTck), errors);
  const mem = interpret('/proc/meminfo', meminfoRead, parseMeminfo, errors);
  return {
    cpuTotalNs: stat?.total.totalNs ?? null,
    cpuBusyNs: stat?.total.busyNs ?? null,
    perCpu: stat?.perCpu.map(({ cpu, totalNs, busyNs }) => ({ cpu, totalNs, busyNs })) ?? [],
    memTotalKiB: mem?.memTotalKiB ?? null,
    memAvailableKiB: mem?.memAvailableKiB ?? null,
    memFreeKiB: mem?.memFreeKiB ?? null,
    error: errors.length > 0 ? errors.join('; ') : null,
  };
}

// ---------------------------------------------------------------------------
// vhost workers

export interface VhostThread {
  /** pid of the kernel thread, or tid within the QEMU process */
  tid: number;
  comm: string;
  cpuTimeNs: bigint;
  lastCpu: number | null;
  /**
   * true for vhost_task workers (Linux >= 6.4), which are threads of the
   * QEMU process: their time is already in its cpuTimeNs and thread list,
   * so overhead accounting must not add it again. false for the separate
   * kernel threads of older kernels.
   */
  inQemuProcess: boolean;
}

export interface VhostThreadsOptions {
  clkTck?: number;
  /**
   * Other QEMU tids that may own vhost devices. Older kernels name the
   * worker after the tid that called VHOST_SET_OWNER, which is usually but
   * not necessarily the main thread.
   */
  ownerTids?: readonly number[];
  concurrency?: number;
}

/**
 * vhost worker threads serving QEMU `qemuPid`, found by comm "vhost-<pid>"
 * among all processes (kernel threads) and among QEMU's own tasks
 * (vhost_task). Scans every /proc/PID/comm, so cache the tids and re-read
 * only those on later ticks. Unreadable entries are skipped.
 */
export async function vhostThreads(
  fs: ProcFs,
  qemuPid: number,
  opts: VhostThreadsOptions = {},
): Promise<VhostThread[]> {
  const clkTck = opts.clkTck ?? DEFAULT_CLK_TCK;
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const names = new Set([qemuPid, ...(opts.ownerTids ?? [])].map((id) => `vhost-${id}`));

  const probe = async (dir: string, id: number, inQemuProcess: boolean): Promise<VhostThread | null> => {
    const comm = await fs.readFile(`${dir}/comm`);
    if (!comm.ok || !names.has(comm.value.replace(/\n$/, ''))) return null;
    const statRead = await fs.readFile(`${dir}/stat`);
    const stat = statRead.ok ? parseStat(statRead.value, clkTck) : null;
    if (stat === null || !stat.ok) return null;
    return { tid: id, comm: stat.value.comm, cpuTimeNs: stat.value.cpuTimeNs, lastCpu: stat.value.lastCpu, inQemuProcess };
  };

  const [procs, tasks] = await Promise.all([fs.readdir('/proc'), fs.readdir(`/proc/${qemuPid}/task`)]);
  const jobs: { dir: string; id: number; inQemuProcess: boolean }[] = [];
  if (procs.ok) {
    for (const pid of numericEntries(procs.value)) {
      if (pid !== qemuPid) jobs.push({ dir: `/proc/${pid}`, id: pid, inQemuProcess: false });
    }
  }
  if (tasks.ok) {
    for (const tid of numericEntries(tasks.value)) {
      if (tid !== qemuPid) jobs.push({ dir: `/proc/${qemuPid}/task/${tid}`, id: tid, inQemuProcess: true });
    }
  }
  const found = await mapLimit(jobs, concurrency, (job) => probe(job.dir, job.id, job.inQemuProcess));
  return found.filter((v): v is VhostThread => v !== null).sort((a, b) => a.tid - b.tid);
}
