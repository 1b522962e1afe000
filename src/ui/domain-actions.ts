// Actions on guests in UI terms: the keys of the action workflow
// (src/actions/workflow.ts, where its steps and rules live) mapped to its
// inputs, its steps shown as overlays, its results as status lines and the
// reaction that hands confirmed plans to the app; and tagging.

import type { Command as Act } from '../actions/commands.js';
import { advanceWorkflow, startWorkflow, type WorkflowInput, type WorkflowResult, type WorkflowStep } from '../actions/workflow.js';
import { editPrompt } from './overlays/prompt.js';
import { moveSelection, withStatus } from './selection.js';
import type { Action, ActionContext, Reaction, UiState } from './state-types.js';

function lookup(ctx: ActionContext) {
  return (key: string) => ctx.domain?.(key) ?? null;
}

function applyResult(s: UiState, r: WorkflowResult, ctx: ActionContext): [UiState, Reaction] {
  let next: UiState = { ...s, overlay: r.step };
  if (r.clearTags) next = { ...next, tagged: [] };
  if (r.message) next = withStatus(next, r.message.text, r.message.level, ctx.nowMs);
  const reaction: Reaction = {};
  if (r.run) reaction.runPlan = r.run;
  if (r.runBulk) reaction.runBulk = r.runBulk;
  return [next, reaction];
}

export function domainAction(cmd: Act): Action {
  return (s, ctx) => applyResult(s, startWorkflow(cmd, { selected: ctx.selected ?? null, tagged: s.tagged, readonly: s.readonly }, lookup(ctx)), ctx);
}

/** The keys each step of the workflow takes; null: a key the prompt ignores. */
function inputFor(step: WorkflowStep, key: string): WorkflowInput | null {
  switch (step.kind) {
    case 'action-prompt': {
      if (key === 'escape' || key === 'C-c') return { type: 'cancel' };
      if (key === 'tab') return { type: 'toggle-persist' };
      if (key === 'enter') return { type: 'submit' };
      const text = editPrompt(step.text, key);
      return text === null ? null : { type: 'text', text };
    }
    case 'confirm':
      return key === 'y' || key === 'Y' ? { type: 'yes' } : { type: 'cancel' };
    case 'bulk-preview':
      if (key === 'y' || key === 'Y') return { type: 'yes' };
      if (key === 'down' || key === 'j') return { type: 'scroll', delta: 1 };
      if (key === 'up' || key === 'k') return { type: 'scroll', delta: -1 };
      return { type: 'cancel' };
  }
}

/** A key while the workflow's overlay is open. */
export function handleWorkflowKey(s: UiState, step: WorkflowStep, key: string, ctx: ActionContext): [UiState, Reaction] {
  const input = inputFor(step, key);
  if (input === null) return [s, { none: true }];
  return applyResult(s, advanceWorkflow(step, input, lookup(ctx)), ctx);
}

export function toggleTag(s: UiState, ctx: ActionContext): UiState {
  const key = s.view === 'domains' ? s.selectedKey : (ctx.selected?.key ?? null);
  if (key === null) return withStatus(s, 'no domain selected', 'warn', ctx.nowMs);
  const tagged = s.tagged.includes(key) ? s.tagged.filter((k) => k !== key) : [...s.tagged, key];
  // As in htop, tagging moves down so a run of rows is tagged by holding Space.
  const moved = s.view === 'domains' ? moveSelection({ ...s, tagged }, ctx, 1) : { ...s, tagged };
  return withStatus(moved, `${tagged.length} tagged (actions now apply to all of them; u untags)`, 'info', ctx.nowMs);
}
