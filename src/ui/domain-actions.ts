// The workflow of an action on guests, in UI terms: the selected or tagged
// domains, a precheck, a prompt for a value (balloon size, vCPUs), the plan
// from src/actions/, a confirmation or a preview of the bulk run, and the
// reaction that hands the confirmed plans to the app.

import { planBulk, type BulkPlan } from '../actions/bulk.js';
import { Command as Act, NEEDS_INPUT, planCommand, precheck, type Plan } from '../actions/commands.js';
import { formatKiB } from '../actions/input.js';
import type { DomainView } from '../model/view.js';
import { editPrompt } from './overlays/prompt.js';
import { moveSelection, withStatus } from './selection.js';
import type { Action, ActionContext, Overlay, Reaction, UiState } from './state-types.js';

const ok = (s: UiState): [UiState, Reaction] => [s, {}];

function promptLabel(cmd: Act, d: DomainView): string {
  const name = cleanName(d.name);
  if (cmd === Act.Balloon) {
    const kib = (v: number | null) => (v === null ? '?' : formatKiB(v));
    const used = d.memUsedKiB === null ? 'no guest memory stats' : `guest uses ${kib(d.memUsedKiB)}`;
    return `Memory for ${name} (now ${kib(d.memCurrentKiB)}, max ${kib(d.memMaxKiB)}, ${used}): `;
  }
  return `vCPUs for ${name} (now ${d.vcpus ?? '?'}, max ${d.maxVcpus ?? '?'}): `;
}

// Names reach the status line through cleanText when drawn; here only keep them short.
function cleanName(name: string): string {
  return name.length > 40 ? `${name.slice(0, 39)}…` : name;
}

/** After planning: ask first when the plan says so, else hand it to the app to run. */
function proceed(s: UiState, plan: Plan, ctx: ActionContext): [UiState, Reaction] {
  if (plan.confirm) return ok({ ...s, overlay: { kind: 'confirm', question: plan.confirm, plan } });
  return [withStatus({ ...s, overlay: null }, `${plan.summary}…`, 'info', ctx.nowMs), { runPlan: plan }];
}

function taggedDomains(s: UiState, ctx: ActionContext): DomainView[] {
  const out: DomainView[] = [];
  for (const k of s.tagged) {
    const d = ctx.domain?.(k) ?? null;
    if (d) out.push(d);
  }
  return out;
}

function bulkPreview(s: UiState, bulk: BulkPlan, ctx: ActionContext): [UiState, Reaction] {
  if (bulk.plans.length === 0) {
    const why = bulk.skipped[0]?.reason ?? 'no tagged domain is left';
    return ok(withStatus({ ...s, overlay: null }, `nothing to do for the tagged domains: ${why}`, 'warn', ctx.nowMs));
  }
  return ok({ ...s, overlay: { kind: 'bulk-preview', bulk, scroll: 0 } });
}

export function domainAction(cmd: Act): Action {
  return (s, ctx) => {
    if (s.readonly) return ok(withStatus(s, 'read-only mode: actions are disabled (--readonly)', 'warn', ctx.nowMs));
    if (s.tagged.length > 0) {
      // Tagged domains: the action applies to all of them, after a preview.
      const doms = taggedDomains(s, ctx);
      if (doms.length === 0) return ok(withStatus({ ...s, tagged: [] }, 'the tagged domains are gone', 'warn', ctx.nowMs));
      if (NEEDS_INPUT.has(cmd)) {
        const what = cmd === Act.Balloon ? 'Memory' : 'vCPUs';
        return ok({
          ...s,
          overlay: { kind: 'action-prompt', command: cmd, domainKey: '', label: `${what} for ${doms.length} tagged domain(s): `, text: '', error: null, persist: false, bulkKeys: doms.map((d) => d.key) },
        });
      }
      return bulkPreview(s, planBulk(cmd, doms), ctx);
    }
    const d = ctx.selected ?? null;
    if (!d) return ok(withStatus(s, 'no domain selected', 'warn', ctx.nowMs));
    const refusal = precheck(cmd, d);
    if (refusal) return ok(withStatus(s, refusal, 'warn', ctx.nowMs));
    if (NEEDS_INPUT.has(cmd)) {
      return ok({ ...s, overlay: { kind: 'action-prompt', command: cmd, domainKey: d.key, label: promptLabel(cmd, d), text: '', error: null, persist: false } });
    }
    const p = planCommand(cmd, d);
    if (!p.ok) return ok(withStatus(s, p.error, 'warn', ctx.nowMs));
    return proceed(s, p.plan, ctx);
  };
}

