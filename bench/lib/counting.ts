// Wraps a libvirt connection so every call the collector makes is counted
// (libvirt round trips per tick), and so closing it from a HostCollector
// does not close the connection the benchmark still uses for its floors.

import type { LibvirtSource } from '../../src/collector/source.js';
import type { Connection } from '../../src/libvirt/connection.js';

export class CallCounter {
  readonly byMethod = new Map<string, number>();
  total = 0;
  /** JS-thread time spent inside the calls before they return their promise (the binding's synchronous part) */
  syncMs = 0;
  reset(): void {
    this.byMethod.clear();
    this.total = 0;
    this.syncMs = 0;
  }
  note(method: string): void {
    this.total++;
    this.byMethod.set(method, (this.byMethod.get(method) ?? 0) + 1);
  }
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.byMethod].sort(([a], [b]) => a.localeCompare(b)));
  }
}

const ASYNC_METHODS = [
  'getAllDomainStats',
  'listAllDomains',
  'domainXml',
  'domainInfo',
  'nodeInfo',
  'nodeCpuStats',
  'nodeMemoryStats',
  'getHostname',
  'getLibVersion',
  'blockStats',
  'interfaceStats',
  'memoryStats',
  'vcpus',
  'domainsDetail',
  'domainXmls',
  'diskErrors',
  'setKeepAlive',
] as const;

/** A LibvirtSource over `conn` that counts each async call; close() is a no-op. */
export function countingSource(conn: Connection, counter: CallCounter): LibvirtSource {
  const src: Record<string, unknown> = {};
  for (const m of ASYNC_METHODS) {
    const fn = (conn as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[m].bind(conn);
    src[m] = (...args: unknown[]) => {
      counter.note(m);
      const t0 = performance.now();
      const p = fn(...args);
      counter.syncMs += performance.now() - t0;
      return p;
    };
  }
  src.close = async () => undefined;
  src.onLifecycle = (cb: Parameters<Connection['onLifecycle']>[0]) => {
    try {
      return conn.onLifecycle(cb);
    } catch {
      return -1; // drivers without events
    }
  };
  src.onClose = (cb: Parameters<Connection['onClose']>[0]) => conn.onClose(cb);
  return src as unknown as LibvirtSource;
}
