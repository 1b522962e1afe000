// Section: virtop against virt-top on the same URI in the same run, when
// `virt-top` is on PATH (it is not packaged for Debian 12; build it from its
// public source to run this). Both run `-b -d D` twice, a short and a long
// run; the difference in CPU between the two, over the difference in
// refreshes, is the marginal CPU per refresh, so start-up cancels. Measured:
//
//   client   the tool's own process (user + system, from the shell's `times`)
//   daemon   libvirtd (utime + stime from /proc/PID/stat), for qemu:/// URIs;
//            the test driver runs inside the client, so its work is the client's
//
// Cases: a 1000-domain test-driver host (libvirt's bulk call gives only
// state.*, so virtop takes its per-domain path), and the lab's running
// guests on qemu:///system when there are any. The two tools alternate,
// first one then the other, so neither always runs on a warmer machine.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { benchNodeXml } from '../lib/nodexml.js';
import { runningLabGuests } from './lab.js';
import { fmtMs, fmtRatio, verdict, type Row } from '../lib/report.js';
import { summarize, type Summary } from '../lib/stats.js';
import { benchTmp, onPath, repoRoot, rotate, run } from '../lib/util.js';

export interface ToolCost {
  /** marginal CPU per refresh of the tool's process, ms */
  clientMs: Summary;
  /** of libvirtd, ms; null where there is no daemon */
  daemonMs: Summary | null;
}

export interface VirtTopCase {
  name: string;
  uri: string;
  delaySec: number;
  refreshes: [number, number];
  virtop: ToolCost;
  virtTop: ToolCost;
  /** virtop ÷ virt-top of the medians: client alone, and client + daemon */
  ratioClient: number;
  ratioTotal: number | null;
}

export interface VirtTopResult {
  skipped: string | null;
  version: string | null;
  cases: VirtTopCase[];
  notes: string[];
  errors: string[];
}

