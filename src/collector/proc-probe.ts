// What the collector needs from /proc on a host whose guests run on this
// machine: the procfs layer implements it, tests feed fakes.

import type { BridgeTraffic, HostCounters, HostExtra, ProcessSample, VhostSample } from '../types/sample.js';

/** What the collector needs from /proc for a local host. */
export interface ProcProbe {
  findQemuPid(domainName: string): Promise<number | null>;
  readProcess(pid: number, opts: { threads: boolean }): Promise<ProcessSample>;
  readHostCounters(): Promise<HostCounters>;
  /** KSM, hugepages, NUMA free memory, PSI (capacity); optional */
  readHostExtra?(): Promise<HostExtra>;
  /** vhost workers of a QEMU: a full scan when `known` is null, else re-reads those; optional */
  readVhost?(pid: number, known: { tid: number; inQemuProcess: boolean }[] | null): Promise<VhostSample[]>;
  /** the byte counters of these bridges; optional */
  readBridges?(names: readonly string[]): Promise<BridgeTraffic[]>;
  /** release files kept open between reads; reads after it still work */
  close?(): void;
}
