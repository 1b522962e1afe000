import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildFrom, replayHooks } from '../../../src/app/timetravel.js';
import { Model } from '../../../src/model/model.js';
import { readRecording, type Recording } from '../../../src/record/reader.js';
import { ReplaySource } from '../../../src/record/replay.js';
import { Recorder } from '../../../src/record/writer.js';
import { brailleChart, chartText, slotCell, type SeriesSource } from '../../../src/ui/chart.js';
import { buildKeymap, Command, DEFAULT_BINDINGS } from '../../../src/ui/keymap.js';
import { domainAt, timeBadge } from '../../../src/ui/panes/timebar.js';
import { agoText, cursorIndex, moveCursor, parseJump, rewindPoint, syncReplay } from '../../../src/ui/rewind.js';
import { handleKey, initialState } from '../../../src/ui/state.js';
import { fullSnapshot } from '../record/full-sample.js';
import type { ActionContext, Reaction, ReplayStatus, UiState } from '../../../src/ui/state-types.js';

const { keymap } = buildKeymap();

/** Slot times 1 s apart starting at `t0`, like a history ring. */
function times(n: number, t0 = 1_000_000): SeriesSource {
  return { length: n, at: (i) => (i >= 0 && i < n ? t0 + i * 1000 : null) };
}

function ctx(over: Partial<ActionContext> = {}): ActionContext {
  return { rowKeys: ['a', 'b', 'c'], pageSize: 3, listKeys: [], sortCycle: ['cpu'], nowMs: 5, times: times(10), ...over };
}

function press(s: UiState, keys: string[], c: ActionContext = ctx()): [UiState, Reaction[]] {
  const out: Reaction[] = [];
  for (const k of keys) {
    const [n, r] = handleKey(s, k, keymap, c);
    s = n;
    out.push(r);
  }
  return [s, out];
}

const live = (): UiState => ({ ...initialState({ sort: 'cpu', reverse: false, intervalSec: 2 }), selectedKey: 'a' });

// 2024-05-01 14:00:00 local time and a recording of 10 minutes from there.
const T0 = new Date(2024, 4, 1, 14, 0, 0, 0).getTime();
const REPLAY: ReplayStatus = { index: 3, length: 301, speed: 1, playing: true, currentMs: T0 + 60_000, firstMs: T0, lastMs: T0 + 600_000 };
const replaying = (over: Partial<ReplayStatus> = {}): UiState => ({ ...live(), replay: { ...REPLAY, ...over } });

describe('rewind cursor', () => {
  it('finds the slot in force at a moment, the oldest when it fell off', () => {
    const t = times(5);
    expect(cursorIndex(t, 1_002_000)).toBe(2);
    expect(cursorIndex(t, 1_002_500)).toBe(2);
    expect(cursorIndex(t, 999_000)).toBe(0);
    expect(cursorIndex(times(0), 5)).toBe(-1);
  });

  it('moves back from live, forward to live, and clamps at the oldest', () => {
    const t = times(5);
    expect(moveCursor(t, null, -1)).toBe(1_003_000);
    expect(moveCursor(t, 1_003_000, -2)).toBe(1_001_000);
    expect(moveCursor(t, 1_001_000, -10)).toBe(1_000_000);
    expect(moveCursor(t, 1_003_000, 1)).toBeNull();
    expect(moveCursor(times(1), null, -1)).toBeNull();
  });

  it('stays on the same moment while new ticks arrive, then shows the oldest slot kept', () => {
    const at = moveCursor(times(10), null, -3) as number; // slot 6 of 10
    expect(rewindPoint(times(10), at)).toMatchObject({ index: 6, length: 10 });
    // One more tick in a full ring of 10: everything slides one slot to the left.
    expect(rewindPoint(times(10, 1_001_000), at)).toMatchObject({ index: 5, atMs: at });
    // Six more: the moment is gone, the cursor shows the oldest slot.
    const gone = rewindPoint(times(10, 1_007_000), at);
    expect(gone).toMatchObject({ index: 0, atMs: 1_007_000 });
    expect(rewindPoint(times(10), null)).toBeNull();
  });

  it('labels how far back: seconds with a tenth when close, else m:ss', () => {
    expect(agoText(300)).toBe('−0.3s');
    expect(agoText(155_000)).toBe('−2:35');
    expect(agoText(3_723_000)).toBe('−1:02:03');
  });

  it('marks the column of a slot where the chart draws it', () => {
    // Short history: right-aligned, 2 points per cell.
    expect(slotCell(4, 3, 10)).toBe(9);
    expect(slotCell(4, 0, 10)).toBe(8);
    // Long history: binned; the first and last slots at the edges.
    expect(slotCell(600, 0, 10)).toBe(0);
    expect(slotCell(600, 599, 10)).toBe(9);
    expect(slotCell(600, 300, 10)).toBe(5);
    expect(slotCell(5, 7, 10)).toBe(-1);
    const grid = brailleChart([{ data: { length: 4, at: () => 50 }, role: 'chart.cpu' }], 10, 1, 100);
    expect(chartText(grid)[0].trimEnd().length).toBe(10);
  });

  it('takes the figures the history keeps from the cursor slot', () => {
    const metric = (v: number): SeriesSource => ({ length: 3, at: (i) => v + i });
    const metrics = new Proxy({} as Record<string, SeriesSource>, { get: (_t, k) => metric(k === 'vcpuPercent' ? 10 : 1000) });
    const d = { key: 'a', vcpuPercent: 99, cpuPercent: 5, memCurrentKiB: 7, name: 'x', initializing: true } as never;
    const at = domainAt(d, metrics as never, 1);
    expect(at).toMatchObject({ vcpuPercent: 11, cpuPercent: 1001, memCurrentKiB: 1001, name: 'x', initializing: false });
  });
});

