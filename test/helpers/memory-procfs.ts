// An in-memory /proc for tests (and the tree loader that fills one from a
// captured directory): the ProcFs and ProcHandles a reader sees on a host,
// with the failures real hosts produce, and a way to move the host on a tick.

import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { readFailure, trimSlashes, type ProcFs, type ProcHandles, type ReadErrorKind, type ReadResult } from '../../src/procfs/fs.js';

export type FixtureEntry = string | { error: ReadErrorKind };

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
      else if (dirent.isFile()) entries['/' + relative(dir, full).split(sep).join('/')] = await readFile(full, 'utf8');
    }
  };
  await walk(dir);
  return entries;
}
