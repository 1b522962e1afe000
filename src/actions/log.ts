// The action log: every action virtop runs, as one JSON line per action in
// $XDG_STATE_HOME/virtop/actions.log (default ~/.local/state/virtop/), and
// the latest entries in memory for the log pane. Appends are single
// write() calls with O_APPEND, so concurrent virtops never interleave lines.
// Past `maxBytes` the file is renamed to actions.log.1 (the one before that
// is dropped) and a new one begins, so years of actions stay bounded.
// A line left cut off (a short write on a full disk, a power cut) is turned
// into a line of its own before the next append, so the file stays valid
// JSON lines and the fragment is kept.

import { appendFile, mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { stateDir } from '../util/paths.js';
import { rotateNumbered } from '../util/rotate.js';
import type { Plan, Reaction } from './commands.js';

export interface ActionLogEntry {
  time: string;
  user: string;
  host: string;
  domain: string;
  action: string;
  args: Record<string, string | number | boolean>;
  ok: boolean;
  /** what happened, or libvirt's error in full */
  result: string;
}

export function actionLogPath(env: NodeJS.ProcessEnv, home: string): string {
  return join(stateDir(env, home), 'actions.log');
}

/** Where the action log starts again: 10 MiB of JSON lines is tens of thousands of actions. */
export const ACTION_LOG_MAX_BYTES = 10 * 1024 * 1024;

/** How far back the end of the file is read for a cut-off line: entries are a few hundred bytes. */
const TORN_TAIL_SCAN_BYTES = 64 * 1024;

export class ActionLog {
  private readonly recent: ActionLogEntry[] = [];
  /** the last write problem, shown once in the status line */
  lastError: string | null = null;
  /** the file's end is checked before the first append, and again after a failed one */
  private tailChecked = false;

  constructor(
    readonly path: string | null,
    private readonly user: string,
    private readonly keep = 500,
    private readonly now: () => Date = () => new Date(),
    private readonly maxBytes = ACTION_LOG_MAX_BYTES,
  ) {}

  entries(): readonly ActionLogEntry[] {
    return this.recent;
  }

  async record(plan: Plan, reaction: Reaction): Promise<ActionLogEntry> {
    const entry: ActionLogEntry = {
      time: this.now().toISOString(),
      user: this.user,
      host: plan.host,
      domain: plan.domainName,
      action: plan.command,
      args: plan.args,
      ok: reaction.ok,
      result: reaction.message,
    };
    this.recent.push(entry);
    if (this.recent.length > this.keep) this.recent.splice(0, this.recent.length - this.keep);
    if (this.path) {
      try {
        await mkdir(join(this.path, '..'), { recursive: true, mode: 0o700 });
        await this.rotateIfFull();
        if (!this.tailChecked) await this.mendTornTail(entry.time);
        this.tailChecked = true;
        await appendFile(this.path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
        this.lastError = null;
      } catch (e) {
        this.tailChecked = false;
        this.lastError = `cannot write the action log ${this.path}: ${(e as Error).message}`;
      }
    }
    return entry;
  }

  /**
   * A file that does not end in a newline ends in a line whose write was cut
   * short. That fragment is replaced by an entry of its own (action
   * "log-repair") holding it, so every line parses and nothing is dropped.
   * Another virtop appending in the same instant could slip a line between
   * the read and the truncate; this runs once per process, not per action.
   */
  private async mendTornTail(time: string): Promise<void> {
    if (!this.path) return;
    const fh = await open(this.path, 'r+').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (!fh) return;
    try {
      const { size } = await fh.stat();
      if (size === 0) return;
      const span = Math.min(size, TORN_TAIL_SCAN_BYTES);
      const buf = Buffer.alloc(span);
      await fh.read(buf, 0, span, size - span);
      if (buf[span - 1] === 0x0a) return;
      const nl = buf.lastIndexOf(0x0a);
      // no newline in the whole scan: the fragment is all we read (a longer one is cut to it)
      const cut = nl < 0 ? size - span : size - span + nl + 1;
      const fragment = buf.subarray(nl + 1).toString('utf8');
      const mend: ActionLogEntry = {
        time,
        user: this.user,
        host: '',
        domain: '',
        action: 'log-repair',
        args: { bytes: size - cut },
        ok: false,
        result: `a line was cut off while it was written (full disk or crash); its ${size - cut} bytes were: ${fragment}`,
      };
      await fh.truncate(cut);
      await fh.write(`${JSON.stringify(mend)}\n`, cut);
    } finally {
      await fh.close();
    }
  }

  /** A full log becomes actions.log.1; a rename is atomic, so no line is split or lost. */
  private async rotateIfFull(): Promise<void> {
    if (!this.path) return;
    const size = await stat(this.path).then(
      (s) => s.size,
      () => 0,
    );
    if (size >= this.maxBytes) await rotateNumbered(this.path, 1);
  }
}
