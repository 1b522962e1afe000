// Small helpers shared by the benchmark sections: timing, processes with
// time limits, a private temporary directory, the repository root.

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: the first directory above this file holding package.json and src/. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`bench: cannot find the repository root above ${fileURLToPath(import.meta.url)}`);
}

/** Directory of the compiled bench entry points (bench/dist/bench). */
export function benchDistDir(): string {
  return join(repoRoot(), 'bench', 'dist', 'bench');
}

let tmp: string | null = null;

/** One private temporary directory per bench process, removed by cleanupTmp(). */
export function benchTmp(): string {
  if (!tmp) tmp = mkdtempSync(join(tmpdir(), 'virtop-bench-'));
  return tmp;
}

export function cleanupTmp(): void {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = null;
}

const children = new Set<ChildProcess>();

/** Remembers a child process so killChildren() can end it if the bench is interrupted. */
export function adopt<C extends ChildProcess>(child: C): C {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Ends every child process this bench started and is still running (by its own handle, nothing else). */
export function killChildren(): void {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  children.clear();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface Timed<T> {
  value: T;
  wallMs: number;
  /** process CPU time (user + system, every thread of this process) */
  cpuMs: number;
}

/** Runs fn once and reports its wall time and the process CPU time it took. */
export async function timed<T>(fn: () => Promise<T>): Promise<Timed<T>> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  wallMs: number;
}

/** Runs a command to completion (killed after timeoutMs); never rejects. */
export function run(cmd: string, args: readonly string[], opts: SpawnOptions & { timeoutMs?: number } = {}): Promise<RunResult> {
  const { timeoutMs = 60_000, ...spawnOpts } = opts;
  return new Promise((resolve) => {
    const t0 = performance.now();
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let child;
    try {
      child = adopt(spawn(cmd, args, { ...spawnOpts, stdio: ['ignore', 'pipe', 'pipe'] }));
    } catch (e) {
      resolve({ code: null, signal: null, stdout, stderr: (e as Error).message, timedOut, wallMs: 0 });
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => {
      stderr += e.message;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, wallMs: performance.now() - t0 });
    });
  });
}

/** True if `cmd` is an executable on PATH. */
export function onPath(cmd: string): boolean {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    if (dir && existsSync(join(dir, cmd))) return true;
  }
  return false;
}

/** Rotates `items` by `k` places: interleaved cases change order every iteration. */
export function rotate<T>(items: readonly T[], k: number): T[] {
  const n = items.length;
  if (n === 0) return [];
  const s = ((k % n) + n) % n;
  return [...items.slice(s), ...items.slice(0, s)];
}

/**
 * Runs every case once per iteration, in an order rotated each time so no
 * case always follows the same neighbour, and keeps wall and CPU time of
 * the iterations after `warm`. `onSample` sees each kept run's result.
 */
export async function sideBySide<T>(
  cases: readonly { name: string; run: () => Promise<T> }[],
  warm: number,
  iters: number,
  onSample?: (name: string, t: Timed<T>) => void,
): Promise<Map<string, { wall: number[]; cpu: number[] }>> {
  const s = new Map(cases.map((c) => [c.name, { wall: [] as number[], cpu: [] as number[] }]));
  for (let i = 0; i < warm + iters; i++) {
    for (const c of rotate(cases, i)) {
      const t = await timed(c.run);
      if (i < warm) continue;
      s.get(c.name)!.wall.push(t.wallMs);
      s.get(c.name)!.cpu.push(t.cpuMs);
      onSample?.(c.name, t);
    }
  }
  return s;
}
