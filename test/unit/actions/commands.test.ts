import { describe, expect, it } from 'vitest';
import { Command, planCommand, precheck, runPlan } from '../../../src/actions/commands.js';
import type { ChangeScope, HostControl } from '../../../src/types/control.js';
import type { DomainView } from '../../../src/model/view.js';
import { domainView as view } from '../../helpers/domain-view.js';

class RecordingControl implements HostControl {
  readonly uri = 'qemu:///system';
  calls: string[] = [];
  fail: Error | null = null;
  private rec(s: string) {
    this.calls.push(s);
    if (this.fail) return Promise.reject(this.fail);
    return Promise.resolve();
  }
  start(u: string) { return this.rec(`start ${u}`); }
  shutdown(u: string) { return this.rec(`shutdown ${u}`); }
  reboot(u: string) { return this.rec(`reboot ${u}`); }
  destroy(u: string) { return this.rec(`destroy ${u}`); }
  suspend(u: string) { return this.rec(`suspend ${u}`); }
  resume(u: string) { return this.rec(`resume ${u}`); }
  setMemory(u: string, kib: number, s: ChangeScope) { return this.rec(`setMemory ${u} ${kib} live=${s.live} config=${s.config}`); }
  setVcpus(u: string, n: number, s: ChangeScope) { return this.rec(`setVcpus ${u} ${n} live=${s.live} config=${s.config}`); }
  setMemoryStatsPeriod(u: string, sec: number) { return this.rec(`period ${u} ${sec}`); }
  setAutostart(u: string, on: boolean) { return this.rec(`autostart ${u} ${on}`); }
  async close() {}
}

async function planAndRun(cmd: Command, d: DomainView, text?: string, persist?: boolean) {
  const ctl = new RecordingControl();
  const p = planCommand(cmd, d, { text, persist });
  if (!p.ok) return { ctl, error: p.error, reaction: null, plan: null };
  const reaction = await runPlan(p.plan, d, ctl);
  return { ctl, error: null, reaction, plan: p.plan };
}

describe('autostart', () => {
  it('the virsh equivalent and the log arguments say which way; the slow loop reads the flag again after', () => {
    const on = planCommand(Command.Autostart, view({ autostart: false }));
    const off = planCommand(Command.Autostart, view({ autostart: true }));
    expect(on.ok && off.ok).toBe(true);
    if (!on.ok || !off.ok) return;
    expect([on.plan.virsh, on.plan.args, on.plan.summary]).toEqual([['autostart', 'web-01'], { autostart: true }, 'enable autostart of web-01 on qemu:///system']);
    expect([off.plan.virsh, off.plan.args]).toEqual([['autostart', 'web-01', '--disable'], { autostart: false }]);
    expect(on.plan.rereadsInventory).toBe(true);
  });

  it('refused while the flag is unknown; a transient domain is left to libvirt, whose reason is shown', async () => {
    expect(planCommand(Command.Autostart, view({ autostart: null }))).toEqual({ ok: false, error: 'web-01 on qemu:///system: its autostart flag is not read yet (every 30 s, or Ctrl-R)' });
    const ctl = new RecordingControl();
    ctl.fail = new Error('Requested operation is not valid: cannot set autostart for transient domain');
    const p = planCommand(Command.Autostart, view({ persistent: false, autostart: false }));
    if (!p.ok) throw new Error(p.error);
    const r = await runPlan(p.plan, view({ persistent: false, autostart: false }), ctl);
    expect(r).toEqual({ ok: false, message: 'failed to enable autostart of web-01 on qemu:///system: Requested operation is not valid: cannot set autostart for transient domain', refresh: true });
  });
});

