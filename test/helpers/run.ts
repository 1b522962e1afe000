// Runs the built CLI (bin/virtop → dist/) as a child process, no shell.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin', 'virtop');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js')) || !existsSync(join(ROOT, 'native', 'build', 'Release', 'virtop_libvirt.node'))) {
    throw new Error('virtop is not built: run `npm run build` (scripts/setup.sh does it)');
  }
}

export function runVirtop(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, timeout: opts.timeoutMs ?? 60_000, env: { ...process.env, ...opts.env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: unknown }).code as number | null) : 0;
        resolvePromise({ code: typeof code === 'number' ? code : null, stdout, stderr });
      },
    );
  });
}

/** Runs `virtop ARGS | head -c N`-style: reads `bytes` of stdout, then closes the pipe. */
export function runVirtopClosingPipe(args: string[], bytes: number): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.length >= bytes) child.stdout.destroy();
    });
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

export interface VirtopLines {
  child: ChildProcess;
  /** the whole stdout lines so far */
  lines: string[];
  stderr(): string;
  /** settles when the process has exited and its pipes are closed */
  closed: Promise<{ code: number | null; lines: string[]; stderr: string }>;
}

/** Starts virtop and collects its stdout line by line, calling `onLine(i)` as each arrives; the caller stops it. */
export function spawnVirtopLines(args: string[], onLine: (index: number) => void = () => undefined): VirtopLines {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  child.stdout?.on('data', (d) => {
    buf += d;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      onLine(lines.length - 1);
    }
  });
  const closed = new Promise<{ code: number | null; lines: string[]; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, lines, stderr })));
  return { child, lines, stderr: () => stderr, closed };
}

/** Runs virtop to its end and calls `onLine(i)` as each stdout line arrives (to take ground truth in step with it). */
export function runVirtopLines(args: string[], onLine: (index: number) => void): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  return spawnVirtopLines(args, onLine).closed;
}
