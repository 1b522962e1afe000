// --record and --replay end to end on the demo host: a replay prints what
// was printed live, byte for byte; a file cut anywhere (or a process killed
// mid-recording) replays a prefix without crashing.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN, ROOT, runVirtop } from '../helpers/run.js';
import { parseFrames } from '../helpers/schema.js';
import { mulberry32 } from '../helpers/prng.js';

beforeAll(() => assertBuilt());
const dir = mkdtempSync(join(tmpdir(), 'virtop-record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


const lines = (s: string) => s.split('\n').filter((l) => l !== '');

describe('record while monitoring, replay the same output', () => {
  const rec = join(dir, 'demo.ndjson.gz');
  const csvLive = join(dir, 'live.csv');
  let live = '';

  beforeAll(async () => {
    const r = await runVirtop(['--demo', '--json', '-n', '8', '-d', '0.2', '--csv', csvLive, '--record', rec]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    live = r.stdout;
    expect(parseFrames(live)).toHaveLength(8);
  });

  it('--replay --json prints exactly what --json printed live, rates included', async () => {
    const r = await runVirtop(['--replay', rec, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(live);
    const last = JSON.parse(lines(r.stdout)[7]);
    expect(last.domains.some((d: { cpuPercent: number | null }) => typeof d.cpuPercent === 'number')).toBe(true);
  });

  it('--replay --csv gives the CSV written live', async () => {
    const out = join(dir, 'replay.csv');
    const r = await runVirtop(['--replay', rec, '--csv', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(csvLive, 'utf8'));
  });

  it('-n limits a replay to its first records, at full speed', async () => {
    const t0 = Date.now();
    const r = await runVirtop(['--replay', rec, '--json', '-n', '3']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(lines(r.stdout)).toEqual(lines(live).slice(0, 3));
    // 8 records 0.2 s apart were recorded over 1.4 s; a replay does not wait for them
    const all = await runVirtop(['--replay', rec, '--json']);
    expect(all.code).toBe(0);
    expect(all.stderr).toBe('');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('text frames: a replay of a -b recording prints the same frames', async () => {
    const recText = join(dir, 'text.gz');
    const a = await runVirtop(['--demo', '-b', '-n', '3', '-d', '0.2', '--record', recText]);
    expect(a.code).toBe(0);
    expect(a.stderr).toBe('');
    const b = await runVirtop(['--replay', recText, '-b']);
    expect(b.code).toBe(0);
    expect(b.stderr).toBe('');
    expect(b.stdout).toBe(a.stdout);
  });

  it('30 random cuts of the file (fixed seed): each replays a prefix of the live output, or says it has no records', async () => {
    const whole = readFileSync(rec);
    const rand = mulberry32(9);
    const offsets = [...new Set(Array.from({ length: 30 }, () => 1 + Math.floor(rand() * (whole.length - 1))))].sort((x, y) => x - y);
    const liveLines = lines(live);
    let prev = 0;
    const counts: number[] = [];
    for (const off of offsets) {
      const cut = join(dir, `cut-${off}.gz`);
      writeFileSync(cut, whole.subarray(0, off));
      const r = await runVirtop(['--replay', cut, '--json']);
      if (r.code === 1) {
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(/^virtop: .*cut-\d+\.gz: (the recording is cut off inside its header|the recording is empty|the recording has no records)/);
        expect(prev).toBe(0);
        counts.push(0);
        continue;
      }
      expect(r.code, r.stderr).toBe(0);
      const got = lines(r.stdout);
      expect(got).toEqual(liveLines.slice(0, got.length));
      expect(got.length).toBeGreaterThanOrEqual(prev);
      // cut inside a record, or exactly between two: either way the user is told
      expect(r.stderr).toMatch(/(ends mid-record .* replaying its \d+ whole records|was not closed .* replaying its \d+ records)/);
      prev = got.length;
      counts.push(got.length);
    }
    // the cuts spread over the file: most give some records, and the counts climb
    expect(counts.filter((c) => c > 0).length).toBeGreaterThan(20);
    expect(new Set(counts).size).toBeGreaterThan(4);
  }, 120_000);
});

describe('a recording process killed mid-run', () => {
  it('SIGKILL after some ticks: the replay gives the ticks printed before the kill', async () => {
    const rec = join(dir, 'killed.gz');
    const child = spawn(process.execPath, [BIN, '--demo', '--json', '-d', '0.2', '--record', rec], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (lines(out).length >= 6 && out.endsWith('\n')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.on('exit', r));
    const printed = lines(out);
    const r = await runVirtop(['--replay', rec, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const replayed = lines(r.stdout);
    // Each record is flushed as its tick happens, so at most the last printed tick may be missing
    // (its bytes were still on their way to the file), and at most one more may be there.
    expect(replayed.length).toBeGreaterThanOrEqual(printed.length - 1);
    const n = Math.min(replayed.length, printed.length);
    expect(replayed.slice(0, n)).toEqual(printed.slice(0, n));
  });
});

describe('errors', () => {
  it('a missing file: status 1 naming it', async () => {
    const r = await runVirtop(['--replay', join(dir, 'none.gz'), '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^virtop: .*none\.gz: cannot read the recording '.*none\.gz': ENOENT/);
  });

  it('a file that is not a recording: status 1', async () => {
    const p = join(dir, 'not.gz');
    writeFileSync(p, 'hello');
    const r = await runVirtop(['--replay', p, '-b']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a virtop recording/);
  });

  it('an unwritable --record path: status 1 before anything runs', async () => {
    const r = await runVirtop(['--demo', '--json', '-n', '1', '--record', '/nonexistent-dir/x.gz']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/cannot write the recording '\/nonexistent-dir\/x\.gz'/);
  });

  it('a recording that fails mid-run (disk full) makes the exit status 1 and says why', async () => {
    const r = await runVirtop(['--demo', '--json', '-n', '2', '-d', '0.2', '--record', '/dev/full']);
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toHaveLength(2);
    expect(r.stderr).toMatch(/recording to '\/dev\/full' stopped/);
  });

  it.each([
    [['--replay', 'x.gz', '--record', 'y.gz'], /cannot be combined/],
    [['--replay', 'x.gz', '--demo'], /drop --connect and --demo/],
    [['--replay', 'x.gz', '-d', '1'], /drop --delay/],
    [['--replay', 'x.gz', '--prometheus'], /cannot serve a --replay/],
    [['--record', ''], /needs a file name/],
    [['--replay', '-', '-b'], /needs a file name/],
  ])('%j → exit 2', async (args, msg) => {
    const r = await runVirtop(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(msg);
  });
});
