// Section 4: memory of the model with full history. Runs in a fresh child
// process (node --expose-gc) so RSS is the model's and nothing else's:
// Model({ historySize: 3600 }) fed 3600 synthetic ticks of N = 1000 domains,
// RSS after global.gc() at tick 1000 and every 100 ticks from 2600 to 3600
// (the same fractions of a shorter run with --quick), plus the time of each
// Model.ingest(). Growth over the last 1000 ticks is the trend of those 11
// readings: two single readings after a GC differ by a few percent either
// way as the allocator keeps or returns pages.

import { Model } from '../../src/model/model.js';
import { fmtMiB, fmtMs, verdict, type Row } from '../lib/report.js';
import { summarize, trendPercent, type Summary } from '../lib/stats.js';
import { SyntheticHost } from '../lib/synth.js';

export interface MemoryArgs {
  domains: number;
  ticks: number;
  historySize: number;
}

export interface MemoryPoint {
  tick: number;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface MemoryResult {
  args: MemoryArgs;
  baseline: MemoryPoint;
  points: MemoryPoint[];
  /** RSS growth over the last 1000 of 3600 ticks: the least-squares trend of the readings there, % */
  lastGrowthPercent: number;
  ingestMs: Summary;
  /** ingest time in the first and last tenth of the run (history filling vs full) */
  ingestEarlyMs: Summary;
  ingestLateMs: Summary;
  generateMs: Summary;
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('memory bench needs node --expose-gc');
  g();
  g();
}

function point(tick: number): MemoryPoint {
  gc();
  const m = process.memoryUsage();
  return { tick, rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

/** Ticks with an RSS reading: 1000, then 2600, 2700, … 3600 (of 3600; the same fractions of a shorter run). */
export function checkpoints(ticks: number): number[] {
  const at = (t: number) => Math.round((ticks * t) / 3600);
  return [at(1000), ...Array.from({ length: 11 }, (_, k) => at(2600 + 100 * k))];
}

/** The readings of the last 1000 ticks (of 3600): the trend's. */
const lastStretch = (points: readonly MemoryPoint[], ticks: number) => points.filter((p) => p.tick >= Math.round((ticks * 2600) / 3600));

export async function benchMemory(args: MemoryArgs): Promise<MemoryResult> {
  const host = new SyntheticHost(args.domains);
  const baseline = point(0);
  const model = new Model({ historySize: args.historySize });
  const marks = new Set(checkpoints(args.ticks));
  const points: MemoryPoint[] = [];
  const ingest: number[] = [];
  const generate: number[] = [];
  for (let i = 1; i <= args.ticks; i++) {
    const g0 = performance.now();
    const snap = host.next();
    const t0 = performance.now();
    const view = model.ingest(snap);
    const t1 = performance.now();
    if (view.domains.length !== args.domains) throw new Error(`model shows ${view.domains.length} of ${args.domains} domains`);
    generate.push(t0 - g0);
    ingest.push(t1 - t0);
    if (marks.has(i)) points.push(point(i));
  }
  const tenth = Math.max(1, Math.floor(args.ticks / 10));
  return {
    args,
    baseline,
    points,
    lastGrowthPercent: trendPercent(
      lastStretch(points, args.ticks).map((p) => p.tick),
      lastStretch(points, args.ticks).map((p) => p.rss),
    ),
    ingestMs: summarize(ingest.slice(5)),
    ingestEarlyMs: summarize(ingest.slice(5, tenth)),
    ingestLateMs: summarize(ingest.slice(-tenth)),
    generateMs: summarize(generate),
  };
}

export function memoryRows(r: MemoryResult): Row[] {
  const sec = `memory N=${r.args.domains}`;
  const last = r.points[r.points.length - 1];
  const rows: Row[] = [
    { section: sec, case: 'RSS before the model', median: fmtMiB(r.baseline.rss), p99: '', n: null, ratio: '', note: `heap ${fmtMiB(r.baseline.heapUsed)} (synthetic source included)` },
  ];
  const last1000 = lastStretch(r.points, r.args.ticks);
  // the first reading, and the first and last of the last 1000 ticks: the rest feed the trend
  for (const p of r.points.filter((q) => q === r.points[0] || q === last1000[0] || q === last)) {
    rows.push({
      section: sec,
      case: `RSS after gc, tick ${p.tick}`,
      median: fmtMiB(p.rss),
      p99: '',
      n: null,
      ratio: '',
      note: `heap ${fmtMiB(p.heapUsed)}, arrayBuffers ${fmtMiB(p.arrayBuffers)}${p === last ? `; ${verdict(p.rss <= 150e6, 'total <= 150 MB (143.1 MiB)')}` : ''}`,
    });
  }
  rows.push({
    section: sec,
    case: `RSS trend, ticks ${last1000[0].tick}→${last.tick}`,
    median: `${r.lastGrowthPercent.toFixed(1)} %`,
    p99: '',
    n: last1000.length,
    ratio: '',
    note: `${verdict(r.lastGrowthPercent < 2, '<2 %')}; least squares over a reading every ${last1000.length > 1 ? last1000[1].tick - last1000[0].tick : 0} ticks (min ${fmtMiB(Math.min(...last1000.map((p) => p.rss)))}, max ${fmtMiB(Math.max(...last1000.map((p) => p.rss)))})`,
  });
  rows.push({ section: sec, case: 'Model.ingest per tick', median: fmtMs(r.ingestMs.median), p99: fmtMs(r.ingestMs.p99), n: r.ingestMs.n, ratio: '', note: `first tenth ${fmtMs(r.ingestEarlyMs.median)}, last tenth ${fmtMs(r.ingestLateMs.median)}` });
  rows.push({ section: sec, case: 'synthetic snapshot (not the model)', median: fmtMs(r.generateMs.median), p99: fmtMs(r.generateMs.p99), n: r.generateMs.n, ratio: '', note: 'reference' });
  return rows;
}
