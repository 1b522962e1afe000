// Runs a short Node script in a child process, asynchronously: the parent's
// event loop keeps running (a FakeLibvirtd in the parent must keep serving
// the child), and stdout lines are time-stamped so tests can measure e.g.
// how long exit took after the script said it was about to exit.
import { spawn } from 'node:child_process';

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
  /** Each stdout line with ms since spawn. */
  lines: Array<{ at: number; text: string }>;
  /** ms between the line `text` and the exit, or null if never printed. */
  exitAfter(text: string): number | null;
}

export interface ChildOptions {
  /** Environment overrides; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** SIGKILL after this long (default 15 s). */
  killAfterMs?: number;
  /** Called for each stdout line as it arrives; `send` writes to the child's stdin. */
  onLine?: (text: string, send: (input: string) => void) => void;
}

export function runNode(script: string, opts: ChildOptions = {}): Promise<ChildResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const start = Date.now();
  const child = spawn(process.execPath, ['-e', script], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => {}); // the child may be gone
  const send = (input: string) => void child.stdin.write(input);
  let stdout = '';
  let stderr = '';
  let partial = '';
  const lines: Array<{ at: number; text: string }> = [];
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const text = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      lines.push({ at: Date.now() - start, text });
      opts.onLine?.(text, send);
    }
  });
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 15_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(killer);
      const ms = Date.now() - start;
      resolve({
        status,
        signal,
        stdout,
        stderr,
        ms,
        lines,
        exitAfter(text: string) {
          const l = lines.find((x) => x.text === text);
          return l ? ms - l.at : null;
        },
      });
    });
  });
}