describe('planCommand: state preconditions', () => {
  it.each([
    [Command.Start, view({ state: 'shutoff', id: null }), 'start u1', null],
    [Command.Shutdown, view(), 'shutdown u1', /Shut down web-01 on qemu:\/\/\/system\?/],
    [Command.Reboot, view(), 'reboot u1', /Reboot web-01/],
    [Command.ForceOff, view({ state: 'paused' }), 'destroy u1', /Force off web-01/],
    [Command.PauseResume, view(), 'suspend u1', null],
    [Command.PauseResume, view({ state: 'paused' }), 'resume u1', null],
    [Command.StatsPeriod, view({ balloonStatsPeriodSec: null }), 'period u1 2', null],
    // autostart toggles whatever the state; turning it off asks
    [Command.Autostart, view({ autostart: false }), 'autostart u1 true', null],
    [Command.Autostart, view({ state: 'shutoff', id: null, autostart: true }), 'autostart u1 false', /Disable autostart of web-01 on qemu:\/\/\/system\? It will not start after a host reboot/],
  ])('%s on %o', async (cmd, d, call, confirm) => {
    const { ctl, error, reaction, plan } = await planAndRun(cmd, d);
    expect(error).toBeNull();
    expect(ctl.calls).toEqual([call]);
    expect(reaction?.ok).toBe(true);
    if (confirm === null) expect(plan?.confirm).toBeNull();
    else expect(plan?.confirm).toMatch(confirm);
  });

  it.each([
    [Command.Start, view(), /is running: only a shut-off domain can be started/],
    [Command.Shutdown, view({ state: 'shutoff', id: null }), /only a running domain can be shut down/],
    [Command.Reboot, view({ state: 'paused' }), /only a running domain can be rebooted/],
    [Command.ForceOff, view({ state: 'shutoff', id: null }), /not running/],
    [Command.PauseResume, view({ state: 'shutoff', id: null }), /only a running domain can be paused/],
    [Command.Balloon, view({ state: 'shutoff', id: null }), /only be ballooned on a running domain/],
    [Command.Balloon, view({ hasBalloon: false }), /has no balloon device/],
    [Command.Vcpus, view({ state: 'shutoff', id: null }), /running domain/],
  ])('%s refused on %o', (cmd, d, msg) => {
    const p = planCommand(cmd, d, { text: '128M' });
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.error).toMatch(msg);
      expect(p.error).toContain('web-01');
    }
  });
});

describe('balloon', () => {
  it('applies live, or live and config', async () => {
    expect((await planAndRun(Command.Balloon, view(), '192M')).ctl.calls).toEqual(['setMemory u1 196608 live=true config=false']);
    expect((await planAndRun(Command.Balloon, view(), '+64M', true)).ctl.calls).toEqual(['setMemory u1 327680 live=true config=true']);
  });
  it('asks before shrinking below what the guest uses', () => {
    const p = planCommand(Command.Balloon, view({ memUsedKiB: 200 * 1024 }), { text: '128M' });
    expect(p.ok && p.plan.confirm).toMatch(/web-01 uses 200 MiB; shrink it to 128 MiB\?/);
  });
  it.each(['', 'lots', '-1G', '1T', '10M'])('bad input %j sends nothing', async (text) => {
    const { ctl, error } = await planAndRun(Command.Balloon, view(), text);
    expect(error).not.toBeNull();
    expect(ctl.calls).toEqual([]);
  });
});

describe('vCPUs', () => {
  it('hot-adds without asking, asks before removing', () => {
    const add = planCommand(Command.Vcpus, view(), { text: '+1' });
    expect(add.ok && add.plan.confirm).toBeNull();
    const rm = planCommand(Command.Vcpus, view(), { text: '1' });
    expect(rm.ok && rm.plan.confirm).toMatch(/Remove 1 vCPU\(s\) from web-01/);
  });
  it.each([['0'], ['5'], ['2'], ['x']])('refuses %j', (text) => {
    expect(planCommand(Command.Vcpus, view(), { text }).ok).toBe(false);
  });
});

describe('runPlan', () => {
  it('drops the plan when the domain vanished or changed state', async () => {
    const ctl = new RecordingControl();
    const p = planCommand(Command.Shutdown, view());
    if (!p.ok) throw new Error(p.error);
    const gone = await runPlan(p.plan, null, ctl);
    expect(gone).toMatchObject({ ok: false, message: expect.stringMatching(/domain is gone/) });
    const changed = await runPlan(p.plan, view({ state: 'shutoff', id: null }), ctl);
    expect(changed.message).toMatch(/web-01 is now shutoff/);
    expect(ctl.calls).toEqual([]);
  });
  it('shows libvirt’s error in full and keeps going', async () => {
    const ctl = new RecordingControl();
    ctl.fail = Object.assign(new Error("Requested operation is not valid: domain is not running"), { code: 55 });
    const p = planCommand(Command.PauseResume, view());
    if (!p.ok) throw new Error(p.error);
    const r = await runPlan(p.plan, view(), ctl);
    expect(r).toEqual({ ok: false, refresh: true, message: 'failed to pause web-01 on qemu:///system: Requested operation is not valid: domain is not running' });
  });
});

describe('precheck', () => {
  it.each([
    [Command.Start, view(), /only a shut-off domain/],
    [Command.Start, view({ state: 'shutoff', id: null }), null],
    [Command.Balloon, view(), null],
    [Command.Balloon, view({ hasBalloon: false }), /no balloon device/],
    [Command.Balloon, view({ state: 'shutoff', id: null }), /running domain/],
    [Command.Vcpus, view(), null],
    [Command.Vcpus, view({ state: 'shutoff', id: null }), /running domain/],
    [Command.PauseResume, view({ state: 'shutoff', id: null }), /paused/],
  ])('%s on %o', (cmd, d, want) => {
    const r = precheck(cmd, d);
    if (want === null) expect(r).toBeNull();
    else expect(r).toMatch(want);
  });
});