describe('rewind keys', () => {
  it('← and [ go back and open the detail pane; → and ] come forward; the newest slot is live', () => {
    let [s] = press(live(), ['left']);
    expect(s.rewindAt).toBe(1_008_000);
    expect(s.detailOpen).toBe(true);
    [s] = press(s, ['[', '[']);
    expect(s.rewindAt).toBe(1_006_000);
    [s] = press(s, [']', 'right']);
    expect(s.rewindAt).toBe(1_008_000);
    [s] = press(s, ['right']);
    expect(s.rewindAt).toBeNull();
    expect(s.status?.text).toBe('live');
  });

  it('says why when there is nothing to rewind, or when already live', () => {
    let [s] = press(live(), ['left'], ctx({ times: times(1) }));
    expect(s.rewindAt ?? null).toBeNull();
    expect(s.status?.text).toMatch(/cannot rewind/);
    [s] = press(live(), ['right']);
    expect(s.status?.text).toMatch(/already live/);
  });

  it('End returns to live when rewound, and goes to the last row otherwise', () => {
    let [s] = press(live(), ['left', 'left']);
    [s] = press(s, ['end']);
    expect(s.rewindAt).toBeNull();
    expect(s.selectedKey).toBe('a');
    [s] = press(s, ['end']);
    expect(s.selectedKey).toBe('c');
    expect(DEFAULT_BINDINGS[Command.End].help).toMatch(/back to live/);
  });

  it('binds every time key once, on keys free before', () => {
    const want: Record<string, Command> = {
      left: Command.RewindBack,
      '[': Command.RewindBack,
      right: Command.RewindForward,
      ']': Command.RewindForward,
      ',': Command.ReplayStepBack,
      '.': Command.ReplayStepForward,
      '+': Command.ReplayFaster,
      '-': Command.ReplaySlower,
      x: Command.ReplaySpeedCycle,
      J: Command.ReplayJump,
    };
    for (const [k, c] of Object.entries(want)) expect(keymap.get(k)).toBe(c);
    expect(buildKeymap().problems).toEqual([]);
  });
});

