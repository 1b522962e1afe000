// Operations on a real guest through the actions layer and the read-write
// libvirt control, each checked in the model (what the screen shows) and
// against virsh. Only the lab's idle guest is touched.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Command, planCommand, runPlan } from '../../src/actions/commands.js';
import { createCollector } from '../../src/app/hosts.js';
import type { Collector } from '../../src/collector/collector.js';
import { LibvirtControl } from '../../src/libvirt/control.js';
import { Model } from '../../src/model/model.js';
import type { DomainView } from '../../src/model/view.js';
import { describeLab, domstats, ensureLab, LAB_CONNECT, LAB_GUESTS, type LabHandle, statNum, teardownLab, virsh, waitFor } from './lab.js';

const G = LAB_GUESTS.idle;
const MiB = 1024;

describeLab('actions on a real guest', () => {
  let lab: LabHandle;
  let collector: Collector;
  let model: Model;
  let ctl: LibvirtControl;

  const tick = async (): Promise<DomainView | null> => model.ingest(await collector.tick()).domains.find((d) => d.name === G) ?? null;
  const until = (what: string, ok: (d: DomainView) => boolean, timeoutMs = 30_000) =>
    waitFor(what, async () => {
      const d = await tick();
      return d && ok(d) ? d : undefined;
    }, timeoutMs, 300);

  async function act(cmd: Command, text?: string) {
    const d = await tick();
    if (!d) throw new Error(`${G} is not in the model`);
    const p = planCommand(cmd, d, { text });
    if (!p.ok) return { refused: p.error, reaction: null };
    return { refused: null, reaction: await runPlan(p.plan, d, ctl) };
  }

  beforeAll(async () => {
    lab = await ensureLab([G]);
    collector = createCollector({ uris: [LAB_CONNECT], intervalMs: 500, threads: true });
    model = new Model();
    ctl = new LibvirtControl(LAB_CONNECT, { readonly: false });
    await until('the idle guest running', (d) => d.state === 'running');
  });

  afterAll(async () => {
    await ctl?.close();
    await collector?.close();
    if (lab) await teardownLab([G]);
  });

  it('pause and resume: the model follows', async () => {
    const p = await act(Command.PauseResume);
    expect(p.reaction).toMatchObject({ ok: true, message: `paused ${G} on ${LAB_CONNECT}` });
    await until('paused', (d) => d.state === 'paused');
    const r = await act(Command.PauseResume);
    expect(r.reaction?.message).toBe(`resumed ${G} on ${LAB_CONNECT}`);
    await until('running again', (d) => d.state === 'running');
  });

  it('balloon down and back up: balloon.current follows', async () => {
    const start = (await tick())!.memCurrentKiB as number;
    const down = await act(Command.Balloon, '160M');
    expect(down.reaction?.ok).toBe(true);
    await until('balloon at 160 MiB', (d) => d.memCurrentKiB === 160 * MiB);
    expect(statNum(await domstats(G), 'balloon.current')).toBe(160 * MiB);
    const up = await act(Command.Balloon, `${start / MiB}M`);
    expect(up.reaction?.ok).toBe(true);
    await until('balloon back', (d) => d.memCurrentKiB === start);
  });

  it('hot-adds a vCPU: vcpu.current grows and a new CPU n/TCG thread appears', async () => {
    const before = (await tick())!;
    const r = await act(Command.Vcpus, '+1');
    expect(r.reaction?.ok).toBe(true);
    const after = await until('one more vCPU thread', (d) => d.vcpus === (before.vcpus as number) + 1 && d.vcpuThreads.length === d.vcpus);
    expect(after.vcpuThreads.map((t) => t.vcpu)).toEqual([...Array(after.vcpus).keys()]);
    expect(statNum(await domstats(G), 'vcpu.current')).toBe(after.vcpus);
  });

  it('autostart on and off: virsh dominfo agrees, the model reads it back', async () => {
    const autostart = async () => /^Autostart:\s+(\S+)/m.exec(await virsh(['dominfo', G]))?.[1];
    // The flag comes from the slow loop (every 30 s, and at once on request).
    collector.refreshInventory();
    const before = await until('the autostart flag read', (d) => d.autostart !== null && d.autostart !== undefined);
    expect(before.persistent).toBe(true);
    expect(before.autostart).toBe((await autostart()) === 'enable');
    const first = !before.autostart;
    for (const want of [first, !first]) {
      const { refused, reaction } = await act(Command.Autostart);
      expect(refused).toBeNull();
      expect(reaction?.ok, reaction?.message).toBe(true);
      expect(await autostart()).toBe(want ? 'enable' : 'disable');
      collector.refreshInventory();
      await until(`autostart ${want} in the model`, (d) => d.autostart === want);
    }
  });

  it('refuses bad input and sends nothing', async () => {
    const before = await domstats(G);
    for (const text of ['', 'abc', '10M', '9G', '-1G', '1.5x']) {
      const r = await act(Command.Balloon, text);
      expect(r.refused, `balloon ${JSON.stringify(text)}`).toMatch(/enter a size|not a size|floor|maximum|no memory|unknown unit/);
    }
    for (const text of ['0', '99', 'two', '']) {
      const r = await act(Command.Vcpus, text);
      expect(r.refused, `vcpus ${JSON.stringify(text)}`).not.toBeNull();
    }
    expect((await act(Command.Start)).refused).toMatch(/only a shut-off domain can be started/);
    const after = await domstats(G);
    expect(statNum(after, 'balloon.current')).toBe(statNum(before, 'balloon.current'));
    expect(statNum(after, 'vcpu.current')).toBe(statNum(before, 'vcpu.current'));
  });

  it('read-only mode refuses at once with a clear message', async () => {
    const ro = new LibvirtControl(LAB_CONNECT, { readonly: true });
    const d = (await tick())!;
    const p = planCommand(Command.PauseResume, d);
    if (!p.ok) throw new Error(p.error);
    const r = await runPlan(p.plan, d, ro);
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/read-only mode/) });
    expect(await virsh(['domstate', G])).toMatch(/running/);
  });

  it('graceful shutdown, then start: the model sees shutoff and running', async () => {
    const s = await act(Command.Shutdown);
    expect(s.reaction?.ok).toBe(true);
    const off = await until('shut off', (d) => d.state === 'shutoff', 60_000);
    expect(off.id).toBeNull();
    expect(off.cpuPercent).toBeNull();
    const st = await act(Command.Start);
    expect(st.reaction?.message).toBe(`started ${G} on ${LAB_CONNECT}`);
    const on = await until('running', (d) => d.state === 'running', 60_000);
    expect(on.initializing).toBe(true); // a fresh QEMU: no rate across the restart
  });
});
