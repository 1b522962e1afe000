// libvirtd hung (SIGSTOP) for 60 s under a running collector (#17, item 1):
// snapshots keep coming with the host unresponsive, and nothing piles up
// while it hangs: libvirt calls waiting, Node handles and timers, heap and
// warnings (an AbortSignal listener leak once printed
// MaxListenersExceededWarning here). After the daemon answers, each count is
// back at its level from before the hang. The counts are printed.
import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCollector } from '../../src/app/hosts.js';
import type { Collector } from '../../src/collector/collector.js';
import { pendingLibvirtCalls } from '../../src/libvirt/connection.js';
import { describeLab, ensureLab, LAB_CONNECT, LAB_GUESTS, type LabHandle, labSh, sleep, teardownLab, waitFor } from './lab.js';

const G = LAB_GUESTS.idle;
const TICK_MS = 500;
const HANG_SEC = Number(process.env.VIRTOP_LAB_HANG_SEC ?? 60);
const EARLY_SEC = 35;
/** Connections that can have a call waiting: the ticks', the inventory loop's and the address loop's, one call each. */
const CONNECTIONS = 3;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function libvirtdPids(): number[] {
  return spawnSync('pgrep', ['-x', 'libvirtd'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
}

interface Counts {
  /** fewest libvirt calls waiting over a 2 s window (a tick's own call comes and goes) */
  pendingCalls: number;
  /** Node's active handles and requests by kind, at that quietest moment */
  resources: Record<string, number>;
  heapMiB: number;
}

function resources(): Record<string, number> {
  const byKind: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) byKind[r] = (byKind[r] ?? 0) + 1;
  return byKind;
}

async function measure(): Promise<Counts> {
  let best: { pending: number; res: Record<string, number> } | null = null;
  for (let i = 0; i < 40; i++) {
    const pending = pendingLibvirtCalls();
    if (!best || pending < best.pending) best = { pending, res: resources() };
    await sleep(50);
  }
  gc();
  gc();
  return { pendingCalls: best!.pending, resources: best!.res, heapMiB: process.memoryUsage().heapUsed / 2 ** 20 };
}

const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

describeLab(`libvirtd hung for ${HANG_SEC} s`, () => {
  let lab: LabHandle;
  let collector: Collector;
  const statuses: string[] = [];
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);

  beforeAll(async () => {
    lab = await ensureLab([G]);
    process.on('warning', onWarning);
  });

  afterAll(async () => {
    process.off('warning', onWarning);
    for (const pid of libvirtdPids()) process.kill(pid, 'SIGCONT');
    collector?.stop();
    await collector?.close();
    if (libvirtdPids().length === 0) await labSh(['daemons']);
    if (lab) await teardownLab([G]);
  });

  it('snapshots keep coming, unresponsive; nothing accumulates; every count returns to its level', async () => {
    collector = createCollector({ uris: [LAB_CONNECT], intervalMs: TICK_MS, threads: true });
    collector.onSnapshot((s) => statuses.push(s.hosts[0].status));
    collector.start();
    await waitFor('10 connected snapshots', async () => (statuses.filter((s) => s === 'connected').length >= 10 ? true : undefined), 30_000, 100);
    const before = await measure();

    const pids = libvirtdPids();
    let early: Counts;
    let late: Counts;
    let mostWaiting = 0;
    const fromHang = statuses.length;
    const t0 = performance.now();
    const watch = setInterval(() => (mostWaiting = Math.max(mostWaiting, pendingLibvirtCalls())), 100);
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    try {
      // by 35 s every loop has met the hang: ticks at once, the inventory loop at its 30 s round
      await sleep(EARLY_SEC * 1000);
      early = await measure();
      await sleep(Math.max(0, HANG_SEC * 1000 - (performance.now() - t0) - 2000));
      late = await measure();
    } finally {
      clearInterval(watch);
      for (const pid of pids) process.kill(pid, 'SIGCONT');
    }
    const hangSec = (performance.now() - t0) / 1000;
    const during = statuses.slice(fromHang);
    const back = statuses.length;
    await waitFor('connected again, then 10 snapshots', async () => {
      const after = statuses.slice(back);
      const i = after.indexOf('connected');
      return i >= 0 && after.length - i >= 10 ? true : undefined;
    }, 30_000, 100);
    const after = await measure();

    const line = (c: Counts) => `${c.pendingCalls} calls waiting, ${total(c.resources)} handles ${JSON.stringify(c.resources)}, heap ${c.heapMiB.toFixed(1)} MiB`;
    process.stdout.write(
      `hung ${hangSec.toFixed(0)} s: ${during.length} snapshots, ${during.filter((s) => s === 'unresponsive').length} unresponsive, at most ${mostWaiting} calls waiting\n` +
        `  before: ${line(before)}\n  at ${EARLY_SEC} s: ${line(early!)}\n  at ${HANG_SEC - 2} s: ${line(late!)}\n  after: ${line(after)}\n` +
        `  warnings: ${warnings.length}\n`,
    );

    // it kept ticking (a host gets at least 1 s to answer, so about one snapshot a second), and said why the numbers stopped
    expect(during.length).toBeGreaterThan(HANG_SEC * 0.8);
    expect(during.filter((s) => s === 'unresponsive').length).toBeGreaterThan(during.length * 0.8);
    // nothing accumulates while it hangs: one call at most per connection, the same at 35 s and at the end
    expect(mostWaiting).toBeLessThanOrEqual(CONNECTIONS);
    expect(late!.pendingCalls).toBe(early!.pendingCalls);
    expect(late!.resources).toEqual(early!.resources);
    expect(late!.heapMiB).toBeLessThan(early!.heapMiB + 2);
    // and after: back where it was
    expect(after.pendingCalls).toBe(before.pendingCalls);
    expect(after.resources).toEqual(before.resources);
    expect(after.heapMiB).toBeLessThan(before.heapMiB + 2);
    expect(warnings).toEqual([]);
  }, (HANG_SEC + 90) * 1000);
});
