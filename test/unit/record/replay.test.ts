// ReplaySource: the Collector's surface over a recording, and its time controls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Model } from '../../../src/model/model.js';
import { formatJsonLine } from '../../../src/output/json.js';
import { readRecording, type Recording } from '../../../src/record/reader.js';
import { ReplayEnded, ReplaySource, type JumpEvent } from '../../../src/record/replay.js';
import { Recorder } from '../../../src/record/writer.js';
import type { Snapshot } from '../../../src/types/sample.js';
import { fullSnapshot } from './full-sample.js';

const dir = mkdtempSync(join(tmpdir(), 'virtop-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Ticks 1 s apart (monoNs), like fullSnapshot makes them. */
const snaps: Snapshot[] = Array.from({ length: 12 }, (_, i) => fullSnapshot(i, 2));
let recording: Recording;

beforeAll(async () => {
  const path = join(dir, 'r.gz');
  const r = await Recorder.open(path, { intervalMs: 1000, version: 't' });
  for (const s of snaps) r.write(s);
  await r.close();
  recording = await readRecording(path);
});

function seqs(source: ReplaySource): number[] {
  const got: number[] = [];
  source.onSnapshot((s) => got.push(s.seq));
  return got;
}

describe('ReplaySource as a collector', () => {
  it('tick() hands out the records in order, then rejects with ReplayEnded', async () => {
    const src = new ReplaySource(recording);
    const heard = seqs(src);
    const got: Snapshot[] = [];
    for (let i = 0; i < snaps.length; i++) got.push(await src.tick());
    expect(got).toStrictEqual(snaps);
    expect(heard).toEqual(snaps.map((s) => s.seq));
    await expect(src.tick()).rejects.toBeInstanceOf(ReplayEnded);
    await src.close();
  });

  it('the model gives the same JSON on the replay as on the original snapshots', async () => {
    const live = new Model({ historySize: 50 });
    const replayed = new Model({ historySize: 50 });
    const src = new ReplaySource(recording);
    for (const s of snaps) {
      const a = formatJsonLine(live.ingest(s));
      const b = formatJsonLine(replayed.ingest(await src.tick()));
      expect(b).toBe(a);
    }
    // and the rates are real numbers after the first tick
    expect(JSON.parse(formatJsonLine(replayed.view())).domains[0].cpuPercent).toBeGreaterThan(0);
  });

  it('setInterval and requestTick do not change a recording’s pace', () => {
    const src = new ReplaySource(recording);
    expect(() => src.setInterval(500)).not.toThrow();
    expect(() => src.setInterval(0)).toThrow(RangeError);
    src.requestTick();
    expect(src.position).toBe(-1);
    expect(src.interval).toBe(1000);
  });
});

describe('playback', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('start() shows the first record at once, then one per recorded second', async () => {
    const src = new ReplaySource(recording);
    const got = seqs(src);
    src.start();
    expect(got).toEqual([0]);
    await vi.advanceTimersByTimeAsync(999);
    expect(got).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(got).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(3000);
    expect(got).toEqual([0, 1, 2, 3, 4]);
    src.stop();
  });

  it('speed x10 and x60 shorten the waits; a change applies to the wait in progress', async () => {
    const src = new ReplaySource(recording);
    const got = seqs(src);
    src.setSpeed(10);
    src.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(got).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(50);
    src.setSpeed(60); // 50 ms of the 1000/60 ≈ 16.7 ms wait already passed: next record now
    await vi.advanceTimersByTimeAsync(0);
    expect(got).toEqual([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(17);
    expect(got).toEqual([0, 1, 2, 3]);
    expect(src.speed).toBe(60);
    expect(() => src.setSpeed(0)).toThrow(RangeError);
    src.stop();
  });

  it('pause keeps the current record; resume goes on from there', async () => {
    const src = new ReplaySource(recording);
    const got = seqs(src);
    src.start();
    await vi.advanceTimersByTimeAsync(2000);
    src.pause();
    expect(src.isPlaying).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(got).toEqual([0, 1, 2]);
    expect(src.position).toBe(2);
    src.resume();
    await vi.advanceTimersByTimeAsync(1000);
    expect(got).toEqual([0, 1, 2, 3]);
    // paused 400 ms into a wait: after resuming, the other 600 ms
    await vi.advanceTimersByTimeAsync(400);
    src.pause();
    await vi.advanceTimersByTimeAsync(5000);
    src.resume();
    await vi.advanceTimersByTimeAsync(599);
    expect(got).toEqual([0, 1, 2, 3]);
    await vi.advanceTimersByTimeAsync(1);
    expect(got).toEqual([0, 1, 2, 3, 4]);
    src.stop();
  });

  it('stops at the end and says so', async () => {
    const src = new ReplaySource(recording);
    let ended = 0;
    src.onEnd(() => ended++);
    src.setSpeed(60);
    src.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(src.position).toBe(snaps.length - 1);
    expect(src.isPlaying).toBe(false);
    expect(ended).toBe(1);
    src.start(); // nothing left: stays, says it again
    expect(src.position).toBe(snaps.length - 1);
    expect(ended).toBe(2);
  });
});

describe('time controls', () => {
  it('step(+1) pauses and shows the next record; step(-1) jumps back with the record before as a primer', () => {
    const src = new ReplaySource(recording);
    const got = seqs(src);
    const jumps: JumpEvent[] = [];
    src.onJump((e) => jumps.push(e));
    expect(src.step(-1)).toBe(false);
    expect(src.step(1)).toBe(true);
    expect(src.step(1)).toBe(true);
    expect(src.step(1)).toBe(true);
    expect(got).toEqual([0, 1, 2]);
    expect(src.step(-1)).toBe(true);
    expect(jumps).toEqual([{ from: 2, to: 1 }]);
    expect(got).toEqual([0, 1, 2, 0, 1]);
    expect(src.position).toBe(1);
    expect(src.currentWallMs).toBe(snaps[1].wallMs);
  });

  it('a model reset on jump shows the same view after a step back as it did live', () => {
    const src = new ReplaySource(recording);
    let model = new Model();
    const views: string[] = [];
    src.onJump(() => (model = new Model()));
    src.onSnapshot((s) => views.push(formatJsonLine(model.ingest(s))));
    for (let i = 0; i < 6; i++) src.step(1);
    const liveAt4 = views[4];
    src.step(-1);
    expect(views[views.length - 1]).toBe(liveAt4);
  });

  it('seek(time) shows the record in force then, and keeps playing if it was', () => {
    vi.useFakeTimers();
    try {
      const src = new ReplaySource(recording);
      const got = seqs(src);
      expect(src.seek(snaps[7].wallMs + 400)).toBe(7);
      expect(got).toEqual([6, 7]);
      expect(src.seek(snaps[8].wallMs)).toBe(8);
      expect(got).toEqual([6, 7, 8]); // the next record: no primer needed
      src.start();
      expect(src.seek(snaps[2].wallMs)).toBe(2);
      expect(src.isPlaying).toBe(true);
      vi.advanceTimersByTime(1000);
      expect(got.slice(-3)).toEqual([1, 2, 3]);
      src.stop();
      expect(src.seek(0)).toBe(0);
      expect(got[got.length - 1]).toBe(0);
      expect(() => src.seekIndex(99)).toThrow(RangeError);
    } finally {
      vi.useRealTimers();
    }
  });
});
