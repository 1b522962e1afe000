// A capped recording: files close at a size or an age, move to FILE.1, FILE.2,
// …, and each one replays on its own.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecording } from '../../../src/record/reader.js';
import { RotatingRecorder, segmentFull, type RecordingCap } from '../../../src/record/rotating.js';
import { fullSnapshot } from './full-sample.js';

const dir = mkdtempSync(join(tmpdir(), 'virtop-rot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `r${n++}.ndjson.gz`);
const opts = { intervalMs: 1000, version: 'test', recordedOn: 'box' };

async function seqs(path: string): Promise<number[]> {
  const rec = await readRecording(path);
  expect(rec.report).toEqual({ truncated: false, closed: true, damaged: null });
  return Array.from({ length: rec.length }, (_, i) => rec.get(i).seq);
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('segmentFull', () => {
  const cap = (maxBytes: number | null, maxAgeSec: number | null): RecordingCap => ({ maxBytes, maxAgeSec, keep: 3 });
  it.each([
    [cap(1000, null), 999, 0, 99_000, false],
    [cap(1000, null), 1000, 0, 0, true],
    [cap(null, 60), 10 ** 9, 0, 59_999, false],
    [cap(null, 60), 0, 0, 60_000, true],
    [cap(1000, 60), 10, 5_000, 65_000, true],
    [cap(null, null), 10 ** 12, 0, 10 ** 12, false],
  ])('%o with %d bytes from %d at %d → %s', (c, bytes, first, now, want) => {
    expect(segmentFull(c, bytes, first, now)).toBe(want);
  });
});

describe('RotatingRecorder', () => {
  it('an age cap of 10 s at one record a second: files of 10 records, the newest in FILE, two older kept', async () => {
    const path = fresh();
    const r = await RotatingRecorder.open(path, opts, { maxBytes: null, maxAgeSec: 10, keep: 2 });
    for (let i = 0; i < 35; i++) r.write(fullSnapshot(i));
    expect(await r.close()).toBeNull();
    expect(r.rotations).toBe(3);
    expect(await seqs(path)).toEqual(range(30, 35));
    expect(await seqs(`${path}.1`)).toEqual(range(20, 30));
    expect(await seqs(`${path}.2`)).toEqual(range(10, 20));
    expect(existsSync(`${path}.3`)).toBe(false);
    // each file starts with a header of its own
    expect((await readRecording(`${path}.1`)).header.startedWallMs).toBe(fullSnapshot(20).wallMs);
  });

  it('a size cap: every record lands once, in order, and no file passes the cap by more than one record', async () => {
    const path = fresh();
    const one = await RotatingRecorder.open(join(dir, 'probe.gz'), opts, { maxBytes: null, maxAgeSec: null, keep: 1 });
    one.write(fullSnapshot(0));
    one.write(fullSnapshot(1));
    await one.close();
    const roughlyTwo = statSync(join(dir, 'probe.gz')).size;
    const maxBytes = roughlyTwo * 3;
    // keep: more than the records, so no file is deleted however many rotations there are: a
    // busy machine's zlib lags, the cap then counts records not yet compressed at their full
    // size (it never lets a file pass it), and one run rotated 53 times.
    const r = await RotatingRecorder.open(path, opts, { maxBytes, maxAgeSec: null, keep: 100 });
    for (let i = 0; i < 60; i++) {
      r.write(fullSnapshot(i));
      // ticks are apart in time: zlib gets to run between them
      await new Promise((res) => setTimeout(res, 2));
    }
    expect(await r.close()).toBeNull();
    expect(r.rotations).toBeGreaterThanOrEqual(3);
    const files = [...range(1, r.rotations + 1).reverse().map((k) => `${path}.${k}`), path];
    const all: number[] = [];
    for (const f of files) {
      all.push(...(await seqs(f)));
      expect(statSync(f).size).toBeLessThan(maxBytes + roughlyTwo);
    }
    expect(all).toEqual(range(0, 60));
  });

  it('a file that cannot be moved aside stops the recording with the reason; what was written stays readable', async () => {
    const path = fresh();
    mkdirSync(`${path}.1`);
    writeFileSync(join(`${path}.1`, 'x'), 'in the way');
    const r = await RotatingRecorder.open(path, opts, { maxBytes: null, maxAgeSec: 5, keep: 1 });
    const said: string[] = [];
    r.onError((e) => said.push(e.message));
    for (let i = 0; i < 12; i++) r.write(fullSnapshot(i));
    const err = await r.close();
    expect(err?.message).toMatch(new RegExp(`^recording to '.*r\\d+\\.ndjson\\.gz' stopped while starting a new file: E(ISDIR|NOTEMPTY|PERM)`));
    expect(said).toEqual([err?.message]);
    expect(await seqs(path)).toEqual(range(0, 5));
  });
});
