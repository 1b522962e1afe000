// What the time travel shows: the header's clock and badge (REWIND, REPLAY
// with speed, PAUSED, END), the rewind bar of the detail pane, and the
// selected domain's figures at the rewind cursor.

import { HISTORY_METRICS, type HistoryMetric } from '../../model/model.js';
import type { DomainView } from '../../model/view.js';
import type { Palette } from '../../theme/palette.js';
import type { SeriesSource } from '../chart.js';
import type { Frame } from '../frame.js';
import { clockText } from '../../util/units.js';
import { replayEnded, rewindLabel, rewindPoint, type RewindPoint } from '../rewind.js';
import { LineBuilder } from '../text.js';

/** The time the header's clock shows: the recording's while replaying, else the wall clock. */
export function headerClockMs(frame: Frame): number {
  return frame.state.replay && frame.view.seq >= 0 ? frame.view.wallMs : frame.nowMs;
}

/** The rewind cursor for the selected domain, or null when live. */
export function selectedRewind(frame: Frame): RewindPoint | null {
  const key = frame.state.selectedKey;
  if (key === null || frame.state.rewindAt === null || frame.state.rewindAt === undefined) return null;
  return rewindPoint(frame.history.history(key)?.times ?? null, frame.state.rewindAt);
}

/** The header's badge text (REWIND …, REPLAY …), or null when neither applies. */
export function timeBadge(frame: Frame): string | null {
  const parts: string[] = [];
  const rw = selectedRewind(frame);
  if (rw) parts.push(`REWIND ${clockText(rw.atMs)}`);
  const r = frame.state.replay;
  if (r) {
    const where = `${Math.max(0, r.index + 1)}/${r.length}`;
    const st = replayEnded(r) ? ' END' : r.playing ? '' : ' PAUSED';
    parts.push(`REPLAY ${where} x${r.speed}${st}`);
  }
  return parts.length ? ` ${parts.join(' │ ')} ` : null;
}

/** The domain as it was at history slot `i`: every figure the history keeps, taken from there. */
export function domainAt(d: DomainView, metrics: Record<HistoryMetric, SeriesSource>, i: number): DomainView {
  const out = { ...d, initializing: false } as DomainView;
  const rec = out as unknown as Record<string, number | null>;
  for (const m of HISTORY_METRICS) rec[m] = metrics[m]?.at(i) ?? null;
  return out;
}

/** The detail pane's line under the title while rewound. */
export function rewindBar(rw: RewindPoint, width: number, p: Palette): string {
  const lb = new LineBuilder(width, p.reset);
  lb.add(' ◀ REWIND ', p.open('header.paused')).add(' ');
  lb.add(rewindLabel(rw), p.open('header.value'));
  lb.add(`  slot ${rw.index + 1}/${rw.length}`, p.open('chart.label'));
  lb.add('  charts and figures at the marker; device tables are live', p.open('chart.label'));
  lb.addRight(' ←/→ move, End live ', p.open('chart.label'));
  return lb.toString();
}