/** The children's user and system seconds from bash's `times` (its second line), in ms. */
export function parseTimes(out: string): number | null {
  const lines = out.trim().split('\n');
  const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec((lines[lines.length - 1] ?? '').trim());
  if (!m) return null;
  return (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000;
}

/** utime + stime of a process, in ms, from its /proc/PID/stat; null when it is gone. */
export function procCpuMs(stat: string, ticksPerSec: number): number | null {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields 14 and 15 of the line; `rest` starts at field 3
  const u = Number(rest[11]);
  const s = Number(rest[12]);
  if (!Number.isFinite(u) || !Number.isFinite(s)) return null;
  return ((u + s) * 1000) / ticksPerSec;
}

/** (long - short) ÷ (refreshes of long - refreshes of short). */
export function marginalPerRefresh(shortMs: number, longMs: number, refreshes: readonly [number, number]): number {
  return (longMs - shortMs) / (refreshes[1] - refreshes[0]);
}

function libvirtdPid(): number | null {
  try {
    const pid = Number(readFileSync('/run/libvirtd.pid', 'utf8').trim());
    readFileSync(`/proc/${pid}/stat`, 'utf8');
    return pid;
  } catch {
    return null;
  }
}

async function ticksPerSec(): Promise<number> {
  const r = await run('getconf', ['CLK_TCK'], { timeoutMs: 5000 });
  const n = Number(r.stdout.trim());
  return Number.isInteger(n) && n > 0 ? n : 100;
}

interface Tool {
  name: 'virtop' | 'virt-top';
  argv: (uri: string, delaySec: number, n: number) => string[];
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** One run: the tool's CPU, and libvirtd's over the same span. */
async function measureRun(tool: Tool, uri: string, delaySec: number, n: number, daemon: number | null, hz: number): Promise<{ clientMs: number; daemonMs: number | null }> {
  const cmd = `${tool.argv(uri, delaySec, n).map(quote).join(' ')} >/dev/null 2>&1; echo "exit $?"; times`;
  const d0 = daemon === null ? null : procCpuMs(readFileSync(`/proc/${daemon}/stat`, 'utf8'), hz);
  const r = await run('bash', ['-c', cmd], { timeoutMs: 10 * 60_000, env: { ...process.env, TERM: 'xterm', LINES: '60', COLUMNS: '200' } });
  const d1 = daemon === null ? null : procCpuMs(readFileSync(`/proc/${daemon}/stat`, 'utf8'), hz);
  const exit = /exit (\d+)/.exec(r.stdout)?.[1];
  if (exit !== '0') throw new Error(`${tool.name} -c ${uri} -n ${n}: exit ${exit ?? r.code}${r.timedOut ? ' (timed out)' : ''}`);
  const clientMs = parseTimes(r.stdout);
  if (clientMs === null) throw new Error(`${tool.name}: no times in ${JSON.stringify(r.stdout.slice(-120))}`);
  return { clientMs, daemonMs: d0 !== null && d1 !== null ? d1 - d0 : null };
}

async function measureCase(name: string, uri: string, delaySec: number, refreshes: [number, number], runs: number, tools: Tool[], daemon: number | null, hz: number): Promise<VirtTopCase> {
  const per = new Map(tools.map((t) => [t.name, { client: [] as number[], daemon: [] as number[] }]));
  for (let i = 0; i < runs; i++) {
    for (const tool of rotate(tools, i)) {
      const short = await measureRun(tool, uri, delaySec, refreshes[0], daemon, hz);
      const long = await measureRun(tool, uri, delaySec, refreshes[1], daemon, hz);
      const p = per.get(tool.name)!;
      p.client.push(marginalPerRefresh(short.clientMs, long.clientMs, refreshes));
      if (short.daemonMs !== null && long.daemonMs !== null) p.daemon.push(marginalPerRefresh(short.daemonMs, long.daemonMs, refreshes));
    }
  }
  const cost = (t: Tool['name']): ToolCost => {
    const p = per.get(t)!;
    return { clientMs: summarize(p.client), daemonMs: p.daemon.length ? summarize(p.daemon) : null };
  };
  const a = cost('virtop');
  const b = cost('virt-top');
  const total = (c: ToolCost) => (c.daemonMs ? c.clientMs.median + c.daemonMs.median : null);
  const ta = total(a);
  const tb = total(b);
  return {
    name,
    uri,
    delaySec,
    refreshes,
    virtop: a,
    virtTop: b,
    ratioClient: a.clientMs.median / b.clientMs.median,
    ratioTotal: ta !== null && tb !== null ? ta / tb : null,
  };
}

export async function benchVirtTop(ctx: BenchContext): Promise<VirtTopResult> {
  if (!onPath('virt-top')) {
    return { skipped: 'virt-top is not on PATH (not packaged for Debian 12: build it from its public source to compare)', version: null, cases: [], notes: [], errors: [] };
  }
  const version = (await run('virt-top', ['--version'], { timeoutMs: 10_000 })).stdout.trim() || null;
  const bin = join(repoRoot(), 'bin', 'virtop');
  const tools: Tool[] = [
    { name: 'virtop', argv: (uri, d, n) => [process.execPath, bin, '-c', uri, '-b', '-d', String(d), '-n', String(n)] },
    { name: 'virt-top', argv: (uri, d, n) => ['virt-top', '-c', uri, '-b', '-d', String(d), '-n', String(n)] },
  ];
  const hz = await ticksPerSec();
  // Alternating runs of each tool; two keep the section near a minute and a half.
  const runs = ctx.quick ? 1 : 2;
  const cases: VirtTopCase[] = [];
  const notes: string[] = [];
  const errors: string[] = [];

  const xml = join(benchTmp(), 'virttop-1000.xml');
  writeFileSync(xml, benchNodeXml(1000).xml);
  if (ctx.quick) {
    // Starting 1000 domains, four times, is most of this section's time.
    notes.push('quick run: the 1000-domain case is left out');
  } else {
    try {
      cases.push(await measureCase('1000 test-driver domains', `test://${xml}`, 0.2, [5, 20], runs, tools, null, hz));
      // Read before comparing: the two do different work here.
      notes.push("test driver: virt-top 1.0.9 reads only libvirt's bulk call, which gives state.* there, so its CPU, memory, block and net figures are 0 or empty; virtop asks each domain (its fallback) and shows them");
    } catch (e) {
      errors.push((e as Error).message);
    }
  }

  const daemon = libvirtdPid();
  const guests = daemon === null ? 0 : (await runningLabGuests().catch(() => [])).length;
  if (guests === 0) notes.push(daemon === null ? 'lab case: libvirtd is not running' : 'lab case: no virtop-lab-* guest running (bash test/lab/lab.sh up)');
  else {
    try {
      cases.push(await measureCase(`lab, ${guests} running guests`, 'qemu:///system', 0.2, ctx.quick ? [5, 15] : [10, 40], runs, tools, daemon, hz));
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { skipped: null, version, cases, notes, errors };
}

export function virtTopRows(r: VirtTopResult): Row[] {
  const sec = 'vs virt-top';
  if (r.skipped) return [{ section: sec, case: 'skipped', median: '', p99: '', n: null, ratio: '', note: r.skipped }];
  const rows: Row[] = [];
  for (const c of r.cases) {
    const what = `${c.name}, -b -d ${c.delaySec}`;
    const both = (t: ToolCost) => (t.daemonMs ? `; libvirtd ${fmtMs(t.daemonMs.median)}` : '');
    rows.push({ section: sec, case: `${what}: virt-top CPU/refresh`, median: fmtMs(c.virtTop.clientMs.median), p99: fmtMs(c.virtTop.clientMs.p99), n: c.virtTop.clientMs.n, ratio: '', note: `${r.version ?? 'virt-top'}${both(c.virtTop)}` });
    rows.push({ section: sec, case: `${what}: virtop CPU/refresh`, median: fmtMs(c.virtop.clientMs.median), p99: fmtMs(c.virtop.clientMs.p99), n: c.virtop.clientMs.n, ratio: fmtRatio(c.ratioClient), note: `client vs virt-top's${both(c.virtop)}; ${verdict(c.ratioClient <= 1, '<= 1.0x')}` });
    if (c.ratioTotal !== null) rows.push({ section: sec, case: `${what}: client + libvirtd`, median: '', p99: '', n: null, ratio: fmtRatio(c.ratioTotal), note: verdict(c.ratioTotal <= 1, '<= 1.0x virt-top (0.5x to aim for)') });
  }
  for (const n of r.notes) rows.push({ section: sec, case: 'note', median: '', p99: '', n: null, ratio: '', note: n });
  if (r.errors.length) rows.push({ section: sec, case: 'errors seen', median: '', p99: '', n: null, ratio: '', note: r.errors.join(' | ').slice(0, 160) });
  return rows;
}
