// The screen's replay controls (UiHooks.replay) on a ReplaySource, and the
// model rebuild a jump needs: after a step back or a seek the charts must
// hold the history that leads to the new position, not the old one. On a
// jump the model starts over and re-ingests the records before the target
// — only the last `historySize` (all the charts keep) plus the one before
// them for rates; the source then emits the record before the target and
// the target itself, as it does for any jump.

import type { Model } from '../model/model.js';
import type { ReplaySource } from '../record/replay.js';
import type { ReplayHooks } from '../ui/app.js';

export interface ReplayWiring {
  historySize: number;
  newModel(): Model;
  /** the model the screen and the snapshot listener use from now on */
  setModel(m: Model): void;
  /** repaint (the replay ended: the header says END) */
  redraw(): void;
}

/** First record to re-ingest before a jump to `to` (the source itself emits to-1 and to). */
export function rebuildFrom(to: number, historySize: number): number {
  return Math.max(0, to - historySize);
}

export function replayHooks(source: ReplaySource, w: ReplayWiring): ReplayHooks {
  source.onJump(({ to }) => {
    const m = w.newModel();
    for (let i = rebuildFrom(to, w.historySize); i < to - 1; i++) m.ingest(source.recording.get(i));
    w.setModel(m);
  });
  source.onEnd(() => w.redraw());
  const rec = source.recording;
  return {
    status: () => ({
      index: source.position,
      length: source.length,
      speed: source.speed,
      playing: source.isPlaying,
      currentMs: source.currentWallMs,
      firstMs: rec.wallMs(0),
      lastMs: rec.wallMs(rec.length - 1),
    }),
    step: (delta) => source.step(delta),
    setSpeed: (x) => source.setSpeed(x),
    seek: (ms) => void source.seek(ms),
  };
}
