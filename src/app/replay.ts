// Where the app's snapshots come from: the live collector (recorded to a
// file with --record), or a recording played back (--replay). Either way the
// batch loop and the screen get one object with the Collector's surface.

import type { Options } from './options.js';
import type { Collector } from '../collector/collector.js';
import type { ReplaySource } from '../record/replay.js';
import type { RecordingSink } from '../record/rotating.js';
import { virtopVersion } from './version.js';
import { createCollector, readsFor } from './hosts.js';

/** A reason to stop before anything ran (exit 1), said in one line. */
export class FeedError extends Error {}

export interface Feed {
  /**
   * The source of snapshots. For a replay this is a ReplaySource: runBatch
   * calls only tick(), and runTui only the RefreshControl part (onSnapshot,
   * start, stop, setInterval, requestTick), which ReplaySource has.
   */
  collector: Collector;
  /** the recording played back, when replaying */
  replay: ReplaySource | null;
  /** options for runBatch: a replay prints every record at once, no pause between ticks */
  batchOptions: Options;
  /**
   * Stops the recording (if any) cleanly. `failed`: the recording stopped on
   * an error (exit 1); `message`: that error, unless warn() already said it.
   */
  finish(): Promise<{ failed: boolean; message: string | null }>;
  /** Calls back with a line when something stops mid-run (the recording, on a full disk), for the screen's status line. */
  onProblem(cb: (line: string) => void): void;
}


export interface FeedOptions {
  uris: string[];
  intervalMs: number;
  /** where to say that a recording had to stop early or a replay is incomplete; null: say nothing now (TUI) */
  warn: ((line: string) => void) | null;
}

export async function openFeed(opts: Options, fo: FeedOptions): Promise<Feed> {
  if (opts.replay !== null) return openReplay(opts, opts.replay, fo);
  const collector = createCollector({ uris: fo.uris, intervalMs: fo.intervalMs, ...readsFor(opts) });
  let recorder: RecordingSink | null = null;
  if (opts.record !== null) {
    // Loaded only here and for a replay: the recording code brings zlib, which a plain run never needs.
    const [{ RotatingRecorder }, { recordFrom, Recorder }] = await Promise.all([import('../record/rotating.js'), import('../record/writer.js')]);
    const ro = { intervalMs: fo.intervalMs, version: virtopVersion() };
    try {
      recorder = opts.recordCap ? await RotatingRecorder.open(opts.record, ro, opts.recordCap) : await Recorder.open(opts.record, ro);
    } catch (e) {
      await collector.close();
      throw new FeedError((e as Error).message);
    }
    recordFrom(collector, recorder);
    const warn = fo.warn;
    if (warn) recorder.onError((e) => warn(`virtop: ${e.message}`));
  }
  const rec = recorder;
  return {
    collector,
    replay: null,
    batchOptions: opts,
    onProblem: (cb) => rec?.onError((e) => cb(e.message)),
    finish: async () => {
      const err = rec ? await rec.close() : null;
      return { failed: err !== null, message: err && !fo.warn ? err.message : null };
    },
  };
}

async function openReplay(opts: Options, path: string, fo: FeedOptions): Promise<Feed> {
  const [{ readRecording }, { ReplaySource }] = await Promise.all([import('../record/reader.js'), import('../record/replay.js')]);
  let recording;
  try {
    recording = await readRecording(path);
  } catch (e) {
    throw new FeedError(`${path}: ${(e as Error).message}`);
  }
  const n = recording.length;
  if (n === 0) throw new FeedError(`${path}: the recording has no records`);
  const { truncated, closed, damaged } = recording.report;
  if (fo.warn && damaged) fo.warn(`virtop: ${path}: ${damaged}; replaying the ${n} records before it`);
  else if (fo.warn && truncated) fo.warn(`virtop: ${path}: the recording ends mid-record (cut off while writing); replaying its ${n} whole records`);
  else if (fo.warn && !closed) {
    fo.warn(`virtop: ${path}: the recording was not closed (virtop was stopped abruptly, or is still writing it); replaying its ${n} records`);
  }
  const source = new ReplaySource(recording);
  return {
    // See Feed.collector: the app uses only the surface ReplaySource shares with Collector.
    collector: source as unknown as Collector,
    replay: source,
    batchOptions: { ...opts, delaySec: 0, iterations: Math.min(opts.iterations ?? n, n) },
    finish: async () => ({ failed: false, message: null }),
    onProblem: () => undefined,
  };
}
