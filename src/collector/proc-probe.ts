// What the collector needs from /proc on a host whose guests run on this
// machine: the procfs layer implements it, tests feed fakes.

import type { CgroupCpu } from '../procfs/cgroup-cpu.js';
import type { NetDev } from '../procfs/netdev.js';
import type { ParseResult } from '../procfs/parse.js';
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
  /**
   * Each QEMU's domain CPU time from its cgroup (what libvirt's cpu.time
   * reads), by pid; files of pids not asked for are released. Optional.
   */
  readDomainCpu?(pids: readonly number[]): Promise<Map<number, ParseResult<CgroupCpu>>>;
  /** every interface's name, and the counters (host side) of those wanted: /proc/net/dev, what libvirt's interface stats read; optional */
  readNetDev?(wanted: ReadonlySet<string>): Promise<ParseResult<NetDev>>;
  /** release files kept open between reads; reads after it still work */
  close?(): void;
}
