// The action log: every action virtop runs, as one JSON line per action in
// $XDG_STATE_HOME/virtop/actions.log (default ~/.local/state/virtop/), and
// the latest entries in memory for the log pane. Appends are single
// write() calls with O_APPEND, so concurrent virtops never interleave lines.

import { appendFile, mkdir } from 'node:fs/promises';
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

export class ActionLog {
  private readonly recent: ActionLogEntry[] = [];
  /** the last write problem, shown once in the status line */
  lastError: string | null = null;

  constructor(
    readonly path: string | null,
    private readonly user: string,
    private readonly keep = 500,
    private readonly now: () => Date = () => new Date(),
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
        await appendFile(this.path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
        this.lastError = null;
      } catch (e) {
        this.lastError = `cannot write the action log ${this.path}: ${(e as Error).message}`;
      }
    }
    return entry;
  }
}
