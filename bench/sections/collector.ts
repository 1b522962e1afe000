// Sections 1 and 2 on libvirt's test driver: the collector's cost per tick
// for N domains against floors measured side by side in the same loop.
//
//   bulk floor  getAllDomainStats through the binding, nothing else
//   call floor  every libvirt call one collector tick makes (list, bulk,
//               node stats, the per-domain fallback calls), issued straight
//               through the binding with the same concurrency — what a
//               tick would cost with zero collector overhead
//   tick        Collector.tick() with fallbackConcurrency 16 (the default)
//   fallback    the same tick with concurrency 1 and 64, and its round trips
//   virsh       `virsh -r -c URI domstats` wall time (a new process that
//               parses the node file each time: reference only)
//
// The test driver's bulk stats carry only state.*, so every tick here goes
// down the per-domain fallback path; the bulk floor is therefore far below
// a tick by construction and the call floor is the honest comparison.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Collector } from '../../src/collector/collector.js';
import { DEFAULT_STATS_MASK, HostCollector } from '../../src/collector/host.js';
import { Connection } from '../../src/libvirt/connection.js';
import { ListFlags } from '../../src/libvirt/types.js';
import { mapLimit } from '../../src/util/pool.js';
import { CallCounter, countingSource } from '../lib/counting.js';
import { benchNodeXml, type GeneratedDomain } from '../lib/nodexml.js';
import { fmtCount, fmtMs, fmtRatio, verdict, type Row } from '../lib/report.js';
import { pairedRatio, summarize, type Summary } from '../lib/stats.js';
import { benchTmp, onPath, run, sideBySide, timed } from '../lib/util.js';
import type { BenchContext } from '../lib/context.js';

export interface CaseResult {
  wallMs: Summary;
  cpuMs: Summary;
  /** libvirt calls per tick (median), where counted */
  calls?: number;
  callsByMethod?: Record<string, number>;
  /** JS-thread ms per tick inside binding calls before they return (median) */
  bindingSyncMs?: number;
  /** raw samples, in measurement order (for paired ratios and the JSON) */
  wallSamples: number[];
  cpuSamples: number[];
}

export interface CollectorNResult {
  n: number;
  active: number;
  openMs: number;
  coldTick: { wallMs: number; cpuMs: number; calls: number; callsByMethod: Record<string, number> };
  cases: Record<string, CaseResult>;
  ratios: Record<string, number>;
  virshDomstats: Summary | null;
  errors: string[];
}

function iterationsFor(n: number, quick: boolean): { warm: number; iters: number } {
  if (quick) return { warm: 1, iters: n >= 500 ? 3 : 5 };
  if (n <= 10) return { warm: 3, iters: 40 };
  if (n <= 100) return { warm: 2, iters: 25 };
  if (n <= 500) return { warm: 2, iters: 10 };
  return { warm: 1, iters: 8 };
}

/** The per-domain calls the fallback path makes, straight through the binding. */
async function callFloor(conn: Connection, domains: readonly GeneratedDomain[], concurrency: number): Promise<void> {
  const active = domains.filter((d) => d.runstate !== 5);
  await Promise.all([
    conn.listAllDomains(ListFlags.Active | ListFlags.Inactive),
    conn.getAllDomainStats(DEFAULT_STATS_MASK, 0),
    conn.nodeCpuStats().catch(() => null),
    conn.nodeMemoryStats().catch(() => null),
  ]);
  await mapLimit(active, concurrency, (d) =>
    Promise.all([
      conn.domainInfo(d.uuid),
      conn.vcpus(d.uuid),
      conn.memoryStats(d.uuid),
      Promise.all(d.disks.map((t) => conn.blockStats(d.uuid, t))),
      Promise.all(d.nics.map((t) => conn.interfaceStats(d.uuid, t))),
    ]),
  );
}

interface Case {
  name: string;
  run: () => Promise<{ calls?: number; callsByMethod?: Record<string, number>; syncMs?: number }>;
}

