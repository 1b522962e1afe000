// Section 6: event-loop health while a remote libvirtd is slow.
//
// The local libvirtd's read-only Unix socket is put behind a latency proxy
// (bench/proxy.ts, 127.0.0.1 only) that holds every chunk D ms each way, and
// a child process (fresh event loop, UV_THREADPOOL_SIZE as bin/virtop sets
// it) runs the collector against test+tcp://127.0.0.1:PORT/<node.xml> — the
// test driver inside libvirtd, so a tick is the per-domain fallback path:
// a hundred-odd slow round trips. Before that it times the bare calls once
// on the same connection (open, getAllDomainStats, listAllDomains): the
// floor a tick over this link cannot beat. While ticks are pending it
// measures:
//
//   event-loop delay   perf_hooks.monitorEventLoopDelay (1 ms resolution)
//   key press          a byte written by a separate "typist" process into a
//                      pipe every 20 ms, stamped with CLOCK_MONOTONIC, and
//                      timed until this process's 'data' handler runs —
//                      the path a key press takes from the terminal
//   /proc read         fs.promises.readFile('/proc/self/stat') every 100 ms:
//                      libuv thread-pool availability (a local host's /proc
//                      reads queue behind libvirt calls in the same pool)
//
// each first without the collector (baseline), then with it.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Collector } from '../../src/collector/collector.js';
import { DEFAULT_STATS_MASK, HostCollector } from '../../src/collector/host.js';
import type { LibvirtSource } from '../../src/collector/source.js';
import { Connection } from '../../src/libvirt/connection.js';
import { ListFlags } from '../../src/libvirt/types.js';
import type { BenchContext } from '../lib/context.js';
import { benchNodeXml } from '../lib/nodexml.js';
import { fmtMs, fmtRatio, verdict, type Row } from '../lib/report.js';
import { summarize, type Summary } from '../lib/stats.js';
import { runChild } from '../lib/child.js';
import { adopt, benchDistDir, benchTmp, sleep } from '../lib/util.js';

export const DAEMON_SOCKET = '/run/libvirt/libvirt-sock-ro';

export interface EventLoopArgs {
  uri: string;
  concurrency: number;
  baselineMs: number;
  durationMs: number;
  intervalMs: number;
}

export interface Phase {
  eldMs: { p50: number; p99: number; max: number; mean: number };
  keyMs: Summary;
  fsMs: Summary;
  /** /proc reads still pending when the phase ended */
  fsPending: number;
}

export interface EventLoopChildResult {
  /** single calls on the delayed connection, ms */
  floors: { openMs: number; bulkMs: number; listMs: number };
  baseline: Phase;
  loaded: Phase;
  ticks: number;
  tickMs: Summary;
  /** how long the collector ran */
  windowMs: number;
  /** snapshots where the host had not answered by the collector's deadline */
  staleTicks: number;
  domains: number;
  errors: string[];
  threadpool: string;
}

export interface EventLoopScenario {
  delayMs: number;
  concurrency: number;
  domains: number;
  result: EventLoopChildResult | null;
  error: string | null;
}

export interface EventLoopResult {
  skipped: string | null;
  scenarios: EventLoopScenario[];
}

// ---------------------------------------------------------------- child side

const TYPIST = `
const b = Buffer.alloc(8);
let i = 0;
const max = Number(process.argv[1]);
const t = setInterval(() => {
  b.writeBigUInt64BE(process.hrtime.bigint());
  process.stdout.write(Buffer.from(b));
  if (++i >= max) clearInterval(t);
}, 20);
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
`;

function hist(h: ReturnType<typeof monitorEventLoopDelay>): Phase['eldMs'] {
  return { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6, mean: h.mean / 1e6 };
}

