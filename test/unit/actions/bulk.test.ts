import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planBulk, runBulk, shellQuote, summarizeBulk, virshLine } from '../../../src/actions/bulk.js';
import { Command } from '../../../src/actions/commands.js';
import type { ChangeScope, HostControl } from '../../../src/types/control.js';
import { ActionLog, actionLogPath } from '../../../src/actions/log.js';
import type { DomainView } from '../../../src/model/view.js';
import { emptyBalloon } from '../../../src/collector/bulk.js';
import { Model } from '../../../src/model/model.js';
import { domain, host, snapshot } from '../../helpers/samples.js';

function views(): DomainView[] {
  const m = new Model();
  const doms = [
    domain({ uuid: 'u1', name: 'web-01', balloon: { ...emptyBalloon(), currentKiB: 262144n, maximumKiB: 524288n } }),
    domain({ uuid: 'u2', name: "it's odd $(x)", state: 'paused', balloon: { ...emptyBalloon(), currentKiB: 262144n, maximumKiB: 524288n } }),
    domain({ uuid: 'u3', name: 'off', id: null, state: 'shutoff', cpuTimeNs: null }),
  ];
  return m.ingest(snapshot(0, [host({ monoNs: 0n, domains: doms })])).domains;
}

class Ctl implements HostControl {
  constructor(readonly uri: string, readonly calls: string[], readonly failOn: string | null = null) {}
  private r(s: string) {
    this.calls.push(`${this.uri} ${s}`);
    return s.includes(this.failOn ?? '\u0000') ? Promise.reject(new Error('Requested operation is not valid: boom')) : Promise.resolve();
  }
  start(u: string) { return this.r(`start ${u}`); }
  shutdown(u: string) { return this.r(`shutdown ${u}`); }
  reboot(u: string) { return this.r(`reboot ${u}`); }
  destroy(u: string) { return this.r(`destroy ${u}`); }
  suspend(u: string) { return this.r(`suspend ${u}`); }
  resume(u: string) { return this.r(`resume ${u}`); }
  setMemory(u: string, k: number, s: ChangeScope) { return this.r(`setMemory ${u} ${k} ${s.config}`); }
  setVcpus(u: string, n: number) { return this.r(`setVcpus ${u} ${n}`); }
  setMemoryStatsPeriod(u: string) { return this.r(`period ${u}`); }
  setAutostart(u: string, on: boolean) { return this.r(`autostart ${u} ${on}`); }
  async close() {}
}

describe('bulk planning', () => {
  it('plans each domain, skipping those in the wrong state with the reason', () => {
    const b = planBulk(Command.PauseResume, views());
    expect(b.plans.map((p) => p.summary)).toEqual(['pause web-01 on qemu:///system', "resume it's odd $(x) on qemu:///system"]);
    expect(b.skipped).toHaveLength(1);
    expect(b.skipped[0].reason).toMatch(/off on qemu:\/\/\/system is shutoff/);
  });

  it('shows the equivalent virsh command, safely quoted', () => {
    const b = planBulk(Command.PauseResume, views());
    expect(b.plans.map(virshLine)).toEqual([
      'virsh -c qemu:///system suspend web-01',
      `virsh -c qemu:///system resume 'it'\\''s odd $(x)'`,
    ]);
    const m = planBulk(Command.Balloon, views().slice(0, 1), { text: '192M', persist: true });
    expect(virshLine(m.plans[0])).toBe('virsh -c qemu:///system setmem web-01 196608K --live --config');
  });

  it.each([
    ['plain', 'plain'],
    ['a b', "'a b'"],
    ["o'k", `'o'\\''k'`],
    ['$(rm -rf /)', "'$(rm -rf /)'"],
    ['', "''"],
  ])('shellQuote(%j) = %s', (a, want) => {
    expect(shellQuote(a)).toBe(want);
  });
});

describe('runBulk', () => {
  it('runs every plan, bounded, and reports failures without stopping the rest', async () => {
    const calls: string[] = [];
    const vs = views();
    const b = planBulk(Command.PauseResume, vs);
    const results = await runBulk(b.plans, (k) => vs.find((d) => d.key === k) ?? null, (uri) => new Ctl(uri, calls, 'suspend'), 2);
    expect(calls.sort()).toEqual(['qemu:///system resume u2', 'qemu:///system suspend u1']);
    expect(results.map((r) => r.reaction.ok)).toEqual([false, true]);
    const sum = summarizeBulk(results);
    expect(sum.ok).toBe(false);
    expect(sum.message).toMatch(/^1 of 2 done, 1 failed: failed to pause web-01 on qemu:\/\/\/system: Requested operation is not valid: boom/);
    expect(summarizeBulk(results.slice(1)).message).toMatch(/^resumed 1 tagged domain/);
  });
});