export async function benchCollectorN(
  n: number,
  opts: { quick: boolean; fallback: boolean; ticks: boolean; profile?: (label: string, fn: () => Promise<void>) => Promise<void> },
): Promise<CollectorNResult> {
  const { xml, domains } = benchNodeXml(n);
  const path = join(benchTmp(), `node-${n}.xml`);
  writeFileSync(path, xml);
  const uri = `test://${path}`;
  const errors: string[] = [];

  const opened = await timed(() => Connection.open(uri, { readonly: true }));
  const conn = opened.value;
  const counter = new CallCounter();
  const source = countingSource(conn, counter);
  const makeCollector = (concurrency: number) => {
    const col = new Collector(
      [
        new HostCollector(uri, {
          connect: async () => source,
          readonly: true,
          proc: null,
          fallbackConcurrency: concurrency,
          threads: false,
        }),
      ],
      1000,
    );
    // Measure whole ticks: no stale placeholder when a tick outlasts the interval.
    col.hostDeadlineMs = 10 * 60_000;
    return col;
  };
  const collectors = new Map<number, Collector>();
  const concurrencies = opts.fallback ? [1, 16, 64] : [16];
  for (const c of concurrencies) collectors.set(c, makeCollector(c));

  const tickOnce = async (c: number) => {
    counter.reset();
    const snap = await (collectors.get(c) as Collector).tick();
    const host = snap.hosts[0];
    if (host.error) errors.push(host.error);
    for (const d of host.domains) if (d.errors.length) errors.push(`${d.name}: ${d.errors.join('; ')}`);
    return { calls: counter.total, callsByMethod: counter.snapshot(), syncMs: counter.syncMs };
  };

  // Cold tick: opens nothing (the connection is open) but reads and parses every domain's XML.
  const c16 = collectors.get(16) as Collector;
  counter.reset();
  const cold = await timed(() => c16.tick());
  const coldTick = { wallMs: cold.wallMs, cpuMs: cold.cpuMs, calls: counter.total, callsByMethod: counter.snapshot() };
  // The other concurrencies get their XML cache filled outside the measurement.
  for (const [c, col] of collectors) if (c !== 16) await col.tick();

  const cases: Case[] = [];
  if (opts.ticks) {
    cases.push({ name: 'bulk floor', run: async () => (await conn.getAllDomainStats(DEFAULT_STATS_MASK, 0), {}) });
    cases.push({ name: 'call floor c16', run: async () => (await callFloor(conn, domains, 16), {}) });
  }
  for (const c of concurrencies) cases.push({ name: `tick c${c}`, run: () => tickOnce(c) });

  const { warm, iters } = iterationsFor(n, opts.quick);
  const extra = new Map<string, { calls: number[]; sync: number[]; byMethod?: Record<string, number> }>();
  for (const cs of cases) extra.set(cs.name, { calls: [], sync: [] });
  const times = await sideBySide(cases, warm, iters, (name, t) => {
    const s = extra.get(name)!;
    if (t.value.syncMs !== undefined) s.sync.push(t.value.syncMs);
    if (t.value.calls !== undefined) {
      s.calls.push(t.value.calls);
      s.byMethod = t.value.callsByMethod;
    }
  });
  const samples = new Map([...times].map(([name, tw]) => [name, { ...tw, ...extra.get(name)! }]));

  if (opts.profile) await opts.profile(`tick-${n}`, async () => void (await c16.tick()));

  let virshDomstats: Summary | null = null;
  if (opts.ticks && onPath('virsh')) {
    const reps = opts.quick ? 2 : 5;
    const wall: number[] = [];
    for (let i = 0; i < reps; i++) {
      const r = await run('virsh', ['-r', '-c', uri, 'domstats'], { timeoutMs: 60_000 });
      if (r.code === 0) wall.push(r.wallMs);
      else errors.push(`virsh domstats: ${r.stderr.trim() || `exit ${r.code}`}`);
    }
    virshDomstats = summarize(wall);
  }

  for (const col of collectors.values()) await col.close();
  await conn.close();

  const out: Record<string, CaseResult> = {};
  for (const [name, s] of samples) {
    out[name] = {
      wallMs: summarize(s.wall),
      cpuMs: summarize(s.cpu),
      ...(s.calls.length ? { calls: summarize(s.calls).median, callsByMethod: s.byMethod } : {}),
      ...(s.sync.length ? { bindingSyncMs: summarize(s.sync).median } : {}),
      wallSamples: s.wall,
      cpuSamples: s.cpu,
    };
  }
  const ratios: Record<string, number> = {};
  const tick16 = samples.get('tick c16')!;
  if (opts.ticks) {
    ratios['tick/bulk floor (wall)'] = pairedRatio(tick16.wall, samples.get('bulk floor')!.wall);
    ratios['tick/call floor (wall)'] = pairedRatio(tick16.wall, samples.get('call floor c16')!.wall);
    ratios['tick/call floor (cpu)'] = pairedRatio(tick16.cpu, samples.get('call floor c16')!.cpu);
  }
  if (opts.fallback) {
    ratios['c1/c16 (wall)'] = pairedRatio(samples.get('tick c1')!.wall, tick16.wall);
    ratios['c64/c16 (wall)'] = pairedRatio(samples.get('tick c64')!.wall, tick16.wall);
  }
  return {
    n,
    active: domains.filter((d) => d.runstate !== 5).length,
    openMs: opened.wallMs,
    coldTick,
    cases: out,
    ratios,
    virshDomstats,
    errors: [...new Set(errors)].slice(0, 10),
  };
}

