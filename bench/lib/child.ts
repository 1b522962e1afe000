// Runs a section in a fresh node process (bench/dist/bench/child.js, with
// --expose-gc) and returns the value it sends back over IPC: memory figures
// and event-loop delay must not include the parent's heap or timers. The
// child gets the same V8 flags bin/virtop starts node with (its shebang),
// so memory is measured as shipped.

import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adopt, benchDistDir, repoRoot } from './util.js';

/** The node options on bin/virtop's `#!/usr/bin/env -S node …` line. */
export function shippedNodeFlags(): string[] {
  const first = readFileSync(join(repoRoot(), 'bin', 'virtop'), 'utf8').split('\n', 1)[0] ?? '';
  const m = /^#!.*?\bnode((?:\s+--[\w-]+(?:=\S+)?)*)\s*$/.exec(first);
  return m ? m[1].trim().split(/\s+/).filter(Boolean) : [];
}

/** Runs one section in a fresh node process (bench/dist/bench/child.js) and returns what it sends back. */
export function runChild<T>(section: string, args: unknown, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = adopt(fork(join(benchDistDir(), 'child.js'), [section, JSON.stringify(args)], {
      execArgv: ['--expose-gc', ...shippedNodeFlags()],
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }));
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      child.kill('SIGKILL');
      reject(new Error(`${section} child took longer than ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on('message', (m: { ok: boolean; value?: T; error?: string }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (m.ok) resolve(m.value as T);
      else reject(new Error(m.error));
    });
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      if (done) return;
      done = true;
      reject(new Error(`${section} child exited (${code ?? sig}) without a result`));
    });
  });
}
