import { describe, expect, it } from 'vitest';
import { Command } from '../../../src/actions/commands.js';
import { advanceWorkflow, startWorkflow, type WorkflowInput, type WorkflowResult, type WorkflowStep } from '../../../src/actions/workflow.js';
import type { DomainView } from '../../../src/model/view.js';
import { domainView } from '../../helpers/domain-view.js';

const web = domainView(); // running, 256 of 512 MiB, guest uses 100 MiB
const db = domainView({ key: 'qemu:///system#u2', uuid: 'u2', name: 'db-02', state: 'shutoff', active: false, id: null });

function lookupOf(...doms: DomainView[]) {
  return (key: string) => doms.find((d) => d.key === key) ?? null;
}
const both = lookupOf(web, db);
const selected = (d: DomainView | null) => ({ selected: d, tagged: [], readonly: false });
const tagged = (...keys: string[]) => ({ selected: null, tagged: keys, readonly: false });

/** Feeds inputs one after another from a result that must still be waiting for input. */
function feed(r: WorkflowResult, inputs: WorkflowInput[], lookup = both): WorkflowResult {
  for (const input of inputs) {
    expect(r.step, `a step waiting for ${input.type}`).not.toBeNull();
    r = advanceWorkflow(r.step as WorkflowStep, input, lookup);
  }
  return r;
}

describe('action workflow: starting', () => {
  it.each<[string, Command, ReturnType<typeof selected> & { readonly: boolean }, WorkflowResult]>([
    ['read-only mode refuses every action', Command.PauseResume, { ...selected(web), readonly: true }, { step: null, message: { text: 'read-only mode: actions are disabled (--readonly)', level: 'warn' } }],
    ['nothing selected', Command.Shutdown, selected(null), { step: null, message: { text: 'no domain selected', level: 'warn' } }],
    ['the precheck refuses', Command.Start, selected(web), { step: null, message: { text: 'web-01 on qemu:///system is running: only a shut-off domain can be started', level: 'warn' } }],
  ])('%s', (_what, cmd, targets, expected) => {
    expect(startWorkflow(cmd, targets, both)).toEqual(expected);
  });

  it('an action that needs no confirmation runs at once', () => {
    const r = startWorkflow(Command.PauseResume, selected(web), both);
    expect(r.step).toBeNull();
    expect(r.message).toEqual({ text: 'pause web-01 on qemu:///system…', level: 'info' });
    expect(r.run?.summary).toBe('pause web-01 on qemu:///system');
  });

  it('a destructive action asks; only yes runs it, anything else cancels it', () => {
    const asked = startWorkflow(Command.ForceOff, selected(web), both);
    expect(asked.step).toMatchObject({ kind: 'confirm', question: expect.stringMatching(/^Force off web-01 on qemu:\/\/\/system\?/) });
    expect(asked.run).toBeUndefined();
    expect(feed(asked, [{ type: 'cancel' }])).toEqual({ step: null, message: { text: 'cancelled: force off web-01 on qemu:///system', level: 'info' } });
    const yes = feed(asked, [{ type: 'yes' }]);
    expect(yes.step).toBeNull();
    expect(yes.run?.command).toBe(Command.ForceOff);
  });
});

describe('action workflow: the value prompt', () => {
  it('asks with what the guest has now, keeps a refused value open with its reason, then plans', () => {
    const r = startWorkflow(Command.Balloon, selected(web), both);
    expect(r.step).toEqual({
      kind: 'action-prompt',
      command: Command.Balloon,
      domainKey: web.key,
      label: 'Memory for web-01 (now 256 MiB, max 512 MiB, guest uses 100 MiB): ',
      text: '',
      error: null,
      persist: false,
    });
    const bad = feed(r, [{ type: 'text', text: '1x' }, { type: 'submit' }]);
    expect(bad.step).toMatchObject({ kind: 'action-prompt', text: '1x', error: "unknown unit 'x' (use K, M, G or T)" });
    expect(bad.run).toBeUndefined();
    // Typing again clears the error; 200 MiB stays above use + margin (164 MiB), so it runs without asking.
    const typed = feed(bad, [{ type: 'text', text: '200M' }]);
    expect(typed.step).toMatchObject({ text: '200M', error: null });
    const done = feed(typed, [{ type: 'toggle-persist' }, { type: 'submit' }]);
    expect(done.step).toBeNull();
    expect(done.run?.args).toEqual({ memoryKiB: 204800, persist: true });
  });

  it('a shrink below the guest use + margin asks twice', () => {
    const first = feed(startWorkflow(Command.Balloon, selected(web), both), [{ type: 'text', text: '100M' }, { type: 'submit' }]);
    expect(first.step).toMatchObject({ kind: 'confirm', question: expect.stringMatching(/^web-01 uses 100 MiB; shrink it to 100 MiB\?/) });
    const second = feed(first, [{ type: 'yes' }]);
    expect(second.step).toMatchObject({ kind: 'confirm', second: true, question: expect.stringMatching(/^Really shrink web-01/) });
    expect(second.run).toBeUndefined();
    expect(feed(second, [{ type: 'yes' }]).run?.args).toEqual({ memoryKiB: 102400, persist: false });
  });

  it('escape cancels; a domain gone by Enter sends nothing', () => {
    const r = startWorkflow(Command.Vcpus, selected(web), both);
    expect(r.step).toMatchObject({ label: 'vCPUs for web-01 (now 2, max 4): ' });
    expect(feed(r, [{ type: 'cancel' }])).toEqual({ step: null, message: { text: 'cancelled', level: 'info' } });
    const gone = feed(r, [{ type: 'text', text: '3' }, { type: 'submit' }], lookupOf(db));
    expect(gone).toEqual({ step: null, message: { text: 'not done: the domain is gone', level: 'warn' } });
  });
});