export function collectorRows(results: readonly CollectorNResult[], which: { ticks: boolean; fallback: boolean }): Row[] {
  const rows: Row[] = [];
  for (const r of results) {
    const s = `collector N=${r.n}`;
    const c = r.cases;
    if (which.ticks) {
      rows.push({ section: s, case: 'bulk floor (getAllDomainStats)', median: fmtMs(c['bulk floor'].wallMs.median), p99: fmtMs(c['bulk floor'].wallMs.p99), n: c['bulk floor'].wallMs.n, ratio: '', note: `cpu ${fmtMs(c['bulk floor'].cpuMs.median)}` });
      rows.push({ section: s, case: 'call floor (same calls, c16)', median: fmtMs(c['call floor c16'].wallMs.median), p99: fmtMs(c['call floor c16'].wallMs.p99), n: c['call floor c16'].wallMs.n, ratio: '', note: `cpu ${fmtMs(c['call floor c16'].cpuMs.median)}` });
      const t = c['tick c16'];
      const vsCalls = r.ratios['tick/call floor (wall)'];
      rows.push({
        section: s,
        case: 'tick (wall)',
        median: fmtMs(t.wallMs.median),
        p99: fmtMs(t.wallMs.p99),
        n: t.wallMs.n,
        ratio: fmtRatio(vsCalls),
        note: `${verdict(vsCalls <= 1.3, '≤1.3× call floor')}; ${fmtRatio(r.ratios['tick/bulk floor (wall)'])} bulk floor`,
      });
      rows.push({
        section: s,
        case: 'tick (process cpu)',
        median: fmtMs(t.cpuMs.median),
        p99: fmtMs(t.cpuMs.p99),
        n: t.cpuMs.n,
        ratio: fmtRatio(r.ratios['tick/call floor (cpu)']),
        note: `vs call floor cpu; ${fmtMs(t.bindingSyncMs ?? NaN)} of JS-thread time inside binding calls (sync part)`,
      });
      rows.push({ section: s, case: 'cold tick (reads every XML)', median: fmtMs(r.coldTick.wallMs), p99: '', n: 1, ratio: '', note: `${r.coldTick.calls} calls, cpu ${fmtMs(r.coldTick.cpuMs)}; open ${fmtMs(r.openMs)}` });
      if (r.virshDomstats) rows.push({ section: s, case: 'virsh -r domstats (new process)', median: fmtMs(r.virshDomstats.median), p99: fmtMs(r.virshDomstats.p99), n: r.virshDomstats.n, ratio: '', note: 'reference' });
    }
    if (which.fallback) {
      for (const cc of [1, 16, 64]) {
        const t = c[`tick c${cc}`];
        const ratio = cc === 16 ? '' : fmtRatio(r.ratios[`c${cc}/c16 (wall)`]);
        rows.push({
          section: `fallback N=${r.n}`,
          case: `tick, concurrency ${cc}`,
          median: fmtMs(t.wallMs.median),
          p99: fmtMs(t.wallMs.p99),
          n: t.wallMs.n,
          ratio,
          note: `${fmtCount(t.calls ?? NaN)} libvirt calls/tick (${r.active} active), cpu ${fmtMs(t.cpuMs.median)}${cc === 16 ? '' : ' (ratio vs c16)'}`,
        });
      }
    }
    if (r.errors.length) rows.push({ section: s, case: 'errors seen', median: '', p99: '', n: null, ratio: '', note: r.errors[0].slice(0, 120) });
  }
  return rows;
}