export async function eventLoopChild(args: EventLoopArgs): Promise<EventLoopChildResult> {
  const key: number[] = [];
  const fsLat: number[] = [];
  let fsPending = 0;
  let probing = true;

  const typist: ChildProcess = spawn(process.execPath, ['-e', TYPIST, String(Math.ceil((args.baselineMs + args.durationMs) / 20) + 500)], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  let pending = Buffer.alloc(0);
  typist.stdout?.on('data', (d: Buffer) => {
    const now = process.hrtime.bigint();
    pending = Buffer.concat([pending, d]);
    while (pending.length >= 8) {
      key.push(Number(now - pending.readBigUInt64BE(0)) / 1e6);
      pending = pending.subarray(8);
    }
  });
  const fsProbe = (async () => {
    while (probing) {
      const t0 = performance.now();
      fsPending++;
      await readFile('/proc/self/stat');
      fsPending--;
      fsLat.push(performance.now() - t0);
      await sleep(100);
    }
  })();

  const eld = monitorEventLoopDelay({ resolution: 1 });
  await sleep(300); // typist start-up
  const phase = async (ms: number): Promise<Phase> => {
    key.length = 0;
    fsLat.length = 0;
    eld.reset();
    eld.enable();
    await sleep(ms);
    eld.disable();
    return { eldMs: hist(eld), keyMs: summarize(key), fsMs: summarize(fsLat), fsPending };
  };

  let t = performance.now();
  const conn = await Connection.open(args.uri, { readonly: true });
  const openMs = performance.now() - t;
  t = performance.now();
  await conn.getAllDomainStats(DEFAULT_STATS_MASK, 0);
  const bulkMs = performance.now() - t;
  t = performance.now();
  await conn.listAllDomains(ListFlags.Active | ListFlags.Inactive);
  const listMs = performance.now() - t;

  const baseline = await phase(args.baselineMs);

  const errors: string[] = [];
  const tickMs: number[] = [];
  let stale = 0;
  let domains = 0;
  const collector = new Collector(
    [
      new HostCollector(args.uri, {
        connect: async () => conn as unknown as LibvirtSource,
        readonly: true,
        proc: null,
        threads: false,
        fallbackConcurrency: args.concurrency,
      }),
    ],
    args.intervalMs,
  );
  collector.onSnapshot((snap) => {
    const h = snap.hosts[0];
    // A tick that outlasts the deadline yields a stale placeholder (the app's
    // behaviour); the real sample lands in a later tick.
    if (h.stale) stale++;
    else if (h.error) errors.push(h.error);
    else if (h.status === 'connected') tickMs.push(h.tickLatencyMs);
    domains = Math.max(domains, h.domains.length);
  });
  collector.start();
  const loaded = await phase(args.durationMs);
  collector.stop();
  probing = false;
  // A close stuck behind slow calls must not hold the result.
  await Promise.race([collector.close().catch(() => undefined), sleep(3000)]);
  await Promise.race([conn.close().catch(() => undefined), sleep(3000)]);
  await Promise.race([fsProbe, sleep(3000)]);
  typist.stdin?.end();
  typist.kill('SIGKILL');
  return {
    floors: { openMs, bulkMs, listMs },
    baseline,
    loaded,
    ticks: tickMs.length,
    tickMs: summarize(tickMs),
    windowMs: args.durationMs,
    staleTicks: stale,
    domains,
    errors: [...new Set(errors)].slice(0, 5),
    threadpool: process.env.UV_THREADPOOL_SIZE ?? '4 (libuv default)',
  };
}

// ---------------------------------------------------------------- parent side

async function startProxy(delayMs: number): Promise<{ child: ChildProcess; port: number }> {
  const child = adopt(spawn(process.execPath, [join(benchDistDir(), 'proxy.js'), '--target', DAEMON_SOCKET, '--delay', String(delayMs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  }));
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('proxy did not start within 10 s')), 10_000);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`proxy exited (${code})`));
    });
  });
  return { child, port };
}

export function stopChild(child: ChildProcess | null): void {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.stdin?.end();
  child.kill('SIGKILL');
}

export async function benchEventLoop(ctx: BenchContext): Promise<EventLoopResult> {
  if (!existsSync(DAEMON_SOCKET)) {
    return { skipped: `no local libvirtd socket at ${DAEMON_SOCKET} (the slow host is the local daemon behind a delay proxy)`, scenarios: [] };
  }
  // Few domains: listAllDomains alone costs 3 round trips per domain (see the floors).
  const domains = 20;
  const { xml } = benchNodeXml(domains);
  const path = join(benchTmp(), `remote-${domains}.xml`);
  writeFileSync(path, xml);
  const plan: { delayMs: number; concurrency: number }[] = ctx.quick
    ? [{ delayMs: 10, concurrency: 16 }]
    : [
        // (0 ms, the proxy alone, was dropped from the plan: it only restated the idle figures)
        { delayMs: 10, concurrency: 16 },
        { delayMs: 50, concurrency: 16 },
        { delayMs: 50, concurrency: 1 },
      ];
  const scenarios: EventLoopScenario[] = [];
  for (const p of plan) {
    ctx.log(`eventloop: delay ${p.delayMs} ms per chunk, concurrency ${p.concurrency}, ${domains} domains`);
    let proxy: ChildProcess | null = null;
    try {
      const started = await startProxy(p.delayMs);
      proxy = started.child;
      const args: EventLoopArgs = {
        uri: `test+tcp://127.0.0.1:${started.port}${path}`,
        concurrency: p.concurrency,
        // 2 s of idle and 6 s of ticks give ~500 key presses and ~6 ticks per case: enough for a p99 of the loop's delay.
        baselineMs: ctx.quick ? 1000 : 2000,
        durationMs: ctx.quick ? 4000 : 6000,
        intervalMs: 1000,
      };
      const env = { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '32' };
      const result = await runChild<EventLoopChildResult>('eventloop', args, env, args.baselineMs + args.durationMs + 120_000);
      scenarios.push({ ...p, domains, result, error: null });
    } catch (e) {
      scenarios.push({ ...p, domains, result: null, error: (e as Error).message });
    } finally {
      stopChild(proxy);
      await sleep(200);
    }
  }
  return { skipped: null, scenarios };
}

