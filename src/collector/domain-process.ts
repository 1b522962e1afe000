// The QEMU process of each local domain, tick by tick: its pid, looked up
// once per hypervisor id; its /proc sample (threads when asked); its vhost
// workers, found by a full scan for a new process and every vhostRescanMs,
// else only the known ones re-read. What it keeps lives in the caller's
// per-domain record, so it goes when the domain goes.

import type { DomainSample, Draft, ProcessSample, VhostSample } from '../types/sample.js';
import type { Clock } from '../util/clock.js';
import type { ProcProbe } from './proc-probe.js';
import { timedCall } from './timed.js';

/** What is kept per domain between ticks for its process. */
export interface ProcessCache {
  /** its QEMU process, found for this hypervisor id */
  pid?: { id: number; pid: number };
  /** its vhost workers, and when they were last found by a full scan */
  vhost?: { pid: number; known: VhostSample[]; scannedMs: number };
}

export class DomainProcessReader {
  constructor(
    private readonly proc: ProcProbe,
    private readonly clock: Clock,
    /** read per-thread files (vCPU threads, vhost workers): only when something shows them */
    private readonly threads: () => boolean,
    private readonly vhostRescanMs = 60_000,
  ) {}

  /** The domain's QEMU process now; null (with the reason in ds.errors) when none is found. */
  async read(ds: Draft<DomainSample>, cache: ProcessCache): Promise<ProcessSample | null> {
    const proc = this.proc;
    let cached = cache.pid;
    if (!cached || cached.id !== ds.id) {
      const pid = await proc.findQemuPid(ds.name).catch(() => null);
      if (pid === null) {
        ds.errors.push(`no QEMU process found for ${ds.name}`);
        return null;
      }
      cached = { id: ds.id ?? -1, pid };
      cache.pid = cached;
    }
    const threads = this.threads();
    const read = await timedCall(this.clock, () => proc.readProcess(cached.pid, { threads }));
    // A reader that stamped its own scan knows better than the await around it.
    const sample: Draft<ProcessSample> = { ...read.value, threads: [...read.value.threads], monoNs: read.value.monoNs ?? read.monoNs, spanNs: read.value.spanNs ?? read.spanNs };
    if (sample.error) ds.errors.push(sample.error);
    if (sample.rssKiB === null && sample.threads.length === 0) {
      // The process went away (guest restarted under the same id?): look it up again next tick.
      cache.pid = cache.vhost = undefined;
    } else if (proc.readVhost && threads) {
      sample.vhost = await this.readVhost(cache, cached.pid);
    }
    return sample;
  }

  /** vhost workers: a full scan for a new QEMU and every vhostRescanMs, else only the known ones re-read. */
  private async readVhost(cache: ProcessCache, pid: number): Promise<VhostSample[]> {
    const proc = this.proc;
    if (!proc.readVhost) return [];
    const now = this.clock.wallMs();
    const c = cache.vhost;
    const rescan = !c || c.pid !== pid || now - c.scannedMs >= this.vhostRescanMs;
    const found = await proc.readVhost(pid, rescan ? null : c.known).catch(() => [] as VhostSample[]);
    cache.vhost = { pid, known: found, scannedMs: rescan ? now : (c as { scannedMs: number }).scannedMs };
    return found;
  }
}
