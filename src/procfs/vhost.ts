// vhost workers of one QEMU, cheaply, tick after tick: vhostThreads() scans
// every /proc/PID/comm on the host to find them, which is too much for every
// tick, so callers scan once (and again now and then) and re-read only the
// workers found, here.

import type { VhostSample } from '../types/sample.js';
import { DEFAULT_CLK_TCK, parseStat } from './parse.js';
import { vhostThreads, type ProcFs } from './reader.js';

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
