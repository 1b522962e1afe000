// File access for /proc: the small ProcFs interface every reader goes
// through (so tests can replay captured trees and inject the failures real
// hosts produce: threads exiting mid-scan, another user's /proc/PID/io), the
// node implementation with kept-open handles, and the helpers that turn a
// read into a value or a reason. Nothing here throws on a failed read.

import { closeSync, openSync, readSync, readdirSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { parseMaxOpenFiles, type ParseResult } from './parse.js';

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

export function readFailure<T>(kind: ReadErrorKind, error: string = KIND_MESSAGE[kind]): ReadResult<T> {
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

// A read of a /proc file hands over whole records, but at most one page of
// them at a time for files made of many (/proc/net/dev, /proc/net/arp,
// mountinfo): a short read is the end only for a small file. Below
// MAYBE_MORE bytes (a process's stat, status, io, a thread's schedstat) one
// read() is the whole file, which saves the extra read that proves EOF:
// three syscalls per file instead of four with thousands of QEMU threads
// per tick. Anything longer is read on until read() returns 0.
const INITIAL_READ_BYTES = 4096;
/** No record a reader takes in one piece is this long, so a short read below it is the whole file. */
const MAYBE_MORE = 2048;

/**
 * One read of a whole /proc file, whatever does the reading: a buffer that
 * grows ×4 while reads fill it, reads continuing where the last ended.
 */
class WholeRead {
  private buffer = Buffer.allocUnsafe(INITIAL_READ_BYTES);
  private length = 0;

  /** where the next read goes: [buffer, offset, length] */
  next(): [Buffer, number, number] {
    return [this.buffer, this.length, this.buffer.length - this.length];
  }

  /** Takes a read's byte count; true when the file is whole. */
  took(bytesRead: number, asked: number): boolean {
    this.length += bytesRead;
    if (bytesRead === 0 || (bytesRead < asked && this.length < MAYBE_MORE)) return true;
    if (this.length === this.buffer.length) {
      const bigger = Buffer.allocUnsafe(this.buffer.length * 4);
      this.buffer.copy(bigger, 0, 0, this.length);
      this.buffer = bigger;
    }
    return false;
  }

  text(): string {
    return this.buffer.toString('utf8', 0, this.length);
  }
}

async function readWholeFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const r = new WholeRead();
    for (;;) {
      const [buf, at, len] = r.next();
      if (r.took((await handle.read(buf, at, len, null)).bytesRead, len)) return r.text();
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Same as readWholeFile, without the thread pool. */
function readWholeFileSync(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const r = new WholeRead();
    for (;;) {
      const [buf, at, len] = r.next();
      if (r.took(readSync(fd, buf, at, len, null), len)) return r.text();
    }
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
  let length = 0;
  for (;;) {
    const asked = preadBuffer.length - length;
    // At offset `length`: a seq_file carries on from the record where its last read stopped.
    const bytesRead = readSync(fd, preadBuffer, length, asked, length);
    length += bytesRead;
    if (bytesRead === 0 || (bytesRead < asked && length < MAYBE_MORE)) return preadBuffer.toString('utf8', 0, length);
    if (length === preadBuffer.length) {
      const bigger = Buffer.allocUnsafe(preadBuffer.length * 4);
      preadBuffer.copy(bigger, 0, 0, length);
      preadBuffer = bigger;
    }
  }
}

/** Descriptors kept open when the process's limit cannot be read (and by handle sets that say nothing). */
export const FALLBACK_MAX_OPEN = 512;
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

/**
 * One file read tick after tick through a kept handle where the ProcFs has
 * handles (a pread at 0 regenerates a /proc, sysfs or cgroup file), else
 * the plain way each time. A failed read closes the handle, so the next
 * opens the path afresh and reports afresh.
 */
export class KeptOpenFile {
  private handle: number | null = null;

  constructor(
    private readonly fs: ProcFs,
    readonly path: string,
  ) {}

  async read(): Promise<ReadResult<string>> {
    const h = this.fs.handles;
    if (!h) return this.fs.readFile(this.path);
    if (this.handle === null) {
      const opened = h.open(this.path);
      if (!opened.ok) return opened;
      this.handle = opened.value;
    }
    const r = h.read(this.handle);
    if (!r.ok) this.close();
    return r;
  }

  close(): void {
    if (this.handle !== null) this.fs.handles?.close(this.handle);
    this.handle = null;
  }
}

/**
 * `fs` with readFile going through a KeptOpenFile per path: for the small
 * files a host reads every tick or every few (/proc/stat, /proc/meminfo,
 * pressure, KSM, bridge counters), one pread each instead of an
 * open-read-close round through the thread pool, which cost the JS thread
 * more than parsing them. Past `maxFiles` distinct paths (bridges come and
 * go) every handle is closed and the map starts over. close() closes all.
 */
export function keptOpenProcFs(fs: ProcFs, maxFiles = 256): ProcFs & { close(): void } {
  const files = new Map<string, KeptOpenFile>();
  const close = () => {
    for (const f of files.values()) f.close();
    files.clear();
  };
  return {
    handles: fs.handles,
    readdir: (path) => fs.readdir(path),
    readFile(path) {
      let f = files.get(path);
      if (!f) {
        if (files.size >= maxFiles) close();
        files.set(path, (f = new KeptOpenFile(fs, path)));
      }
      return f.read();
    },
    close,
  };
}

/** A fixture file: its text, or the failure reading it should produce. */

/** Bound on in-flight reads per scan; the libuv pool only runs 4 at once anyway. */
export const DEFAULT_CONCURRENCY = 64;

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

/** A path without trailing slashes ("/" stays "/"). */
export function trimSlashes(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}
