// Operations on many tagged domains: plan each one (a domain in the wrong
// state is skipped with its reason, not sent), preview them with the
// equivalent virsh command, then run them concurrently with a bound.

import type { DomainView } from '../model/view.js';
import { mapLimit } from '../util/pool.js';
import { Command, planCommand, runPlan, type Plan, type PlanInput, type Reaction } from './commands.js';
import type { HostControl } from '../types/control.js';

export interface BulkPlan {
  command: Command;
  plans: Plan[];
  skipped: { domain: DomainView; reason: string }[];
}

export function planBulk(cmd: Command, domains: readonly DomainView[], input: PlanInput = {}): BulkPlan {
  const plans: Plan[] = [];
  const skipped: BulkPlan['skipped'] = [];
  for (const d of domains) {
    const r = planCommand(cmd, d, input);
    if (r.ok) plans.push(r.plan);
    else skipped.push({ domain: d, reason: r.error });
  }
  return { command: cmd, plans, skipped };
}

/** Quotes one argument for display the way a POSIX shell would read it back. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The virsh command line an admin could type for this plan (display only: virtop never runs it). */
export function virshLine(plan: Plan): string {
  return ['virsh', '-c', plan.host, ...plan.virsh].map(shellQuote).join(' ');
}

export interface BulkResult {
  plan: Plan;
  reaction: Reaction;
}

/** Runs the plans, at most `concurrency` at a time; one failing never stops the others. */
export async function runBulk(
  plans: readonly Plan[],
  current: (key: string) => DomainView | null,
  control: (uri: string) => HostControl,
  concurrency = 4,
): Promise<BulkResult[]> {
  return mapLimit(plans, concurrency, async (plan) => ({
    plan,
    reaction: await runPlan(plan, current(plan.domainKey), control(plan.host)),
  }));
}

/** One status line for a finished bulk run. */
export function summarizeBulk(results: readonly BulkResult[]): { ok: boolean; message: string } {
  const failed = results.filter((r) => !r.reaction.ok);
  const verb = results[0]?.plan.done.split(' ')[0] ?? 'did';
  if (failed.length === 0) return { ok: true, message: `${verb} ${results.length} tagged domain(s); details in the action log (L)` };
  return {
    ok: false,
    message: `${results.length - failed.length} of ${results.length} done, ${failed.length} failed: ${failed[0].reaction.message}${failed.length > 1 ? ' (more in the action log, L)' : ''}`,
  };
}
