// Record a lab run with a known load change — a spin guest of our own,
// suspended mid-recording and resumed — then replay it: the replayed JSON
// equals what was printed live, and it shows the pause.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeLab, domState, ensureLab, LAB_CONNECT, teardownLab, virsh, waitFor, type LabHandle } from './lab.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/virtop');
// Our own spin guest (lab.sh picks the load from the name), so suspending it
// disturbs no other test that watches virtop-lab-spin.
const GUEST = 'virtop-lab-spin-rec';

interface Tick {
  domains: { name: string; state: string; cpuPercent: number | null }[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describeLab('record a lab run and replay it', () => {
  let lab: LabHandle;
  const dir = mkdtempSync(join(tmpdir(), 'virtop-lab-rec-'));
  const file = join(dir, 'lab.ndjson.gz');
  let live = '';
  let liveCode: number | null = null;
  let suspended = false;

  beforeAll(async () => {
    lab = await ensureLab([GUEST]);
    const child = spawn(process.execPath, [BIN, '-c', LAB_CONNECT, '--json', '-d', '1', '--record', file], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => (live += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    const ticks = () => live.split('\n').filter((l) => l.endsWith('}')).length;
    try {
      await waitFor('4 ticks running', async () => (ticks() >= 4 ? true : undefined), 60_000);
      await virsh(['suspend', GUEST]);
      suspended = true;
      const at = ticks();
      await waitFor('6 ticks paused', async () => (ticks() >= at + 6 ? true : undefined), 60_000);
      await virsh(['resume', GUEST]);
      suspended = false;
      const at2 = ticks();
      await waitFor('6 ticks running again', async () => (ticks() >= at2 + 6 ? true : undefined), 60_000);
    } finally {
      if (suspended) await virsh(['resume', GUEST]).catch(() => undefined);
      child.kill('SIGINT');
      liveCode = await exited;
    }
    if (liveCode !== 0) throw new Error(`virtop exited ${liveCode}: ${err}`);
  });

  afterAll(async () => {
    if ((await domState(GUEST)) === 'paused') await virsh(['resume', GUEST]).catch(() => undefined);
    if (lab) await teardownLab(lab);
    rmSync(dir, { recursive: true, force: true });
  });

  test('the replayed JSON equals what was printed live', async () => {
    const replay = await new Promise<{ code: number | null; out: string; err: string }>((res) => {
      const c = spawn(process.execPath, [BIN, '--replay', file, '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      c.stdout.on('data', (d) => (out += d));
      c.stderr.on('data', (d) => (err += d));
      c.once('exit', (code) => res({ code, out, err }));
    });
    expect(replay.err).toBe('');
    expect(replay.code).toBe(0);
    // SIGINT may land mid-tick: the live output can end with a tick whose record was written but
    // whose line was not, or the other way round. Every line printed live and recorded must match.
    const liveLines = live.split('\n').filter((l) => l !== '');
    const replayLines = replay.out.split('\n').filter((l) => l !== '');
    expect(Math.abs(liveLines.length - replayLines.length)).toBeLessThanOrEqual(1);
    const n = Math.min(liveLines.length, replayLines.length);
    expect(n).toBeGreaterThanOrEqual(15);
    expect(replayLines.slice(0, n)).toEqual(liveLines.slice(0, n));

    // The replay shows the load change: running, paused (no CPU), running again.
    const seq = replayLines.map((l) => (JSON.parse(l) as Tick).domains.find((d) => d.name === GUEST)).filter((d) => d !== undefined);
    const states = seq.map((d) => d.state);
    const firstPaused = states.indexOf('paused');
    const resumed = states.indexOf('running', firstPaused);
    expect(firstPaused).toBeGreaterThan(0);
    expect(resumed).toBeGreaterThan(firstPaused);
    expect(states.slice(0, firstPaused).every((s) => s === 'running')).toBe(true);
    // ticks fully inside each phase (the ones straddling a change are left out)
    const running = [...seq.slice(1, firstPaused - 1), ...seq.slice(resumed + 1)].map((d) => d.cpuPercent).filter((v) => v !== null);
    const paused = seq.slice(firstPaused + 1, resumed - 1).map((d) => d.cpuPercent).filter((v) => v !== null);
    // (a rate may be withheld, null, when a stats call was held up by the suspend or resume)
    const timeline = seq.map((d) => `${d.state}:${d.cpuPercent}`).join(' ');
    console.log(`[lab] ${GUEST} in the replay (state:%CPU): ${timeline}`);
    expect(paused.length, timeline).toBeGreaterThanOrEqual(1);
    expect(running.length, timeline).toBeGreaterThanOrEqual(3);
    // a suspended TCG guest's QEMU still uses a little CPU (its main loop), well under 2 % of the host
    expect(Math.max(...paused), timeline).toBeLessThan(2);
    expect(median(running), timeline).toBeGreaterThan(Math.max(3, 5 * Math.max(...paused)));
  });

  test('size on disk: under 1 KB per domain per tick', () => {
    const ticks = live.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Tick);
    const domainTicks = ticks.reduce((a, t) => a + t.domains.length, 0);
    const perDomainTick = statSync(file).size / domainTicks;
    console.log(`[lab] recording: ${statSync(file).size} B for ${ticks.length} ticks, ${domainTicks} domain-ticks: ${perDomainTick.toFixed(0)} B per domain per tick`);
    expect(perDomainTick).toBeLessThan(1024);
  });
});
