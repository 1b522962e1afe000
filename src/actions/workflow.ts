// The steps between a key that asks for an action on guests and the call
// that runs it, as a state machine without a screen: whom it applies to (the
// selected domain, or every tagged one), the precheck, the prompt for a value
// (balloon size, vCPUs), the plan, then a confirmation (twice for a shrink
// below the guest's use) or, for tagged domains, a preview of the bulk run.
// Each function takes the current step and one input and returns the next
// step, a message for the user, and what to run; the UI only maps keys to
// inputs and steps to overlays.

import type { DomainView } from '../model/view.js';
import { planBulk, type BulkPlan } from './bulk.js';
import { Command, NEEDS_INPUT, planCommand, precheck, type Plan } from './commands.js';
import { formatKiB } from './input.js';

export type WorkflowStep =
  /** a value for the action (balloon size, vCPU count); persist also writes it to the persistent config */
  | { kind: 'action-prompt'; command: Command; domainKey: string; label: string; text: string; error: string | null; persist: boolean; bulkKeys?: string[] }
  /** a destructive action waiting for yes; second: the first yes was given and the plan asks again */
  | { kind: 'confirm'; question: string; plan: Plan; second?: boolean }
  /** the tagged domains' plans (and what is skipped), waiting for yes */
  | { kind: 'bulk-preview'; bulk: BulkPlan; scroll: number; second?: boolean };

export type WorkflowInput =
  /** the prompt's text as typed so far */
  | { type: 'text'; text: string }
  | { type: 'toggle-persist' }
  /** Enter on the prompt */
  | { type: 'submit' }
  | { type: 'yes' }
  | { type: 'scroll'; delta: 1 | -1 }
  /** Escape, or any key a confirmation does not take */
  | { type: 'cancel' };

export interface WorkflowResult {
  /** the step now waiting for input; null when the workflow is over */
  step: WorkflowStep | null;
  /** for the status line; absent leaves it as it was */
  message?: { text: string; level: 'info' | 'warn' };
  /** the tags no longer name any domain: drop them */
  clearTags?: boolean;
  /** planned, checked and confirmed: run it */
  run?: Plan;
  /** the tagged domains' plans, previewed and confirmed: run them */
  runBulk?: Plan[];
}

export interface WorkflowTargets {
  /** the domain under the cursor */
  selected: DomainView | null;
  /** keys of the tagged domains; when any is tagged the action applies to them, not the selection */
  tagged: readonly string[];
  /** --readonly */
  readonly: boolean;
}

/** Finds a domain by key in the current view; null once it is gone. */
export type DomainLookup = (key: string) => DomainView | null;

const info = (text: string) => ({ text, level: 'info' as const });
const warn = (text: string) => ({ text, level: 'warn' as const });

// Names reach the status line through the UI's cleaning when drawn; here only keep them short.
function shortName(name: string): string {
  return name.length > 40 ? `${name.slice(0, 39)}…` : name;
}

function promptLabel(cmd: Command, d: DomainView): string {
  const name = shortName(d.name);
  if (cmd === Command.Balloon) {
    const kib = (v: number | null) => (v === null ? '?' : formatKiB(v));
    const used = d.memUsedKiB === null ? 'no guest memory stats' : `guest uses ${kib(d.memUsedKiB)}`;
    return `Memory for ${name} (now ${kib(d.memCurrentKiB)}, max ${kib(d.memMaxKiB)}, ${used}): `;
  }
  return `vCPUs for ${name} (now ${d.vcpus ?? '?'}, max ${d.maxVcpus ?? '?'}): `;
}

/** After planning: ask first when the plan says so, else run it. */
function proceed(plan: Plan): WorkflowResult {
  if (plan.confirm) return { step: { kind: 'confirm', question: plan.confirm, plan } };
  return { step: null, message: info(`${plan.summary}…`), run: plan };
}

function bulkPreview(bulk: BulkPlan): WorkflowResult {
  if (bulk.plans.length === 0) {
    const why = bulk.skipped[0]?.reason ?? 'no tagged domain is left';
    return { step: null, message: warn(`nothing to do for the tagged domains: ${why}`) };
  }
  return { step: { kind: 'bulk-preview', bulk, scroll: 0 } };
}

function found(keys: readonly string[], lookup: DomainLookup): DomainView[] {
  const out: DomainView[] = [];
  for (const k of keys) {
    const d = lookup(k);
    if (d) out.push(d);
  }
  return out;
}

