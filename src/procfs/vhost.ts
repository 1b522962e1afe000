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

/**
 * Current CPU time of the vhost workers of `qemuPid`. With `known` null, finds
 * them by a full scan; otherwise re-reads only those, dropping any that exited
 * or were reused by something else. Never rejects.
 */
export async function readVhost(
  fs: ProcFs,
  qemuPid: number,
  known: readonly KnownVhost[] | null,
  clkTck: number = DEFAULT_CLK_TCK,
): Promise<VhostSample[]> {
  if (known === null) {
    const found = await vhostThreads(fs, qemuPid, { clkTck });
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
  /**
   * Other QEMU tids that may own vhost devices. Older kernels name the
   * worker after the tid that called VHOST_SET_OWNER, which is usually but
   * not necessarily the main thread.
   */
  ownerTids?: readonly number[];
  concurrency?: number;
}

/**
 * vhost worker threads serving QEMU `qemuPid`, found by comm "vhost-<pid>"
 * among all processes (kernel threads) and among QEMU's own tasks
 * (vhost_task). Scans every /proc/PID/comm, so cache the tids and re-read
 * only those on later ticks. Unreadable entries are skipped.
 */
export async function vhostThreads(
  fs: ProcFs,
  qemuPid: number,
  opts: VhostThreadsOptions = {},
): Promise<VhostThread[]> {
  const clkTck = opts.clkTck ?? DEFAULT_CLK_TCK;
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const names = new Set([qemuPid, ...(opts.ownerTids ?? [])].map((id) => `vhost-${id}`));

  const probe = async (dir: string, id: number, inQemuProcess: boolean): Promise<VhostThread | null> => {
    const comm = await fs.readFile(`${dir}/comm`);
    if (!comm.ok || !names.has(comm.value.replace(/\n$/, ''))) return null;
    const statRead = await fs.readFile(`${dir}/stat`);
    const stat = statRead.ok ? parseStat(statRead.value, clkTck) : null;
    if (stat === null || !stat.ok) return null;
    return { tid: id, comm: stat.value.comm, cpuTimeNs: stat.value.cpuTimeNs, lastCpu: stat.value.lastCpu, inQemuProcess };
  };

  const [procs, tasks] = await Promise.all([fs.readdir('/proc'), fs.readdir(`/proc/${qemuPid}/task`)]);
  const jobs: { dir: string; id: number; inQemuProcess: boolean }[] = [];
  if (procs.ok) {
    for (const pid of numericEntries(procs.value)) {
      if (pid !== qemuPid) jobs.push({ dir: `/proc/${pid}`, id: pid, inQemuProcess: false });
    }
  }
  if (tasks.ok) {
    for (const tid of numericEntries(tasks.value)) {
      if (tid !== qemuPid) jobs.push({ dir: `/proc/${qemuPid}/task/${tid}`, id: tid, inQemuProcess: true });
    }
  }
  const found = await mapLimit(jobs, concurrency, (job) => probe(job.dir, job.id, job.inQemuProcess));
  return found.filter((v): v is VhostThread => v !== null).sort((a, b) => a.tid - b.tid);
}