describe('ActionLog', () => {
  it('appends one JSON line per action and keeps recent entries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtop-log-'));
    const path = join(dir, 'state', 'virtop', 'actions.log');
    const log = new ActionLog(path, 'alice', 2, () => new Date('2026-11-24T10:00:00Z'));
    const b = planBulk(Command.Balloon, views().slice(0, 1), { text: '192M' });
    await log.record(b.plans[0], { ok: true, message: 'set memory', refresh: true });
    await log.record(b.plans[0], { ok: false, message: 'failed: boom', refresh: true });
    await log.record(b.plans[0], { ok: true, message: 'third', refresh: true });
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual({
      time: '2026-11-24T10:00:00.000Z',
      user: 'alice',
      host: 'qemu:///system',
      domain: 'web-01',
      action: 'balloon',
      args: { memoryKiB: 196608, persist: false },
      ok: true,
      result: 'set memory',
    });
    expect(log.entries().map((e) => e.result)).toEqual(['failed: boom', 'third']);
  });

  it('past its size the log starts again: the full one becomes actions.log.1, the one before it is dropped; no line is split', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtop-log-'));
    const path = join(dir, 'actions.log');
    // each line is about 200 bytes: a 500-byte cap rotates every third line
    const log = new ActionLog(path, 'alice', 10, () => new Date('2026-11-24T10:00:00Z'), 500);
    const b = planBulk(Command.Balloon, views().slice(0, 1), { text: '192M' });
    for (let i = 0; i < 7; i++) await log.record(b.plans[0], { ok: true, message: `n${i}`, refresh: true });
    const results = (f: string) => readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l).result);
    expect(results(`${path}.1`)).toEqual(['n3', 'n4', 'n5']);
    expect(results(path)).toEqual(['n6']);
  });

  it('a line cut off by a crash becomes a log-repair entry holding it: every line parses, nothing is dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtop-log-'));
    const path = join(dir, 'actions.log');
    const whole = '{"time":"2026-11-24T09:00:00.000Z","user":"alice","host":"h","domain":"a","action":"start","args":{},"ok":true,"result":"started"}\n';
    writeFileSync(path, `${whole}{"time":"2026-11-24T09:01:00.000Z","user":"ali`);
    const log = new ActionLog(path, 'bob', 10, () => new Date('2026-11-24T10:00:00Z'));
    const b = planBulk(Command.Start, views().slice(2));
    await log.record(b.plans[0], { ok: true, message: 'started', refresh: true });
    await log.record(b.plans[0], { ok: true, message: 'again', refresh: true });
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed.map((e) => e.action)).toEqual(['start', 'log-repair', 'start', 'start']);
    expect(parsed[1]).toMatchObject({
      user: 'bob',
      ok: false,
      args: { bytes: 46 },
      result: 'a line was cut off while it was written (full disk or crash); its 46 bytes were: {"time":"2026-11-24T09:01:00.000Z","user":"ali',
    });
    expect(parsed.slice(2).map((e) => e.result)).toEqual(['started', 'again']);
  });

  it('a whole file is left as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtop-log-'));
    const path = join(dir, 'actions.log');
    const whole = '{"time":"2026-11-24T09:00:00.000Z","user":"alice","host":"h","domain":"a","action":"start","args":{},"ok":true,"result":"started"}\n';
    writeFileSync(path, whole);
    const log = new ActionLog(path, 'bob', 10, () => new Date('2026-11-24T10:00:00Z'));
    await log.record(planBulk(Command.Start, views().slice(2)).plans[0], { ok: true, message: 'started', refresh: true });
    expect(readFileSync(path, 'utf8').startsWith(whole)).toBe(true);
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
  });

  it('reports an unwritable log instead of throwing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtop-log-'));
    writeFileSync(join(dir, 'file'), 'not a directory');
    const log = new ActionLog(join(dir, 'file', 'virtop', 'actions.log'), 'bob');
    const b = planBulk(Command.Start, views().slice(2));
    await log.record(b.plans[0], { ok: true, message: 'started', refresh: true });
    expect(log.lastError).toMatch(/cannot write the action log .*file\/virtop\/actions.log/);
    expect(log.entries()).toHaveLength(1);
  });

  it.each([
    [{ XDG_STATE_HOME: '/var/tmp/st' }, '/home/a', '/var/tmp/st/virtop/actions.log'],
    [{}, '/home/a', '/home/a/.local/state/virtop/actions.log'],
    [{ XDG_STATE_HOME: 'relative' }, '/home/a', '/home/a/.local/state/virtop/actions.log'],
  ])('actionLogPath(%o, %s) = %s', (env, home, want) => {
    expect(actionLogPath(env as NodeJS.ProcessEnv, home)).toBe(want);
  });
});