/** The key for an action was pressed. */
export function startWorkflow(cmd: Command, t: WorkflowTargets, lookup: DomainLookup): WorkflowResult {
  if (t.readonly) return { step: null, message: warn('read-only mode: actions are disabled (--readonly)') };
  if (t.tagged.length > 0) {
    const doms = found(t.tagged, lookup);
    if (doms.length === 0) return { step: null, message: warn('the tagged domains are gone'), clearTags: true };
    if (NEEDS_INPUT.has(cmd)) {
      const what = cmd === Command.Balloon ? 'Memory' : 'vCPUs';
      const label = `${what} for ${doms.length} tagged domain(s): `;
      return { step: { kind: 'action-prompt', command: cmd, domainKey: '', label, text: '', error: null, persist: false, bulkKeys: doms.map((d) => d.key) } };
    }
    return bulkPreview(planBulk(cmd, doms));
  }
  const d = t.selected;
  if (!d) return { step: null, message: warn('no domain selected') };
  const refusal = precheck(cmd, d);
  if (refusal) return { step: null, message: warn(refusal) };
  if (NEEDS_INPUT.has(cmd)) {
    return { step: { kind: 'action-prompt', command: cmd, domainKey: d.key, label: promptLabel(cmd, d), text: '', error: null, persist: false } };
  }
  const p = planCommand(cmd, d);
  if (!p.ok) return { step: null, message: warn(p.error) };
  return proceed(p.plan);
}

function advancePrompt(o: Extract<WorkflowStep, { kind: 'action-prompt' }>, input: WorkflowInput, lookup: DomainLookup): WorkflowResult {
  switch (input.type) {
    case 'text':
      return { step: { ...o, text: input.text, error: null } };
    case 'toggle-persist':
      return { step: { ...o, persist: !o.persist } };
    case 'submit': {
      if (o.bulkKeys) {
        const bulk = planBulk(o.command, found(o.bulkKeys, lookup), { text: o.text, persist: o.persist });
        // Every domain refused the value: keep the prompt open with the first reason.
        if (bulk.plans.length === 0) return { step: { ...o, error: bulk.skipped[0]?.reason ?? 'the tagged domains are gone' } };
        return bulkPreview(bulk);
      }
      const d = lookup(o.domainKey);
      if (!d) return { step: null, message: warn('not done: the domain is gone') };
      const p = planCommand(o.command, d, { text: o.text, persist: o.persist });
      // A refused value keeps the prompt open with the reason; nothing is sent.
      if (!p.ok) return { step: { ...o, error: p.error } };
      return proceed(p.plan);
    }
    case 'cancel':
      return { step: null, message: info('cancelled') };
    default:
      return { step: o };
  }
}

function advanceConfirm(o: Extract<WorkflowStep, { kind: 'confirm' }>, input: WorkflowInput): WorkflowResult {
  if (input.type !== 'yes') return { step: null, message: info(`cancelled: ${o.plan.summary}`) };
  // Some plans ask twice (ballooning below what the guest uses): the first yes only brings the second question.
  if (o.plan.confirmAgain && !o.second) return { step: { kind: 'confirm', question: o.plan.confirmAgain, plan: o.plan, second: true } };
  return { step: null, message: info(`${o.plan.summary}…`), run: o.plan };
}

function advanceBulk(o: Extract<WorkflowStep, { kind: 'bulk-preview' }>, input: WorkflowInput): WorkflowResult {
  if (input.type === 'scroll') return { step: { ...o, scroll: Math.max(0, o.scroll + input.delta) } };
  if (input.type !== 'yes') return { step: null, message: info(`cancelled: nothing was run on the ${o.bulk.plans.length} tagged domain(s)`) };
  // Plans that ask twice alone (ballooning below the guest's use + margin) ask twice in bulk too.
  const risky = o.bulk.plans.filter((p) => p.confirmAgain);
  if (risky.length && !o.second) {
    const names = risky.map((p) => p.domainName).join(', ');
    return { step: { ...o, second: true }, message: warn(`${risky.length} of these shrink below what the guest uses + a margin (${names}): y once more to run all`) };
  }
  return { step: null, message: info(`running ${o.bulk.plans.length} action(s) on tagged domains…`), runBulk: o.bulk.plans };
}

/** One input to the step waiting for it. */
export function advanceWorkflow(step: WorkflowStep, input: WorkflowInput, lookup: DomainLookup): WorkflowResult {
  if (step.kind === 'action-prompt') return advancePrompt(step, input, lookup);
  if (step.kind === 'confirm') return advanceConfirm(step, input);
  return advanceBulk(step, input);
}
