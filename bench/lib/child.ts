// Runs a section in a fresh node process (bench/dist/bench/child.js, with
// --expose-gc) and returns the value it sends back over IPC: memory figures
// and event-loop delay must not include the parent's heap or timers.

import { fork } from 'node:child_process';
import { join } from 'node:path';
import { adopt, benchDistDir } from './util.js';

/** Runs one section in a fresh node process (bench/dist/bench/child.js) and returns what it sends back. */
export function runChild<T>(section: string, args: unknown, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = adopt(fork(join(benchDistDir(), 'child.js'), [section, JSON.stringify(args)], {
      execArgv: ['--expose-gc'],
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
