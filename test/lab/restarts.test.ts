// 50 libvirtd restarts (half clean, half kill -9) with a collector in this
// process, a batch run (virtop -b --json) and the TUI (in tmux) attached:
// after each, virtop is connected again within two ticks of the daemon
// answering, the idle guest keeps one key and a growing history, and neither
// the batch run nor the TUI exits; the TUI shows the guest running and its
// host connected at the end. The count survived is printed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCollector } from '../../src/app/hosts.js';
import type { Collector } from '../../src/collector/collector.js';
import { Model } from '../../src/model/model.js';
import { ROOT, spawnVirtopLines } from '../helpers/run.js';
import { haveTmux, promptBack, tableRows, TmuxSession } from '../helpers/tmux.js';
import { describeLab, ensureLab, LAB_CONNECT, LAB_GUESTS, type LabHandle, labSh, sleep, teardownLab, waitFor } from './lab.js';

const G = LAB_GUESTS.idle;
const TICK_MS = 500;
const RESTARTS = Number(process.env.VIRTOP_LAB_RESTARTS ?? 50);

function libvirtdPids(): number[] {
  return spawnSync('pgrep', ['-x', 'libvirtd'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
}

const session = new TmuxSession(`virtop-lab-restarts-${process.pid}`);

const answers = () => spawnSync('virsh', ['-c', LAB_CONNECT, 'version'], { timeout: 5000 }).status === 0;

describeLab(`${RESTARTS} libvirtd restarts`, () => {
  let lab: LabHandle;
  let collector: Collector;
  const model = new Model({ historySize: 2000 });

  beforeAll(async () => {
    lab = await ensureLab([G]);
    collector = createCollector({ uris: [LAB_CONNECT], intervalMs: TICK_MS, threads: false, addresses: false });
  });

  afterAll(async () => {
    session.kill();
    await collector?.close();
    if (libvirtdPids().length === 0) await labSh(['daemons']);
    if (lab) await teardownLab([G]);
  });

  it('reconnects within two ticks each time, keeps the guest’s history, and the batch run lives on', async () => {
    if (!haveTmux) throw new Error('tmux is not installed');
    const batch = spawnVirtopLines(['-b', '--json', '-d', '0.5', '-c', LAB_CONNECT]);
    session.start(ROOT, [`XDG_CONFIG_HOME=${mkdtempSync(join(tmpdir(), 'virtop-lab-restarts-'))}`], 120, 30);
    session.type(`node bin/virtop -c ${LAB_CONNECT} -d 0.5`);
    session.keys('Enter');
    const tuiRow = (s: string) => tableRows(s).get(G) ?? '';
    await session.waitFor((s) => tuiRow(s) !== '', `${G} in the TUI`, 20_000);
    let exited: number | null = null;
    void batch.closed.then((r) => (exited = r.code ?? -1));
    const tick = async () => model.ingest(await collector.tick());
    try {
      await waitFor('the guest in the model', async () => ((await tick()).domains.some((d) => d.name === G) ? true : undefined), 20_000, TICK_MS);
      const key = model.view().domains.find((d) => d.name === G)!.key;
      // A batch run that never connected stops (nothing to show): let it connect first.
      await waitFor('the batch run connected', async () => (batch.lines.some((l) => l.includes('"status":"connected"')) ? true : undefined), 20_000, 100);
      let survived = 0;
      let worst = 0;
      for (let r = 0; r < RESTARTS; r++) {
        const signal = r % 2 === 0 ? 'SIGTERM' : 'SIGKILL';
        for (const pid of libvirtdPids()) process.kill(pid, signal);
        await waitFor('libvirtd gone', async () => (libvirtdPids().length === 0 ? true : undefined), 20_000, 100);
        await tick();
        spawnSync('libvirtd', ['-d']);
        await waitFor('libvirtd answering', async () => (answers() ? true : undefined), 30_000, 100);
        // From the daemon's first answer: connected within two ticks.
        let ticks = 0;
        let status = '';
        do {
          await sleep(TICK_MS);
          status = (await tick()).hosts[0].status;
          ticks++;
        } while (status !== 'connected' && ticks < 10);
        worst = Math.max(worst, ticks);
        expect(status, `restart ${r + 1} (${signal})`).toBe('connected');
        expect(ticks, `restart ${r + 1} (${signal}): ticks to reconnect`).toBeLessThanOrEqual(2);
        expect(exited, `the batch run exited after restart ${r + 1}`).toBeNull();
        expect(promptBack(session.screen()), `the TUI exited after restart ${r + 1}`).toBe(false);
        survived++;
      }
      const view = await tick();
      expect(view.domains.find((d) => d.name === G)?.key).toBe(key);
      // one history slot per tick, restarts included (gaps, not a reset)
      expect(model.history(key)!.times.length).toBeGreaterThan(RESTARTS * 2);
      const before = batch.lines.length;
      await waitFor('batch frames after the last restart', async () => (batch.lines.length > before + 2 ? true : undefined), 10_000, 100);
      // the TUI: still up, the guest running (S column R), no reconnecting line in the header
      const screen = await session.waitFor(
        (s) => tuiRow(s).trim().split(/\s+/)[1] === 'R' && !/reconnecting|unresponsive/.test(s),
        'the TUI with the guest running and the host connected',
        10_000,
      );
      expect(promptBack(screen)).toBe(false);
      process.stdout.write(`restarts: survived ${survived} (${Math.ceil(survived / 2)} clean, ${Math.floor(survived / 2)} kill -9), reconnected within ${worst} tick(s) at worst; the batch run wrote ${batch.lines.length} frames; the TUI stayed up\n`);
    } finally {
      batch.child.kill('SIGINT');
      await batch.closed;
      if (libvirtdPids().length === 0) await labSh(['daemons']);
    }
    expect(exited).toBe(0);
    expect(batch.stderr()).toBe('');
  }, 900_000);
});