describe('replay keys', () => {
  it('say they need a replay when the screen is live', () => {
    for (const k of [',', '.', '+', '-', 'x', 'J']) {
      const [s, [r]] = press(live(), [k]);
      expect(s.status?.text).toMatch(/only when replaying/);
      expect(r.time).toBeUndefined();
      expect(s.overlay).toBeNull();
    }
  });

  it(', and . pause and step; nothing past either end', () => {
    let [s, [r]] = press(replaying(), [',']);
    expect(r.time).toEqual({ step: -1 });
    expect(s.paused).toBe(true);
    [s, [r]] = press(replaying(), ['.']);
    expect(r.time).toEqual({ step: 1 });
    [s, [r]] = press(replaying({ index: 0 }), [',']);
    expect(r.time).toBeUndefined();
    expect(s.status?.text).toMatch(/first record/);
    [s, [r]] = press(replaying({ index: 300 }), ['.']);
    expect(r.time).toBeUndefined();
    expect(s.status?.text).toMatch(/END/);
  });

  it('+ and x cycle x1 → x10 → x60 → x1, - the other way', () => {
    let s = replaying();
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [n, [r]] = press(s, ['+']);
      seen.push(r.time?.speed as number);
      s = n;
    }
    expect(seen).toEqual([10, 60, 1]);
    expect(press(replaying(), ['x'])[1][0].time).toEqual({ speed: 10 });
    expect(press(replaying(), ['-'])[1][0].time).toEqual({ speed: 60 });
    expect(press(replaying({ speed: 10 }), ['-'])[1][0].time).toEqual({ speed: 1 });
    expect(press(replaying({ speed: 10 }), ['-'])[0].replay?.speed).toBe(1);
  });

  it('Z pauses playback (the same hook as refresh) and says so', () => {
    const [s, [r]] = press(replaying(), ['Z']);
    expect(r.setPaused).toBe(true);
    expect(s.status?.text).toMatch(/playback paused/);
  });

  it('J opens a prompt; bad input keeps it open with the reason; a good time seeks', () => {
    let [s] = press(replaying(), ['J']);
    expect(s.overlay).toMatchObject({ kind: 'prompt', purpose: 'jump' });
    [s] = press(s, ['a', 'b', 'c', 'enter']);
    expect(s.overlay).toMatchObject({ kind: 'prompt', purpose: 'jump' });
    expect((s.overlay as { error: string }).error).toMatch(/use HH:MM\[:SS\] \(recording runs 14:00:00–14:10:00\)/);
    // editing clears the error
    [s] = press(s, ['C-u']);
    expect((s.overlay as { error: string | null }).error).toBeNull();
    let r: Reaction[];
    [s, r] = press(s, [...'14:05:30', 'enter']);
    expect(s.overlay).toBeNull();
    expect(r.at(-1)?.time).toEqual({ seekMs: T0 + 330_000 });
    expect(s.status?.text).toBe('jumped to 14:05:30');
    [s] = press(replaying(), ['J', 'escape']);
    expect(s.overlay).toBeNull();
  });
});

describe('parseJump', () => {
  const at = (text: string) => parseJump(text, REPLAY);

  it('reads a time of day during the recording', () => {
    expect(at('14:03')).toEqual({ ok: true, ms: T0 + 180_000, note: null });
    expect(at(' 14:03:07 ')).toEqual({ ok: true, ms: T0 + 187_000, note: null });
    // the minute (or second) the recording starts in counts, from its first record
    expect(parseJump('13:59', { ...REPLAY, firstMs: T0 - 20_000 })).toMatchObject({ ok: true, ms: T0 - 20_000 });
    expect(parseJump('14:00:00', { ...REPLAY, firstMs: T0 + 400 })).toMatchObject({ ok: true, ms: T0 + 400 });
  });

  it('refuses a time outside the recording or not a time, saying why', () => {
    expect(at('13:00')).toEqual({ ok: false, error: '13:00 is outside the recording (14:00:00–14:10:00)' });
    expect(at('25:00')).toMatchObject({ ok: false, error: expect.stringMatching(/not a time of day/) });
    expect(at('14:61')).toMatchObject({ ok: false });
    expect(at('5m')).toMatchObject({ ok: false, error: expect.stringMatching(/\+5m \/ -30s/) });
    expect(at('+')).toMatchObject({ ok: false });
  });

  it('reads relative jumps from the record shown, stopping at either end', () => {
    expect(at('+5m')).toEqual({ ok: true, ms: T0 + 360_000, note: null });
    expect(at('-30s')).toEqual({ ok: true, ms: T0 + 30_000, note: null });
    expect(at('+1m30s')).toEqual({ ok: true, ms: T0 + 150_000, note: null });
    expect(at('-45')).toEqual({ ok: true, ms: T0 + 15_000, note: null });
    expect(at('+ 1m 30s')).toEqual({ ok: true, ms: T0 + 150_000, note: null });
    expect(at('+1d')).toMatchObject({ ok: true, ms: T0 + 600_000, note: expect.stringMatching(/end of the recording/) });
    expect(at('-2h')).toMatchObject({ ok: true, ms: T0, note: expect.stringMatching(/start of the recording/) });
    expect(at('+1h')).toMatchObject({ ok: true, ms: T0 + 600_000, note: expect.stringMatching(/end of the recording/) });
  });

  it('finds a time of day across midnight', () => {
    const midnight = new Date(2024, 4, 2, 0, 0, 0, 0).getTime();
    const r = { currentMs: midnight + 60_000, firstMs: midnight - 600_000, lastMs: midnight + 600_000 };
    expect(parseJump('23:55', r)).toEqual({ ok: true, ms: midnight - 300_000, note: null });
    expect(parseJump('00:05', r)).toEqual({ ok: true, ms: midnight + 300_000, note: null });
  });
});

