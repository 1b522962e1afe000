// The host's own readings, apart from its domains: what it is (once per
// connection), its CPU and memory counters every tick, and its capacity
// files (KSM, hugepages, NUMA, PSI) on a slower cadence of their own.

import { ErrorCode } from '../libvirt/errors.js';
import type { NativeConnection } from '../libvirt/types.js';
import type { BridgeReading, HostCounters, HostExtra, HostInfo } from '../types/sample.js';
import type { Clock } from '../util/clock.js';
import { isLocalUri } from '../util/uri.js';
import { hostCountersFromNode } from './node-counters.js';
import type { ProcProbe } from './proc-probe.js';
import { timedCall } from './timed.js';
import { errorCode, type LibvirtSource } from './source.js';

export class HostReadings {
  private last: { value: HostExtra | null; atMs: number } | null = null;
  /** the driver cannot tell free memory per NUMA cell */
  private noCells = false;

  constructor(
    private readonly uri: string,
    private readonly proc: ProcProbe | null,
    private readonly clock: Clock,
    /** capacity files at most this often; default 2 s local, 10 s through libvirt */
    private readonly extraEveryMs?: number,
  ) {}

  /** What the host is (model, CPUs, memory, versions): read once per connection. */
  async info(c: LibvirtSource): Promise<HostInfo> {
    const [node, hostname, ver] = await Promise.all([
      c.nodeInfo(),
      c.getHostname().catch(() => null),
      c.getLibVersion().catch(() => null),
    ]);
    return {
      uri: this.uri,
      hostname: hostname ?? this.uri,
      model: node.model,
      cpus: node.cpus,
      maxCpus: node.nodes * node.sockets * node.cores * node.threads,
      mhz: node.mhz,
      memoryKiB: node.memoryKiB,
      libvirtVersion:
        ver === null ? null : `${Math.floor(ver / 1_000_000)}.${Math.floor(ver / 1000) % 1000}.${ver % 1000}`,
    };
  }

  /** Traffic through these bridges, for a local host whose /proc is read; undefined otherwise. */
  async bridges(names: readonly string[]): Promise<BridgeReading | undefined> {
    const read = this.proc?.readBridges;
    if (!read || !isLocalUri(this.uri) || names.length === 0) return undefined;
    const t = await timedCall(this.clock, () => read.call(this.proc, names));
    return { monoNs: t.monoNs, spanNs: t.spanNs, bridges: t.value };
  }

  /** CPU and memory counters: /proc for a local host, else libvirt's node stats. */
  async counters(c: LibvirtSource): Promise<HostCounters | null> {
    if (this.proc && isLocalUri(this.uri)) {
      try {
        return await this.proc.readHostCounters();
      } catch {
        // fall through to libvirt's view of the node
      }
    }
    const [cpu, mem] = await Promise.all([
      c.nodeCpuStats().catch(() => null),
      c.nodeMemoryStats().catch(() => null),
    ]);
    return hostCountersFromNode(cpu, mem);
  }

  /**
   * Host capacity readings, at most every extraEveryMs: the /proc and /sys
   * files for local hosts; for others only what libvirt tells (free memory
   * per NUMA cell, every 10 s unless set otherwise, dropped for good when
   * the driver cannot). Undefined when nothing is read at all.
   */
  async extra(c: LibvirtSource): Promise<HostExtra | null | undefined> {
    const proc = this.proc;
    const local = proc?.readHostExtra !== undefined && isLocalUri(this.uri);
    const cells = (c as Partial<Pick<NativeConnection, 'nodeCellsFreeMemory'>>).nodeCellsFreeMemory;
    if (!local && (cells === undefined || this.noCells)) return undefined;
    const now = this.clock.wallMs();
    const every = this.extraEveryMs ?? (local ? 2000 : 10_000);
    if (this.last && now - this.last.atMs < every) return this.last.value;
    let value: HostExtra | null;
    if (local) value = await (proc as ProcProbe).readHostExtra!().catch(() => null);
    else {
      value = await cells!
        .call(c)
        .then((list): HostExtra => ({
          ksm: null,
          hugepages: null,
          numa: list.map((x) => ({ node: x.cell, totalKiB: null, freeKiB: x.freeBytes / 1024n, hugepagesTotal: null, hugepagesFree: null })),
          pressure: null,
          error: null,
        }))
        .catch((e: unknown) => {
          const code = errorCode(e);
          if (code === ErrorCode.NoSupport || code === ErrorCode.OperationUnsupported) this.noCells = true;
          return null;
        });
    }
    this.last = { value, atMs: now };
    return value;
  }
}
