// Section 1 on the real lab (qemu:///system, TCG guests from test/lab/lab.sh):
// a full collector tick — bulk stats, list, XML cache, /proc of every QEMU
// with its threads, host counters — against the floors measured in the same
// loop: the bare bulk stats call, and the /proc reads the tick does, done
// straight through src/procfs. Target: tick ≤ 1.3 × (bulk + /proc).
//
// Extra idle guests (virtop-lab-idle2, -idle3, ...) are started when the lab
// is usable and torn down afterwards — only those this run started.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { localProcProbe } from '../../src/app/hosts.js';
import { Collector } from '../../src/collector/collector.js';
import { DEFAULT_STATS_MASK, HostCollector } from '../../src/collector/host.js';
import { Connection } from '../../src/libvirt/connection.js';
import { ListFlags } from '../../src/libvirt/types.js';
import type { BenchContext } from '../lib/context.js';
import { CallCounter, countingSource } from '../lib/counting.js';
import { fmtMs, fmtRatio, verdict, type Row } from '../lib/report.js';
import { pairedRatio, summarize, type Summary } from '../lib/stats.js';
import { onPath, repoRoot, run, sideBySide, sleep } from '../lib/util.js';

const URI = 'qemu:///system';
const PREFIX = 'virtop-lab-';
const STATS_NOWAIT = 1 << 29;

export interface LabResult {
  skipped: string | null;
  guests: string[];
  started: string[];
  threads: number;
  cases: Record<string, { wallMs: Summary; cpuMs: Summary }>;
  ratios: Record<string, number>;
  callsPerTick: number | null;
  virshDomstats: Summary | null;
  errors: string[];
}

function labSh(): string {
  return join(repoRoot(), 'test', 'lab', 'lab.sh');
}

/** Why the lab cannot be used here, or null. */
async function labUnavailable(): Promise<string | null> {
  if (process.platform !== 'linux') return 'needs Linux';
  if (!onPath('virsh')) return 'virsh is not installed';
  if (!existsSync(labSh())) return 'test/lab/lab.sh is missing';
  const r = await run('virsh', ['-c', URI, 'version'], { timeoutMs: 10_000 });
  if (r.code !== 0) return `${URI} does not answer (${r.stderr.trim() || `exit ${r.code}`}); see test/lab/README.md`;
  return null;
}

/** The lab guests running now, by name. */
export async function runningLabGuests(): Promise<string[]> {
  const r = await run('virsh', ['-q', '-c', URI, 'list', '--name', '--state-running'], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`virsh list: ${r.stderr.trim() || (r.timedOut ? 'timed out' : `exit ${r.code}`)}`);
  return r.stdout
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s.startsWith(PREFIX));
}

async function definedDomains(): Promise<Set<string>> {
  const r = await run('virsh', ['-q', '-c', URI, 'list', '--all', '--name'], { timeoutMs: 20_000 });
  return new Set(r.stdout.split('\n').map((s) => s.trim()).filter(Boolean));
}

/** Starts the extra idle guests not yet defined; returns the ones this run created. */
async function startExtras(ctx: BenchContext, want: number, errors: string[]): Promise<string[]> {
  if (want <= 0) return [];
  const defined = await definedDomains();
  const names: string[] = [];
  for (let i = 2; names.length < want && i < 2 + want + 20; i++) {
    const name = `${PREFIX}idle${i}`;
    if (!defined.has(name)) names.push(name);
  }
  if (!existsSync(join(process.env.VIRTOP_LAB_WORK ?? '/var/tmp/virtop-lab', 'vmlinuz'))) {
    errors.push('lab images not built (bash test/lab/lab.sh build): no extra guests started');
    return [];
  }
  ctx.log(`lab: starting ${names.join(', ')}`);
  const up = await run('bash', [labSh(), 'up', ...names], { timeoutMs: 180_000 });
  // Whatever got defined is ours to remove, even if `up` failed part way.
  const now = await definedDomains();
  const started = names.filter((n) => now.has(n));
  if (up.code !== 0) errors.push(`lab.sh up: ${up.stderr.trim().split('\n').pop()}`);
  for (const n of started) {
    const w = await run('bash', [labSh(), 'wait-ready', n, '120'], { timeoutMs: 130_000 });
    if (w.code !== 0) errors.push(`lab.sh wait-ready ${n}: ${w.stderr.trim().split('\n').pop()}`);
  }
  return started;
}