describe('replay state in the screen', () => {
  it('syncs from the source, unchanged when nothing moved', () => {
    const s = syncReplay(live(), { ...REPLAY, playing: false });
    expect(s.paused).toBe(true);
    expect(s.replay?.index).toBe(3);
    expect(syncReplay(s, { ...REPLAY, playing: false })).toBe(s);
    expect(syncReplay(s, { ...REPLAY, playing: true }).paused).toBe(false);
  });

  it('the header badge says where, how fast, PAUSED or END, and REWIND', () => {
    const frame = (state: UiState) => ({ state, view: { seq: 1, wallMs: T0 }, history: { history: () => ({ times: times(10), metrics: {} }) } }) as never;
    expect(timeBadge(frame(replaying()))).toBe(' REPLAY 4/301 x1 ');
    expect(timeBadge(frame(replaying({ playing: false, speed: 60 })))).toBe(' REPLAY 4/301 x60 PAUSED ');
    expect(timeBadge(frame(replaying({ playing: false, index: 300 })))).toBe(' REPLAY 301/301 x1 END ');
    expect(timeBadge(frame(live()))).toBeNull();
    expect(timeBadge(frame({ ...live(), rewindAt: 1_005_000 }))).toMatch(/^ REWIND \d\d:\d\d:\d\d $/);
  });
});

describe('replay jumps rebuild the model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'virtop-rewind-'));
  let recording: Recording;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    const path = join(dir, 'r.gz');
    const r = await Recorder.open(path, { intervalMs: 1000, version: 't' });
    for (let i = 0; i < 12; i++) r.write(fullSnapshot(i, 2));
    await r.close();
    recording = await readRecording(path);
  });

  it('re-ingests only the records the history needs', () => {
    expect(rebuildFrom(9, 4)).toBe(5);
    expect(rebuildFrom(2, 600)).toBe(0);
  });

  /** The history a model fed records 0..to in order keeps (the reference). */
  function straight(to: number, size: number, key: string): (number | null)[] {
    const m = new Model({ historySize: size });
    for (let i = 0; i <= to; i++) m.ingest(recording.get(i));
    const h = m.history(key);
    return h ? Array.from({ length: h.times.length }, (_, i) => h.metrics.cpuPercent.at(i)) : [];
  }

  it('after a seek or a step back the charts hold the history leading to the new position', () => {
    const size = 4;
    const src = new ReplaySource(recording);
    let model = new Model({ historySize: size });
    let redraws = 0;
    src.onSnapshot((s) => model.ingest(s));
    const hooks = replayHooks(src, { historySize: size, newModel: () => new Model({ historySize: size }), setModel: (m) => (model = m), redraw: () => redraws++ });
    for (let i = 0; i < 3; i++) hooks.step(1);
    const key = model.view().domains[0].key;
    const hist = () => {
      const h = model.history(key);
      return h ? Array.from({ length: h.times.length }, (_, i) => h.metrics.cpuPercent.at(i)) : [];
    };
    hooks.seek(recording.wallMs(9));
    expect(hooks.status()).toMatchObject({ index: 9, length: 12, playing: false, currentMs: recording.wallMs(9) });
    expect(hist()).toEqual(straight(9, size, key));
    expect(model.history(key)?.times.length).toBe(size);
    expect(hooks.step(-1)).toBe(true);
    expect(hist()).toEqual(straight(8, size, key));
    expect(hist().at(-1)).not.toBeNull();
    hooks.setSpeed(60);
    expect(hooks.status().speed).toBe(60);
    hooks.setSpeed(1000);
    hooks.seek(recording.wallMs(0) - 10_000);
    expect(hooks.status().index).toBe(0);
    expect(hist()).toEqual(straight(0, size, key));
    // Playing to the end tells the screen (the header then says END).
    src.seekIndex(10);
    src.start();
    return new Promise<void>((done) => setTimeout(() => {
      expect(redraws).toBe(1);
      expect(hooks.status()).toMatchObject({ index: 11, playing: false });
      done();
    }, 80));
  });
});
