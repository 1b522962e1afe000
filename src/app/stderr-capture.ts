// While the full-screen display is up, everything written to fd 2 (libvirt's
// and libxml2's own warnings, GLib's, Node's) goes to a log file instead of
// over the screen; the screen shows the latest line in its status line. The
// file is $XDG_STATE_HOME/virtop/virtop.log (default ~/.local/state/virtop/).

import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stateDir } from '../util/paths.js';

export function stderrLogPath(env: NodeJS.ProcessEnv, home: string): string {
  return join(stateDir(env, home), 'virtop.log');
}

/** What the screen needs: start and stop the capture, and the lines written since it last asked. */
export interface StderrCapture {
  readonly path: string;
  /** Throws with the reason when fd 2 cannot be moved (the screen then says so). */
  start(): void;
  stop(): void;
  /** Complete lines written to the file since the last call, trimmed, empty ones left out. */
  take(): string[];
}

export interface StderrRedirect {
  redirect(path: string): void;
  restore(): void;
}

/** The most read at once: a flood of messages is shown by its latest lines, not all of it. */
const MAX_READ_BYTES = 64 * 1024;

export function fileStderrCapture(path: string, fd2: StderrRedirect): StderrCapture {
  let offset = 0;
  let partial = '';
  let active = false;
  return {
    path,
    start() {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      closeSync(openSync(path, 'a', 0o600));
      fd2.redirect(path);
      active = true;
      // Only what this run writes is news: older runs' lines stay in the file.
      offset = statSync(path).size;
    },
    stop() {
      if (!active) return;
      active = false;
      fd2.restore();
    },
    take() {
      if (!active) return [];
      let size: number;
      try {
        size = statSync(path).size;
      } catch {
        return [];
      }
      if (size < offset) offset = 0; // truncated or rotated under us
      if (size === offset) return [];
      const start = Math.max(offset, size - MAX_READ_BYTES);
      const buf = Buffer.alloc(size - start);
      const fd = openSync(path, 'r');
      try {
        readSync(fd, buf, 0, buf.length, start);
      } finally {
        closeSync(fd);
      }
      offset = size;
      const text = partial + buf.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      return lines.map((l) => l.trim()).filter((l) => l !== '');
    },
  };
}
