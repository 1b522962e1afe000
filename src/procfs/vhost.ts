// vhost workers of a QEMU: vhostThreads() finds them by scanning every
// /proc/PID/comm on the host, which is too much for every tick, so callers
// scan once (and again now and then) and readVhost() re-reads only the
// workers found.

import type { VhostSample } from '../types/sample.js';
import { DEFAULT_CLK_TCK, parseStat } from './parse.js';
import { mapLimit } from '../util/pool.js';
import { DEFAULT_CONCURRENCY, numericEntries, type ProcFs } from './fs.js';

export interface KnownVhost {
  tid: number;
  inQemuProcess: boolean;
}

export interface ReadVhostOptions {
  /** USER_HZ; defaults to 100 */
  clkTck?: number;
  /** finds them when `known` is null; share one among QEMUs so they share its pass over /proc */
  scanner?: VhostScanner;
}

/**
 * Current CPU time of the vhost workers of `qemuPid`. With `known` null, finds
 * them by a full scan; otherwise re-reads only those, dropping any that exited
 * or were reused by something else. Never rejects.
 */
export async function readVhost(fs: ProcFs, qemuPid: number, known: readonly KnownVhost[] | null, opts: ReadVhostOptions = {}): Promise<VhostSample[]> {
  const clkTck = opts.clkTck ?? DEFAULT_CLK_TCK;
  const scanner = opts.scanner ?? new VhostScanner(fs, { clkTck });
  if (known === null) {
    const found = await scanner.scan(qemuPid);
    return found.map((t) => ({ tid: t.tid, cpuTimeNs: t.cpuTimeNs, inQemuProcess: t.inQemuProcess }));
  }
  const want = `vhost-${qemuPid}`;
  const read = await Promise.all(
    known.map(async (k): Promise<VhostSample | null> => {
      const path = k.inQemuProcess ? `/proc/${qemuPid}/task/${k.tid}/stat` : `/proc/${k.tid}/stat`;
      const r = await fs.readFile(path);
      if (!r.ok) return null;
      const st = parseStat(r.value, clkTck);
      // A reused pid is some other task: its comm tells.
      if (!st.ok || !st.value.comm.startsWith('vhost-')) return null;
      if (!k.inQemuProcess && st.value.comm !== want) return null;
      return { tid: k.tid, cpuTimeNs: st.value.cpuTimeNs, inQemuProcess: k.inQemuProcess };
    }),
  );
  return read.filter((v): v is VhostSample => v !== null);
}

export interface VhostThread {
  /** pid of the kernel thread, or tid within the QEMU process */
  tid: number;
  comm: string;
  cpuTimeNs: bigint;
  lastCpu: number | null;
  /**
   * true for vhost_task workers (Linux >= 6.4), which are threads of the
   * QEMU process: their time is already in its cpuTimeNs and thread list,
   * so overhead accounting must not add it again. false for the separate
   * kernel threads of older kernels.
   */
  inQemuProcess: boolean;
}

export interface VhostThreadsOptions {
  clkTck?: number;
  concurrency?: number;
}

/**
 * vhost worker threads serving QEMU `qemuPid`: kernel threads named
 * "vhost-<pid>" among all processes, and the QEMU's own tasks so named
 * (vhost_task). Scans every /proc/PID/comm: for many QEMUs use one
 * VhostScanner, which shares the pass; cache the tids and re-read only
 * those (readVhost) on later ticks. Unreadable entries are skipped.
 */
export function vhostThreads(fs: ProcFs, qemuPid: number, opts: VhostThreadsOptions = {}): Promise<VhostThread[]> {
  return new VhostScanner(fs, opts).scan(qemuPid);
}

/**
 * Finds vhost workers for many QEMUs with one pass over /proc: the kernel
 * threads named "vhost-<owner>" of the whole host are indexed once (and
 * again when the index is older than `maxAgeMs`), shared by every QEMU
 * asking meanwhile, so N new QEMUs cost one scan of /proc instead of N; a
 * QEMU's in-process workers (vhost_task) are found in its own task list.
 */
export class VhostScanner {
  private index: { atMs: number; owners: Map<number, number[]> } | null = null;
  private pending: Promise<Map<number, number[]>> | null = null;

  constructor(
    private readonly fs: ProcFs,
    private readonly opts: { maxAgeMs?: number; nowMs?: () => number; clkTck?: number; concurrency?: number } = {},
  ) {}

  /** The vhost workers of QEMU `qemuPid` now. Never rejects. */
  async scan(qemuPid: number): Promise<VhostThread[]> {
    const clkTck = this.opts.clkTck ?? DEFAULT_CLK_TCK;
    const concurrency = this.opts.concurrency ?? DEFAULT_CONCURRENCY;
    const [owners, tasks] = await Promise.all([this.owners(), this.fs.readdir(`/proc/${qemuPid}/task`)]);
    const jobs: { dir: string; id: number; inQemuProcess: boolean }[] = (owners.get(qemuPid) ?? []).map((pid) => ({ dir: `/proc/${pid}`, id: pid, inQemuProcess: false }));
    if (tasks.ok) {
      for (const tid of numericEntries(tasks.value)) if (tid !== qemuPid) jobs.push({ dir: `/proc/${qemuPid}/task/${tid}`, id: tid, inQemuProcess: true });
    }
    const want = `vhost-${qemuPid}`;
    const found = await mapLimit(jobs, concurrency, async (job): Promise<VhostThread | null> => {
      // An in-process task's comm is read here; a kernel thread's was read by the index.
      if (job.inQemuProcess) {
        const comm = await this.fs.readFile(`${job.dir}/comm`);
        if (!comm.ok || comm.value.replace(/\n$/, '') !== want) return null;
      }
      const statRead = await this.fs.readFile(`${job.dir}/stat`);
      const stat = statRead.ok ? parseStat(statRead.value, clkTck) : null;
      // the kernel thread may have gone, or its pid been reused, since the index was made
      if (stat === null || !stat.ok || stat.value.comm !== want) return null;
      return { tid: job.id, comm: stat.value.comm, cpuTimeNs: stat.value.cpuTimeNs, lastCpu: stat.value.lastCpu, inQemuProcess: job.inQemuProcess };
    });
    return found.filter((v): v is VhostThread => v !== null).sort((a, b) => a.tid - b.tid);
  }

  /** Owner pid → the pids of its vhost kernel threads, from an index at most maxAgeMs old. */
  private owners(): Promise<Map<number, number[]>> {
    const now = (this.opts.nowMs ?? Date.now)();
    if (this.index && now - this.index.atMs <= (this.opts.maxAgeMs ?? 1000)) return Promise.resolve(this.index.owners);
    this.pending ??= this.build(now).finally(() => (this.pending = null));
    return this.pending;
  }

  private async build(now: number): Promise<Map<number, number[]>> {
    const owners = new Map<number, number[]>();
    const procs = await this.fs.readdir('/proc');
    if (procs.ok) {
      await mapLimit(numericEntries(procs.value), this.opts.concurrency ?? DEFAULT_CONCURRENCY, async (pid) => {
        const comm = await this.fs.readFile(`/proc/${pid}/comm`);
        const m = comm.ok ? /^vhost-(\d+)\n?$/.exec(comm.value) : null;
        if (!m) return;
        const owner = Number(m[1]);
        owners.set(owner, [...(owners.get(owner) ?? []), pid]);
      });
      for (const pids of owners.values()) pids.sort((a, b) => a - b);
    }
    this.index = { atMs: now, owners };
    return owners;
  }
}
