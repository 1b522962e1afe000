// A recording played back through the same surface the app uses from the
// Collector (onSnapshot, start, stop, setInterval, requestTick, tick, close),
// so batch output and the screen run on it unchanged, plus time controls:
// pause/resume, step(±1), speed, seek(time).
//
// Pacing: start() plays at the recorded pace (the monotonic time between two
// records, divided by the speed); tick() hands out the next record at once,
// which is what batch mode calls, so a replay prints at full speed.
//
// Jumps (a step back, a seek): listeners registered with onJump hear of it
// first (a consumer may start a fresh model then), and the record before the
// target is emitted just before the target, so rates shown at the target are
// the ones computed live (they need two consecutive snapshots).

import type { Snapshot } from '../types/sample.js';
import type { Recording } from './reader.js';

export type SnapshotListener = (snap: Snapshot) => void;

export interface JumpEvent {
  /** index shown before the jump (-1: nothing yet) */
  from: number;
  /** index the jump lands on */
  to: number;
}

/** The part of the Collector the app drives; ReplaySource and Collector both have it. */
export interface SnapshotSource {
  onSnapshot(cb: SnapshotListener): void;
  start(): void;
  stop(): void;
  setInterval(ms: number): void;
  requestTick(delayMs?: number): void;
  tick(): Promise<Snapshot>;
  close(): Promise<void>;
}

export class ReplayEnded extends Error {
  constructor() {
    super('the recording has no more records');
  }
}

export const REPLAY_SPEEDS = [1, 10, 60] as const;

/** Longest wait between two records at x1: a recording paused for hours does not stall playback. */
const MAX_GAP_MS = 60_000;

export class ReplaySource implements SnapshotSource {
  private readonly listeners: SnapshotListener[] = [];
  private readonly jumpListeners: ((e: JumpEvent) => void)[] = [];
  private readonly endListeners: (() => void)[] = [];
  private pos = -1;
  private playing = false;
  private timer: NodeJS.Timeout | null = null;
  /** performance.now() when the current record was shown, for rescheduling on a speed change */
  private shownAt = 0;
  /** how long the current record had been shown when playback was paused */
  private shownForAtPause = 0;
  private speedFactor = 1;
  private closed = false;

  constructor(readonly recording: Recording) {}

  // ------------------------------------------------------------ Collector surface

  onSnapshot(cb: SnapshotListener): void {
    this.listeners.push(cb);
  }

  /** The interval the recording was made with, ms. */
  get interval(): number {
    return this.recording.header.intervalMs;
  }

  /** A recording's pace is fixed: the sampling interval cannot change it (use speed). */
  setInterval(ms: number): void {
    if (!(ms > 0)) throw new RangeError(`interval must be positive, got ${ms} ms`);
  }

  /** Nothing new can be sampled from a recording: ignored. */
  requestTick(): void {}

  /**
   * The next record, at once (batch mode's loop). Rejects with ReplayEnded
   * after the last one. Yields to the event loop first so a signal can stop
   * a long replay.
   */
  async tick(): Promise<Snapshot> {
    await new Promise<void>((r) => setImmediate(r));
    if (this.pos + 1 >= this.recording.length) throw new ReplayEnded();
    return this.show(this.pos + 1);
  }

  /** Plays from the current position at the recorded pace (times the speed). */
  start(): void {
    if (this.playing || this.closed) return;
    if (this.pos + 1 >= this.recording.length) {
      this.ended();
      return;
    }
    this.playing = true;
    // Pausing froze the clock: the wait for the next record goes on where it stopped.
    if (this.pos < 0) this.show(0);
    else this.shownAt = performance.now() - this.shownForAtPause;
    this.schedule();
  }

  /** Pauses playback; the current record stays shown. */
  stop(): void {
    if (this.playing) this.shownForAtPause = performance.now() - this.shownAt;
    this.playing = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  async close(): Promise<void> {
    this.stop();
    this.closed = true;
  }

  // ------------------------------------------------------------ time controls

  pause(): void {
    this.stop();
  }

  resume(): void {
    this.start();
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  /** Index of the record shown last (-1 before the first). */
  get position(): number {
    return this.pos;
  }

  get length(): number {
    return this.recording.length;
  }

  get speed(): number {
    return this.speedFactor;
  }

  /** Wall time of the record shown, ms since epoch (null before the first). */
  get currentWallMs(): number | null {
    return this.pos < 0 ? null : this.recording.wallMs(this.pos);
  }

  onJump(cb: (e: JumpEvent) => void): void {
    this.jumpListeners.push(cb);
  }

  /** Called when playback reaches the last record. */
  onEnd(cb: () => void): void {
    this.endListeners.push(cb);
  }

  /** Playback speed: 1 is the recorded pace; x10 and x60 are the usual choices. */
  setSpeed(factor: number): void {
    if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`speed must be a positive number, got ${factor}`);
    this.speedFactor = factor;
    if (this.playing) this.schedule();
  }

  /**
   * Pauses and moves one record forward (+1) or back (-1). Returns false at
   * either end of the recording (nothing is emitted then).
   */
  step(delta: 1 | -1): boolean {
    this.stop();
    const to = this.pos + delta;
    if (to < 0 || to >= this.recording.length) return false;
    if (delta === 1) this.show(to);
    else this.jump(to);
    return true;
  }

  /** Shows the record in force at wall time `ms` (see Recording.indexAt); keeps playing if it was. */
  seek(ms: number): number {
    const to = this.recording.indexAt(ms);
    if (to < 0) return -1;
    this.seekIndex(to);
    return to;
  }

  seekIndex(to: number): void {
    if (!Number.isInteger(to) || to < 0 || to >= this.recording.length) throw new RangeError(`no record ${to}`);
    if (to === this.pos + 1) this.show(to);
    else if (to !== this.pos) this.jump(to);
    if (this.playing) this.schedule();
  }

  // ------------------------------------------------------------ internals

  private jump(to: number): void {
    const from = this.pos;
    for (const l of this.jumpListeners) l({ from, to });
    if (to > 0) this.emit(this.recording.get(to - 1));
    this.show(to);
  }

  private show(i: number): Snapshot {
    const snap = this.recording.get(i);
    this.pos = i;
    this.shownAt = performance.now();
    this.shownForAtPause = 0;
    this.emit(snap);
    return snap;
  }

  private emit(snap: Snapshot): void {
    for (const l of this.listeners) l(snap);
  }

  /** Milliseconds between record i and i+1 at x1, from their monotonic stamps. */
  private gapMs(i: number): number {
    const ms = Number(this.recording.monoNs(i + 1) - this.recording.monoNs(i)) / 1e6;
    if (!(ms >= 0)) return 0;
    return Math.min(ms, MAX_GAP_MS);
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.playing) return;
    if (this.pos + 1 >= this.recording.length) {
      this.stop();
      this.ended();
      return;
    }
    const wait = this.gapMs(this.pos) / this.speedFactor - (performance.now() - this.shownAt);
    this.timer = setTimeout(
      () => {
        this.timer = null;
        if (!this.playing) return;
        this.show(this.pos + 1);
        this.schedule();
      },
      Math.max(0, wait),
    );
  }

  private ended(): void {
    for (const l of this.endListeners) l();
  }
}
