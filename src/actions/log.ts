// The action log: every action virtop runs, as one JSON line per action in
// $XDG_STATE_HOME/virtop/actions.log (default ~/.local/state/virtop/), and
// the latest entries in memory for the log pane. Appends are single
// write() calls with O_APPEND, so concurrent virtops never interleave lines.
// Past `maxBytes` the file is renamed to actions.log.1 (the one before that
// is dropped) and a new one begins, so years of actions stay bounded.

import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { stateDir } from '../util/paths.js';
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

export class ActionLog {
  private readonly recent: ActionLogEntry[] = [];
  /** the last write problem, shown once in the status line */
  lastError: string | null = null;

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
        await appendFile(this.path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
        this.lastError = null;
      } catch (e) {
        this.lastError = `cannot write the action log ${this.path}: ${(e as Error).message}`;
      }
    }
    return entry;
  }

  /** A full log becomes actions.log.1; a rename is atomic, so no line is split or lost. */
  private async rotateIfFull(): Promise<void> {
    if (!this.path) return;
    const size = await stat(this.path).then(
      (s) => s.size,
      () => 0,
    );
    if (size >= this.maxBytes) await rename(this.path, `${this.path}.1`);
  }
}
