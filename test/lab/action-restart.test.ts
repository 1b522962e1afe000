// An action across a libvirtd restart (#17, item 3), through the actions
// layer, the read-write control and the action log, as the TUI runs them:
// - issued after a restart, on a connection that died with the old daemon:
//   it is sent once on a new connection and done;
// - cut by the daemon dying while it waits: it fails with libvirt's reason,
//   says it may not have been applied, is not retried, and the guest's
//   balloon shows it was not applied twice (nor at all: the daemon was
//   stopped before it read the call);
// - issued while the daemon is down: it fails with the reason;
// every attempt is one valid JSON line in the action log.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Command, planCommand, runPlan } from '../../src/actions/commands.js';
import { ActionLog } from '../../src/actions/log.js';
import { createCollector } from '../../src/app/hosts.js';
import type { Collector } from '../../src/collector/collector.js';
import { LibvirtControl } from '../../src/libvirt/control.js';
import { Model } from '../../src/model/model.js';
import type { DomainView } from '../../src/model/view.js';
import { describeLab, domstats, ensureLab, labSh, LAB_CONNECT, LAB_GUESTS, type LabHandle, sleep, statNum, teardownLab, waitFor } from './lab.js';

const G = LAB_GUESTS.idle;
const MiB = 1024;

function libvirtdPids(): number[] {
  return spawnSync('pgrep', ['-x', 'libvirtd'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
}
const answers = () => spawnSync('virsh', ['-c', LAB_CONNECT, 'version'], { timeout: 5000 }).status === 0;

async function killDaemon(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  for (const pid of libvirtdPids()) process.kill(pid, signal);
  await waitFor('libvirtd gone', async () => (libvirtdPids().length === 0 ? true : undefined), 20_000, 100);
}
async function startDaemon(): Promise<void> {
  spawnSync('libvirtd', ['-d']);
  await waitFor('libvirtd answering', async () => (answers() ? true : undefined), 30_000, 100);
}

describeLab('an action across a libvirtd restart', () => {
  let lab: LabHandle;
  let collector: Collector;
  const model = new Model();
  let ctl: LibvirtControl;
  const dir = mkdtempSync(join(tmpdir(), 'virtop-actlog-'));
  const log = new ActionLog(join(dir, 'actions.log'), 'lab');
  let guest: DomainView;
  let startKiB: number;

  const tick = async () => model.ingest(await collector.tick()).domains.find((d) => d.name === G) ?? null;

  /** Balloons the guest as the TUI does (plan, run, log) and returns the reaction. */
  async function balloon(text: string) {
    const p = planCommand(Command.Balloon, guest, { text });
    if (!p.ok) throw new Error(p.error);
    const reaction = await runPlan(p.plan, guest, ctl);
    await log.record(p.plan, reaction);
    return reaction;
  }

  /** The guest's balloon once it has moved to `kib` (the guest driver takes a moment). */
  const balloonAt = (kib: number) =>
    waitFor(`balloon.current at ${kib} KiB`, async () => (statNum(await domstats(G), 'balloon.current') === kib ? true : undefined), 30_000, 200);

  beforeAll(async () => {
    lab = await ensureLab([G]);
    collector = createCollector({ uris: [LAB_CONNECT], intervalMs: 500, threads: false, addresses: false });
    ctl = new LibvirtControl(LAB_CONNECT, { readonly: false });
    guest = await waitFor('the idle guest running', async () => {
      const d = await tick();
      return d?.state === 'running' && typeof d.memCurrentKiB === 'number' ? d : undefined;
    }, 30_000, 300);
    startKiB = guest.memCurrentKiB as number;
  });

  afterAll(async () => {
    if (libvirtdPids().length === 0) await labSh(['daemons']);
    await ctl?.close();
    await collector?.close();
    if (lab) await teardownLab([G]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('after a restart: sent once on a new connection, and done', async () => {
    expect((await balloon('200M')).ok).toBe(true);
    await balloonAt(200 * MiB);
    await killDaemon();
    await startDaemon();
    const r = await balloon('176M');
    expect(r.message).toBe(`set memory of ${G} on ${LAB_CONNECT} to 176 MiB (live only)`);
    expect(r.ok).toBe(true);
    await balloonAt(176 * MiB);
  }, 90_000);

  it('cut by the daemon dying mid-call: libvirt’s reason, not retried, not applied', async () => {
    const before = statNum(await domstats(G), 'balloon.current');
    for (const pid of libvirtdPids()) process.kill(pid, 'SIGSTOP');
    const pending = balloon('160M');
    await sleep(1000);
    await killDaemon();
    const r = await pending;
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^failed to set .*: the connection to libvirtd dropped during the call \(.+\); it may not have been applied/);
    await startDaemon();
    // had it been applied, the balloon would be on its way to 160 MiB by now
    await sleep(3000);
    expect(statNum(await domstats(G), 'balloon.current')).toBe(before);
  }, 90_000);

  it('while the daemon is down: the reason; once it is back, the next one is done', async () => {
    await killDaemon();
    const down = await balloon('160M');
    expect(down.ok).toBe(false);
    expect(down.message).toMatch(/cannot open a read-write connection to qemu:\/\/\/system .*(No such file|Connection refused)/);
    await startDaemon();
    const back = await balloon(`${startKiB / MiB}M`);
    expect(back.ok, back.message).toBe(true);
    await balloonAt(startKiB);
  }, 90_000);

  it('the action log holds each attempt as one valid JSON line', () => {
    const lines = readFileSync(join(dir, 'actions.log'), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const entries = lines.map((l) => JSON.parse(l) as { ok: boolean; args: { memoryKiB: number } });
    expect(entries.map((e) => [e.args.memoryKiB / MiB, e.ok])).toEqual([
      [200, true],
      [176, true],
      [160, false],
      [160, false],
      [startKiB / MiB, true],
    ]);
    process.stdout.write(`actions across restarts: ${entries.length} logged, ${entries.filter((e) => e.ok).length} done, ${entries.filter((e) => !e.ok).length} failed with the reason, none repeated\n`);
  });
});