export function toggleTag(s: UiState, ctx: ActionContext): UiState {
  const key = s.view === 'domains' ? s.selectedKey : (ctx.selected?.key ?? null);
  if (key === null) return withStatus(s, 'no domain selected', 'warn', ctx.nowMs);
  const tagged = s.tagged.includes(key) ? s.tagged.filter((k) => k !== key) : [...s.tagged, key];
  // As in htop, tagging moves down so a run of rows is tagged by holding Space.
  const moved = s.view === 'domains' ? moveSelection({ ...s, tagged }, ctx, 1) : { ...s, tagged };
  return withStatus(moved, `${tagged.length} tagged (actions now apply to all of them; u untags)`, 'info', ctx.nowMs);
}

export function handleActionPrompt(
  s: UiState,
  o: Extract<Overlay, { kind: 'action-prompt' }>,
  key: string,
  ctx: ActionContext,
): [UiState, Reaction] {
  if (key === 'escape' || key === 'C-c') return ok(withStatus({ ...s, overlay: null }, 'cancelled', 'info', ctx.nowMs));
  if (key === 'tab') return ok({ ...s, overlay: { ...o, persist: !o.persist } });
  if (key === 'enter' && o.bulkKeys) {
    const doms = o.bulkKeys.map((k) => ctx.domain?.(k) ?? null).filter((d): d is DomainView => d !== null);
    const bulk = planBulk(o.command, doms, { text: o.text, persist: o.persist });
    // Every domain refused the value: keep the prompt open with the first reason.
    if (bulk.plans.length === 0) return ok({ ...s, overlay: { ...o, error: bulk.skipped[0]?.reason ?? 'the tagged domains are gone' } });
    return bulkPreview(s, bulk, ctx);
  }
  if (key === 'enter') {
    const d = ctx.domain?.(o.domainKey) ?? null;
    if (!d) return ok(withStatus({ ...s, overlay: null }, 'not done: the domain is gone', 'warn', ctx.nowMs));
    const p = planCommand(o.command, d, { text: o.text, persist: o.persist });
    // A refused value keeps the prompt open with the reason; nothing is sent.
    if (!p.ok) return ok({ ...s, overlay: { ...o, error: p.error } });
    return proceed(s, p.plan, ctx);
  }
  const text = editPrompt(o.text, key);
  if (text === null) return [s, { none: true }];
  return ok({ ...s, overlay: { ...o, text, error: null } });
}

export function handleConfirm(s: UiState, o: Extract<Overlay, { kind: 'confirm' }>, key: string, ctx: ActionContext): [UiState, Reaction] {
  if (key === 'y' || key === 'Y') {
    // Some plans ask twice (ballooning below what the guest uses): the first yes only brings the second question.
    if (o.plan.confirmAgain && !o.second) return ok({ ...s, overlay: { kind: 'confirm', question: o.plan.confirmAgain, plan: o.plan, second: true } });
    return [withStatus({ ...s, overlay: null }, `${o.plan.summary}…`, 'info', ctx.nowMs), { runPlan: o.plan }];
  }
  return ok(withStatus({ ...s, overlay: null }, `cancelled: ${o.plan.summary}`, 'info', ctx.nowMs));
}

export function handleBulkPreview(s: UiState, o: Extract<Overlay, { kind: 'bulk-preview' }>, key: string, ctx: ActionContext): [UiState, Reaction] {
  if (key === 'y' || key === 'Y') {
    // Plans that ask twice alone (ballooning below the guest's use + margin) ask twice in bulk too.
    const risky = o.bulk.plans.filter((p) => p.confirmAgain);
    if (risky.length && !o.second) {
      const names = risky.map((p) => p.domainName).join(', ');
      return ok(withStatus({ ...s, overlay: { ...o, second: true } }, `${risky.length} of these shrink below what the guest uses + a margin (${names}): y once more to run all`, 'warn', ctx.nowMs));
    }
    const n = o.bulk.plans.length;
    return [withStatus({ ...s, overlay: null }, `running ${n} action(s) on tagged domains…`, 'info', ctx.nowMs), { runBulk: o.bulk.plans }];
  }
  if (key === 'down' || key === 'j') return ok({ ...s, overlay: { ...o, scroll: o.scroll + 1 } });
  if (key === 'up' || key === 'k') return ok({ ...s, overlay: { ...o, scroll: Math.max(0, o.scroll - 1) } });
  return ok(withStatus({ ...s, overlay: null }, `cancelled: nothing was run on the ${o.bulk.plans.length} tagged domain(s)`, 'info', ctx.nowMs));
}