export function eventLoopRows(r: EventLoopResult): Row[] {
  if (r.skipped) return [{ section: 'event loop', case: 'skipped', median: '', p99: '', n: null, ratio: '', note: r.skipped }];
  const rows: Row[] = [];
  for (const s of r.scenarios) {
    const sec = `slow host ${s.delayMs}ms c${s.concurrency}`;
    if (!s.result) {
      rows.push({ section: sec, case: 'failed', median: '', p99: '', n: null, ratio: '', note: s.error ?? '' });
      continue;
    }
    const { baseline: b, loaded: l } = s.result;
    rows.push({
      section: sec,
      case: 'event-loop delay, ticks pending',
      median: fmtMs(l.eldMs.p50),
      p99: fmtMs(l.eldMs.p99),
      n: null,
      ratio: fmtRatio(l.eldMs.p99 / b.eldMs.p99),
      note: `${verdict(l.eldMs.p99 < 50, 'p99 <50 ms')}; max ${fmtMs(l.eldMs.max)}; idle p99 ${fmtMs(b.eldMs.p99)} (ratio p99/idle p99)`,
    });
    rows.push({
      section: sec,
      case: 'key press → handler',
      median: fmtMs(l.keyMs.median),
      p99: fmtMs(l.keyMs.p99),
      n: l.keyMs.n,
      ratio: fmtRatio(l.keyMs.p99 / b.keyMs.p99),
      note: `${verdict(l.keyMs.p99 < 50, 'p99 <50 ms')}; idle p99 ${fmtMs(b.keyMs.p99)}`,
    });
    rows.push({
      section: sec,
      case: '/proc read (libuv pool)',
      median: fmtMs(l.fsMs.median),
      p99: fmtMs(l.fsMs.p99),
      n: l.fsMs.n,
      ratio: fmtRatio(l.fsMs.median / b.fsMs.median),
      note: `idle median ${fmtMs(b.fsMs.median)}${l.fsPending ? `; ${l.fsPending} still pending at the end` : ''}; pool ${s.result.threadpool}`,
    });
    const f = s.result.floors;
    rows.push({
      section: sec,
      case: 'one call: getAllDomainStats',
      median: fmtMs(f.bulkMs),
      p99: '',
      n: 1,
      ratio: '',
      note: `open ${fmtMs(f.openMs)}`,
    });
    rows.push({
      section: sec,
      case: `one call: listAllDomains (${s.domains} domains)`,
      median: fmtMs(f.listMs),
      p99: '',
      n: 1,
      ratio: f.bulkMs > 0 ? fmtRatio(f.listMs / f.bulkMs) : '',
      note: 'ratio vs getAllDomainStats (one round trip)',
    });
    rows.push({
      section: sec,
      case: `tick (${s.result.domains} domains over the proxy)`,
      median: fmtMs(s.result.tickMs.median),
      p99: fmtMs(s.result.tickMs.p99),
      n: s.result.ticks,
      ratio: '',
      note: s.result.errors.length
        ? `errors: ${s.result.errors.join(' | ').slice(0, 100)}`
        : s.result.ticks === 0
          ? `no sample completed in the ${fmtMs(s.result.windowMs)} window; ${s.result.staleTicks} stale snapshots (deadline)`
          : `samples completed in the ${fmtMs(s.result.windowMs)} window; ${s.result.staleTicks} stale snapshots (deadline)`,
    });
  }
  return rows;
}