describe('action workflow: tagged domains', () => {
  it('previews the plans with what is skipped and why, scrolls, runs on yes', () => {
    const r = startWorkflow(Command.PauseResume, tagged(web.key, db.key), both);
    expect(r.step?.kind).toBe('bulk-preview');
    const step = r.step as Extract<WorkflowStep, { kind: 'bulk-preview' }>;
    expect(step.bulk.plans.map((p) => p.summary)).toEqual(['pause web-01 on qemu:///system']);
    expect(step.bulk.skipped.map((s) => s.reason)).toEqual(['db-02 on qemu:///system is shutoff: only a running domain can be paused or a paused one resumed']);
    expect(feed(r, [{ type: 'scroll', delta: -1 }]).step).toMatchObject({ scroll: 0 });
    expect(feed(r, [{ type: 'scroll', delta: 1 }, { type: 'scroll', delta: 1 }]).step).toMatchObject({ scroll: 2 });
    expect(feed(r, [{ type: 'cancel' }]).message).toEqual({ text: 'cancelled: nothing was run on the 1 tagged domain(s)', level: 'info' });
    const run = feed(r, [{ type: 'yes' }]);
    expect(run.step).toBeNull();
    expect(run.runBulk?.map((p) => p.domainName)).toEqual(['web-01']);
    expect(run.message).toEqual({ text: 'running 1 action(s) on tagged domains…', level: 'info' });
  });

  it('says why when no tagged domain can take the action, and drops tags that name nothing', () => {
    expect(startWorkflow(Command.Start, tagged(web.key), both)).toEqual({
      step: null,
      message: { text: 'nothing to do for the tagged domains: web-01 on qemu:///system is running: only a shut-off domain can be started', level: 'warn' },
    });
    expect(startWorkflow(Command.Start, tagged('qemu:///system#gone'), both)).toEqual({ step: null, message: { text: 'the tagged domains are gone', level: 'warn' }, clearTags: true });
  });

  it('one value for all of them; a risky shrink in the batch asks once more', () => {
    const other = domainView({ key: 'qemu:///system#u3', uuid: 'u3', name: 'app-03', memUsedKiB: 10 * 1024 });
    const lookup = lookupOf(web, other);
    const r = startWorkflow(Command.Balloon, tagged(web.key, other.key), lookup);
    expect(r.step).toMatchObject({ kind: 'action-prompt', label: 'Memory for 2 tagged domain(s): ', bulkKeys: [web.key, other.key] });
    expect(feed(r, [{ type: 'text', text: '10M' }, { type: 'submit' }], lookup).step).toMatchObject({ kind: 'action-prompt', error: '10 MiB is below the 64 MiB floor' });
    const preview = feed(r, [{ type: 'text', text: '100M' }, { type: 'submit' }], lookup);
    expect(preview.step?.kind).toBe('bulk-preview');
    const again = feed(preview, [{ type: 'yes' }], lookup);
    expect(again.message).toEqual({ text: '1 of these shrink below what the guest uses + a margin (web-01): y once more to run all', level: 'warn' });
    expect(again.runBulk).toBeUndefined();
    expect(feed(again, [{ type: 'yes' }], lookup).runBulk?.map((p) => p.domainName)).toEqual(['web-01', 'app-03']);
  });
});
