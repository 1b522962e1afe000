// Section: the whole tick on a synthetic QEMU host of N domains (lib/synth-qemu.ts),
// end to end through the real code: HostCollector over a LibvirtSource that
// serves QEMU-shaped bulk records (every group, moving counters), the real
// /proc reader over a synthetic tree under a root directory on tmpfs,
// Model.ingest, and the text frame. CPU per phase, per tick:
//
//   decode   the collector's sample() without /proc: records (built beforehand) into samples
//   /proc    the QEMU processes' and threads' files, read by the shipped reader,
//            and the domains' cgroup cpu.stat and /proc/net/dev, which stand in
//            for the CPU and interface groups once the collector can (direct.ts)
//   ingest   Model.ingest (history 3600)
//   view     the batch text frame of all domains
//
// and the /proc floor in the same run: the same files through kept-open
// descriptors, read at offset 0 and not parsed. Runs in a child process.

import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localProcProbe } from '../../src/app/hosts.js';
import { HostCollector } from '../../src/collector/host.js';
import { Model } from '../../src/model/model.js';
import { formatTextFrame } from '../../src/output/text.js';
import { nodeProcFs } from '../../src/procfs/fs.js';
import { fmtMs, fmtRatio, verdict, type Row } from '../lib/report.js';
import { summarize, type Summary } from '../lib/stats.js';
import { SynthQemuHost } from '../lib/synth-qemu.js';

export interface SyntheticArgs {
  sizes: number[];
  ticks: number;
}

export interface SyntheticCase {
  n: number;
  active: number;
  threads: number;
  /** CPU ms per tick */
  tickMs: Summary;
  decodeMs: Summary;
  procMs: Summary;
  ingestMs: Summary;
  viewMs: Summary;
  procFloorMs: Summary;
  ingestUsPerDomain: number;
  errors: string[];
}