export async function stopExtras(ctx: BenchContext, started: readonly string[]): Promise<void> {
  if (!started.length) return;
  ctx.log(`lab: removing ${started.join(', ')}`);
  await run('bash', [labSh(), 'down', ...started], { timeoutMs: 120_000 });
}

export async function benchLab(ctx: BenchContext, onStarted: (names: string[]) => void): Promise<LabResult> {
  const empty = (skipped: string): LabResult => ({
    skipped,
    guests: [],
    started: [],
    threads: 0,
    cases: {},
    ratios: {},
    callsPerTick: null,
    virshDomstats: null,
    errors: [],
  });
  const why = await labUnavailable();
  if (why) return empty(`lab not available: ${why}`);
  const errors: string[] = [];
  // The issue asks for at least 6 real guests; top up with idle ones.
  // A quick run takes the guests that are up: booting more is most of this section's time.
  const want = ctx.labExtra ?? (ctx.quick ? 0 : Math.max(0, 6 - (await runningLabGuests().catch(() => [])).length));
  const started = await startExtras(ctx, want, errors);
  onStarted(started);
  try {
    if (started.length) await sleep(ctx.quick ? 2000 : 5000); // let the boot burst settle
    const guests = await runningLabGuests();
    if (guests.length === 0) {
      const why = errors.length ? ` (${errors.join('; ')})` : '';
      return { ...empty(`lab not available: no virtop-lab-* guest is running (bash test/lab/lab.sh up)${why}`), started };
    }

    const conn = await Connection.open(URI, { readonly: true });
    const counter = new CallCounter();
    const probe = localProcProbe();
    const collector = new Collector(
      [new HostCollector(URI, { connect: async () => countingSource(conn, counter), readonly: true, proc: probe, threads: true })],
      1000,
    );
    // Measure whole ticks: no stale placeholder when libvirtd is slow to answer.
    collector.hostDeadlineMs = 10 * 60_000;
    try {
      // PIDs for the /proc floor: the same lookup the collector caches.
      const list = await conn.listAllDomains(ListFlags.Active);
      const pids: number[] = [];
      for (const d of list) {
        const pid = await probe.findQemuPid(d.name).catch(() => null);
        if (pid !== null) pids.push(pid);
      }
      const procFloor = async () => {
        const [, ...procs] = await Promise.all([probe.readHostCounters(), ...pids.map((p) => probe.readProcess(p, { threads: true }))]);
        return procs.reduce((acc, p) => acc + p.threads.length, 0);
      };
      const threads = await procFloor();

      await collector.tick(); // cold: XML, pids
      const calls: number[] = [];
      const cases = [
        { name: 'bulk floor', run: async () => void (await conn.getAllDomainStats(DEFAULT_STATS_MASK, STATS_NOWAIT)) },
        { name: '/proc floor', run: async () => void (await procFloor()) },
        // Not part of the floor (the target compares against the bulk call),
        // but every tick makes it: shown for what it costs.
        { name: 'listAllDomains', run: async () => void (await conn.listAllDomains(ListFlags.Active | ListFlags.Inactive)) },
        {
          name: 'tick',
          run: async () => {
            counter.reset();
            const snap = await collector.tick();
            const h = snap.hosts[0];
            if (h.error) errors.push(h.error);
            for (const d of h.domains) if (d.errors.length) errors.push(`${d.name}: ${d.errors.join('; ')}`);
            calls.push(counter.total);
          },
        },
      ];
      const s = await sideBySide(cases, 3, ctx.quick ? 8 : 40);
      const bulk = s.get('bulk floor')!;
      const proc = s.get('/proc floor')!;
      const tick = s.get('tick')!;
      const floorSum = bulk.wall.map((b, i) => b + proc.wall[i]);
      const floorCpu = bulk.cpu.map((b, i) => b + proc.cpu[i]);

      const wall: number[] = [];
      for (let i = 0; i < (ctx.quick ? 2 : 5); i++) {
        const r = await run('virsh', ['-r', '-c', URI, 'domstats'], { timeoutMs: 30_000 });
        if (r.code === 0) wall.push(r.wallMs);
      }
      return {
        skipped: null,
        guests,
        started,
        threads,
        cases: Object.fromEntries([...s].map(([k, v]) => [k, { wallMs: summarize(v.wall), cpuMs: summarize(v.cpu) }])),
        ratios: {
          'tick/(bulk+/proc) (wall)': pairedRatio(tick.wall, floorSum),
          'tick/(bulk+/proc) (cpu)': pairedRatio(tick.cpu, floorCpu),
          'tick/bulk (wall)': pairedRatio(tick.wall, bulk.wall),
        },
        callsPerTick: summarize(calls).median,
        virshDomstats: summarize(wall),
        errors: [...new Set(errors)].slice(0, 10),
      };
    } finally {
      await collector.close();
      await conn.close().catch(() => undefined);
    }
  } catch (e) {
    return { ...empty(`lab failed: ${(e as Error).message}${errors.length ? ` (${errors.join('; ')})` : ''}`), started };
  }
}

