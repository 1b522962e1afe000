// Survives libvirtd being killed and restarted: the host shows
// "reconnecting" with the time since the loss, ticks never hang, the
// domain's row and history are kept, and it is back within two ticks of the
// daemon's return.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCollector } from '../../src/app/hosts.js';
import type { Collector } from '../../src/collector/collector.js';
import { Model } from '../../src/model/model.js';
import type { ModelView } from '../../src/model/view.js';
import { describeLab, ensureLab, LAB_CONNECT, LAB_GUESTS, type LabHandle, labSh, sleep, teardownLab, waitFor } from './lab.js';

const G = LAB_GUESTS.idle;
const TICK_MS = 500;

function libvirtdPids(): number[] {
  const r = spawnSync('pgrep', ['-x', 'libvirtd'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

describeLab('libvirtd killed and restarted', () => {
  let lab: LabHandle;
  let collector: Collector;
  const model = new Model();

  async function timedTick(): Promise<{ view: ModelView; ms: number }> {
    const t0 = performance.now();
    const view = model.ingest(await collector.tick());
    return { view, ms: performance.now() - t0 };
  }

  beforeAll(async () => {
    lab = await ensureLab([G]);
    collector = createCollector({ uris: [LAB_CONNECT], intervalMs: TICK_MS, threads: true });
  });

  afterAll(async () => {
    await collector?.close();
    // Whatever happened, leave a running daemon behind.
    if (libvirtdPids().length === 0) await labSh(['daemons']);
    if (lab) await teardownLab([G]);
  });

  it('reconnects within two ticks and keeps the history', async () => {
    for (let i = 0; i < 3; i++) {
      await timedTick();
      await sleep(TICK_MS);
    }
    const key = model.view().domains.find((d) => d.name === G)!.key;
    const historyBefore = model.history(key)!.times.length;

    for (const pid of libvirtdPids()) process.kill(pid, 'SIGTERM');
    await waitFor('libvirtd to exit', async () => (libvirtdPids().length === 0 ? true : undefined), 20_000);

    let down: ModelView | null = null;
    for (let i = 0; i < 4; i++) {
      const { view, ms } = await timedTick();
      // Tolerance: a tick against a dead daemon must return promptly (the socket is refused).
      expect(ms).toBeLessThan(2000);
      down = view;
      await sleep(TICK_MS);
    }
    const host = down!.hosts[0];
    expect(host.status).toBe('reconnecting');
    expect(host.downForSec as number).toBeGreaterThan(1);
    expect(host.error).toMatch(/connection lost|cannot connect/);
    // The guest's row is still there (QEMU keeps running), with unknown rates.
    const stale = down!.domains.find((d) => d.name === G)!;
    expect(stale.cpuPercent).toBeNull();

    await labSh(['daemons']);
    let ticks = 0;
    let back: ModelView;
    do {
      ({ view: back } = await timedTick());
      ticks++;
      if (back.hosts[0].status !== 'connected') await sleep(TICK_MS);
    } while (back.hosts[0].status !== 'connected' && ticks < 10);
    expect(ticks).toBeLessThanOrEqual(2);
    expect(back.domains.find((d) => d.name === G)?.state).toBe('running');
    // Same key, history continued across the outage (gaps, not a reset).
    expect(model.history(key)!.times.length).toBeGreaterThan(historyBefore + 4);
    await sleep(TICK_MS);
    const { view } = await timedTick();
    const d = view.domains.find((x) => x.name === G)!;
    expect(d.cpuPercent).not.toBeNull();
    expect(d.cpuPercent as number).toBeGreaterThanOrEqual(0);
  });
});
