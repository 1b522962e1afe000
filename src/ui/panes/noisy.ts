// View 4: noisy neighbours. Running domains ranked by the contention they
// suffer (steal: their vCPUs queued for a host CPU) with the contention they
// cause (CPU they used while other domains' vCPUs waited) beside it, each
// with a sparkline of its recent history. A domain whose steal stayed above
// the model's threshold for its number of ticks is marked.

import type { DomainView } from '../../model/view.js';
import { shortHost } from '../../util/uri.js';
import { formatPercent } from '../../util/units.js';
import type { Frame } from '../frame.js';
import { sparkline } from '../heat.js';
import { cleanText } from '../text.js';
import { placeSimple, simpleHeader, simpleRow, type ListSpec, type SimpleColumn } from './list.js';

/** Active domains, most steal first; ties (and unknowns, last) by contention caused, then name. */
export function noisyRows(rows: readonly DomainView[]): DomainView[] {
  const v = (x: number | null | undefined) => (x === null || x === undefined ? -1 : x);
  return rows
    .filter((d) => d.active)
    .map((d) => d)
    .sort(
      (a, b) =>
        Number(b.stealAlert ?? false) - Number(a.stealAlert ?? false) ||
        v(b.stealPercent) - v(a.stealPercent) ||
        v(b.contentionCausedPercent) - v(a.contentionCausedPercent) ||
        a.name.localeCompare(b.name),
    );
}

/** 1-based rank of each domain by contention caused (unknown: no rank). */
export function causedRanks(rows: readonly DomainView[]): Map<string, number> {
  const known = rows.filter((d) => d.contentionCausedPercent !== null && d.contentionCausedPercent !== undefined);
  known.sort((a, b) => (b.contentionCausedPercent as number) - (a.contentionCausedPercent as number));
  return new Map(known.map((d, i) => [d.key, i + 1]));
}

const SPARK = 20;

const COLS: SimpleColumn[] = [
  { title: 'HOST', width: 12, align: 'left', priority: 50 },
  { title: 'DOMAIN', width: 16, align: 'left', priority: 100, flex: true },
  { title: '!', width: 1, align: 'left', priority: 98 },
  { title: 'STEAL%', width: 6, align: 'right', priority: 97 },
  { title: 'steal history', width: SPARK, align: 'left', priority: 70 },
  { title: 'CAUSED', width: 6, align: 'right', priority: 96 },
  { title: '#', width: 3, align: 'right', priority: 60 },
  { title: 'caused history', width: SPARK, align: 'left', priority: 65 },
  { title: 'CPU%', width: 6, align: 'right', priority: 80 },
  { title: 'VCPU', width: 4, align: 'right', priority: 40 },
  { title: 'WORST VCPU', width: 10, align: 'right', priority: 30 },
];

export function noisySpec(frame: Frame, rows: readonly DomainView[], width: number, opts: { thresholdPercent: number; ticks: number } = { thresholdPercent: 10, ticks: 5 }): ListSpec {
  const cols = frame.multiHost ? COLS : COLS.slice(1);
  const off = frame.multiHost ? 0 : 1;
  const placed = placeSimple(cols, width);
  const p = frame.palette;
  const ranks = causedRanks(rows);
  const marked = rows.filter((d) => d.stealAlert).length;
  return {
    title: 'Noisy neighbours',
    info: `${marked} marked (steal > ${opts.thresholdPercent}% for ${opts.ticks} ticks)  CAUSED: CPU used while others waited, 100% = a core  0/Esc: domains`,
    header: simpleHeader(placed),
    count: rows.length,
    cursor: frame.state.listCursor.noisy,
    scroll: frame.state.listScroll.noisy,
    empty: 'no running domains',
    format: (i, selected) => {
      const d = rows[i];
      const h = frame.history.history(d.key);
      const steal = h?.metrics.stealPercent;
      const caused = h?.metrics.contentionCausedPercent;
      const worst = d.vcpuThreads.reduce<{ vcpu: number; v: number } | null>((acc, t) => {
        const v = t.stealPercent ?? t.waitPercent;
        return v !== null && (acc === null || v > acc.v) ? { vcpu: t.vcpu, v } : acc;
      }, null);
      const cells = [
        cleanText(shortHost(d.host)),
        cleanText(d.name),
        d.stealAlert ? '!' : '',
        d.stealPercent === null || d.stealPercent === undefined ? (d.initializing ? 'init' : '-') : formatPercent(d.stealPercent),
        steal ? sparkline(steal, SPARK, 100) : '',
        formatPercent(d.contentionCausedPercent ?? null),
        ranks.has(d.key) ? String(ranks.get(d.key)) : '-',
        caused ? sparkline(caused, SPARK, 100) : '',
        formatPercent(d.cpuCorePercent ?? null),
        d.vcpus === null ? '-' : String(d.vcpus),
        worst === null ? '-' : `v${worst.vcpu} ${formatPercent(worst.v)}%`,
      ];
      const line = simpleRow(placed, off ? cells.slice(off) : cells, width);
      if (selected) return line;
      if (d.stealAlert) return p.paint('gauge.crit', line);
      const s = d.stealPercent ?? null;
      return s !== null && s >= opts.thresholdPercent ? p.paint('gauge.warn', line) : line;
    },
  };
}