export function labRows(r: LabResult): Row[] {
  if (r.skipped) return [{ section: 'lab', case: 'skipped', median: '', p99: '', n: null, ratio: '', note: r.skipped }];
  const sec = `lab ${r.guests.length} guests`;
  const c = r.cases;
  const row = (name: string, label: string, note = ''): Row => ({
    section: sec,
    case: label,
    median: fmtMs(c[name].wallMs.median),
    p99: fmtMs(c[name].wallMs.p99),
    n: c[name].wallMs.n,
    ratio: '',
    note: note || `cpu ${fmtMs(c[name].cpuMs.median)}`,
  });
  const ratio = r.ratios['tick/(bulk+/proc) (wall)'];
  const rows: Row[] = [
    row('bulk floor', 'bulk floor (getAllDomainStats)'),
    row('/proc floor', `/proc floor (${r.threads} threads + host)`),
    row('listAllDomains', 'listAllDomains (in every tick)', `cpu ${fmtMs(c.listAllDomains.cpuMs.median)}; not in the floor`),
    {
      ...row('tick', 'tick (wall)'),
      ratio: fmtRatio(ratio),
      note: `${verdict(ratio <= 1.3, '≤1.3× (bulk + /proc)')}; ${fmtRatio(r.ratios['tick/bulk (wall)'])} bulk; ${r.callsPerTick} libvirt calls`,
    },
    {
      section: sec,
      case: 'tick (process cpu)',
      median: fmtMs(c.tick.cpuMs.median),
      p99: fmtMs(c.tick.cpuMs.p99),
      n: c.tick.cpuMs.n,
      ratio: fmtRatio(r.ratios['tick/(bulk+/proc) (cpu)']),
      note: 'vs (bulk + /proc) cpu',
    },
  ];
  if (r.virshDomstats) rows.push({ section: sec, case: 'virsh -r domstats (new process)', median: fmtMs(r.virshDomstats.median), p99: fmtMs(r.virshDomstats.p99), n: r.virshDomstats.n, ratio: '', note: 'reference' });
  rows.push({ section: sec, case: 'guests', median: '', p99: '', n: null, ratio: '', note: `${r.guests.join(' ')}${r.started.length ? ` (started here: ${r.started.length})` : ''}` });
  if (r.errors.length) rows.push({ section: sec, case: 'errors seen', median: '', p99: '', n: null, ratio: '', note: r.errors.join(' | ').slice(0, 160) });
  return rows;
}