export interface SyntheticResult {
  root: string;
  cases: SyntheticCase[];
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** A tmpfs directory when there is one (/dev/shm), else the temp dir. */
function scratch(): string {
  for (const base of ['/dev/shm', tmpdir()]) {
    try {
      return mkdtempSync(join(base, 'virtop-synth-'));
    } catch {
      // next
    }
  }
  throw new Error('no writable temporary directory');
}

/**
 * The files one tick reads, each read whole with no parsing: the floor. As
 * the shipped reader does, the first `keep` stay open and are read at
 * offset 0; any beyond (past the descriptor budget) are opened, read and
 * closed each time.
 */
function preadFloor(host: SynthQemuHost, root: string, keep: number): { read(): number; close(): void } {
  const paths: string[] = [];
  for (const d of host.domains) {
    if (d.state === 5) continue;
    const base = join(root, 'proc', String(d.pid));
    for (const f of ['stat', 'status', 'io']) paths.push(join(base, f));
    for (const t of d.threads) for (const f of ['stat', 'schedstat']) paths.push(join(base, 'task', String(t.tid), f));
    // what the collector reads instead of libvirt's cpu.time (collector/direct.ts)
    paths.push(join(root, 'sys/fs/cgroup', host.cgroupOf(d), 'cpu.stat'));
  }
  // and instead of its net.N.*: one read for every tap
  paths.push(join(root, 'proc/net/dev'));
  const fds = paths.slice(0, keep).map((p) => openSync(p, 'r'));
  const rest = paths.slice(keep);
  const buf = Buffer.allocUnsafe(4096);
  return {
    read: () => {
      const c0 = cpuMs();
      for (const fd of fds) readSync(fd, buf, 0, buf.length, 0);
      for (const p of rest) {
        const fd = openSync(p, 'r');
        readSync(fd, buf, 0, buf.length, 0);
        closeSync(fd);
      }
      return cpuMs() - c0;
    },
    close: () => fds.forEach((fd) => closeSync(fd)),
  };
}

async function runCase(n: number, ticks: number): Promise<SyntheticCase> {
  const host = new SynthQemuHost(n);
  const root = scratch();
  const errors: string[] = [];
  try {
    host.writeProc(root, true);
    const probe = localProcProbe(root);
    const src = host.source();
    const options = { connect: async () => src, readonly: true, threads: true, addresses: null, inventory: null, vhostRescanMs: 3_600_000 };
    const hc = new HostCollector('qemu:///system', { ...options, proc: probe });
    // The same tick without /proc, on the same records: the difference is the /proc reads
    // (they run concurrently inside sample(), so they cannot be timed one by one).
    const bare = new HostCollector('qemu:///system', { ...options, proc: null });
    const model = new Model({ historySize: 3600 });
    const s = { tick: [] as number[], decode: [] as number[], proc: [] as number[], ingest: [] as number[], view: [] as number[], floor: [] as number[] };
    // The reader keeps up to its budget open, the collector a cgroup file per domain beside it;
    // the floor as many as the reader, less a margin, as all hold theirs at once.
    const active = host.domains.filter((d) => d.state !== 5).length;
    const floor = preadFloor(host, root, Math.max(0, (nodeProcFs(root).handles?.maxOpen ?? 0) - 500 - active));
    const warm = 3;
    for (let i = 0; i < warm + ticks; i++) {
      host.advance();
      host.writeProc(root, false);
      host.prepare(2);
      const b0 = cpuMs();
      await bare.sample();
      const decodeMs = cpuMs() - b0;
      const c0 = cpuMs();
      const sample = await hc.sample();
      const c1 = cpuMs();
      const view = model.ingest({ seq: i, monoNs: sample.monoNs, wallMs: sample.wallMs, hosts: [sample] });
      const c2 = cpuMs();
      const frame = formatTextFrame(view, { sort: 'cpu', reverse: false });
      const c3 = cpuMs();
      const f = floor.read();
      if (sample.error) errors.push(sample.error);
      if (i === warm) {
        const withProc = sample.domains.filter((d) => d.process !== null).length;
        if (withProc !== host.domains.filter((d) => d.state !== 5).length) errors.push(`/proc found for ${withProc} active domains only`);
        if (!frame.includes(host.domains[0].name) && host.domains[0].state !== 5) errors.push('the frame lacks the first domain');
      }
      if (i < warm) continue;
      s.tick.push(c3 - c0);
      s.proc.push(c1 - c0 - decodeMs);
      s.decode.push(decodeMs);
      s.ingest.push(c2 - c1);
      s.view.push(c3 - c2);
      s.floor.push(f);
    }
    floor.close();
    await hc.close();
    await bare.close();
    probe.close?.();
    const ingest = summarize(s.ingest);
    return {
      n,
      active: host.domains.filter((d) => d.state !== 5).length,
      threads: host.domains.filter((d) => d.state !== 5).reduce((t, d) => t + d.threads.length, 0),
      tickMs: summarize(s.tick),
      decodeMs: summarize(s.decode),
      procMs: summarize(s.proc),
      ingestMs: ingest,
      viewMs: summarize(s.view),
      procFloorMs: summarize(s.floor),
      ingestUsPerDomain: (ingest.median * 1000) / n,
      errors: [...new Set(errors)].slice(0, 3),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export async function syntheticChild(args: SyntheticArgs): Promise<SyntheticResult> {
  const cases: SyntheticCase[] = [];
  for (const n of args.sizes) cases.push(await runCase(n, args.ticks));
  return { root: '/dev/shm', cases };
}

const TICK_TARGET_MS: Record<number, number> = { 1000: 20, 2000: 40 };

export function syntheticRows(r: SyntheticResult): Row[] {
  const rows: Row[] = [];
  for (const c of r.cases) {
    const sec = `synthetic N=${c.n}`;
    const target = TICK_TARGET_MS[c.n];
    const row = (name: string, s: Summary, note: string, ratio = '') => rows.push({ section: sec, case: name, median: fmtMs(s.median), p99: fmtMs(s.p99), n: s.n, ratio, note });
    row('whole tick (CPU)', c.tickMs, `${c.active} active, ${c.threads} threads${target ? `; ${verdict(c.tickMs.median <= target, `<= ${target} ms`)}` : ''}`);
    row('  decode (sample() without /proc)', c.decodeMs, 'records into samples, XML cached');
    row('  /proc (the rest of sample())', c.procMs, verdict(c.procMs.median <= 1.3 * c.procFloorMs.median, '<= 1.3x the pread floor'), fmtRatio(c.procMs.median / c.procFloorMs.median));
    row('  /proc pread floor', c.procFloorMs, 'same files (and each cgroup cpu.stat, /proc/net/dev), kept open up to the descriptor budget, not parsed');
    row('  Model.ingest', c.ingestMs, `${c.ingestUsPerDomain.toFixed(1)} µs/domain; ${verdict(c.ingestUsPerDomain <= 5, '<= 5 µs/domain')}`);
    row('  text frame', c.viewMs, 'all domains');
    if (c.errors.length) rows.push({ section: sec, case: 'errors seen', median: '', p99: '', n: null, ratio: '', note: c.errors.join(' | ').slice(0, 160) });
  }
  return rows;
}
