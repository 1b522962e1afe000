// Composition root for data sources: real libvirt connections and the
// local /proc, wired into one HostCollector per watched URI.

import { uptime } from 'node:os';
import type { Options } from './options.js';
import { Collector } from '../collector/collector.js';
import { HostCollector } from '../collector/host.js';
import type { ProcProbe } from '../collector/proc-probe.js';
import { isLocalUri } from '../util/uri.js';
import type { AddressLookup } from '../collector/addresses.js';
import type { LibvirtSource } from '../collector/source.js';
import { Connection } from '../libvirt/connection.js';
import { demoLeases } from '../demo/leases.js';
import { demoSource } from '../demo/source.js';
import { demoUri } from '../util/paths.js';
import { keptOpenProcFs, nodeProcFs } from '../procfs/fs.js';
import { readHostCounters } from '../procfs/host-counters.js';
import { findQemuPid } from '../procfs/qemu-pid.js';
import { readHostExtra } from '../procfs/host-extra.js';
import { ProcessReader } from '../procfs/process-reader.js';
import { readVhost, VhostScanner } from '../procfs/vhost.js';
import { readBridgeTraffic } from '../procfs/bridge.js';
import { readNeighbours } from '../procfs/neigh.js';
import { DomainCgroupCpuReader } from '../procfs/cgroup-cpu.js';
import { NetDevReader } from '../procfs/netdev.js';

/** /proc of this machine; `root` puts another tree in its place (the bench's synthetic hosts), /run/libvirt included. */
export function localProcProbe(root = ''): ProcProbe {
  const fs = nodeProcFs(root);
  // Boot time only anchors process start times for the uptime column; os.uptime()'s
  // one-second resolution is plenty for that.
  const bootTimeMs = Date.now() - uptime() * 1000;
  // Keeps each QEMU's /proc files open from tick to tick; see process-reader.ts.
  const processes = new ProcessReader(fs);
  // New QEMUs of one tick share one pass over /proc for their vhost workers.
  const vhost = new VhostScanner(fs);
  const cgroupCpu = new DomainCgroupCpuReader(fs);
  const netdev = new NetDevReader(fs);
  // The host's own small files, read every tick or every few: kept open.
  const hostFiles = keptOpenProcFs(fs);
  return {
    findQemuPid: (name) => findQemuPid(fs, name, {}),
    readProcess: (pid, opts) => processes.read(pid, { threads: opts.threads, bootTimeMs }),
    readHostCounters: () => readHostCounters(hostFiles),
    readHostExtra: () => readHostExtra(hostFiles),
    readVhost: (pid, known) => readVhost(fs, pid, known, { scanner: vhost }),
    readBridges: (names) => readBridgeTraffic(hostFiles, names),
    readDomainCpu: (pids) => cgroupCpu.read(pids),
    readNetDev: (wanted) => netdev.read(wanted),
    close: () => {
      processes.close();
      cgroupCpu.close();
      netdev.close();
      hostFiles.close();
    },
  };
}

export interface SourcesOptions {
  uris: string[];
  intervalMs: number;
  threads: boolean;
  /** look guest IP addresses up on a slow loop of its own (default true) */
  addresses?: boolean;
  /** read storage pools, volumes, networks and leases on a slow loop of its own (default true) */
  inventory?: boolean;
  /** ask libvirt for its per-vCPU group every tick even where /proc stands in (HostCollectorOptions.libvirtVcpuStats) */
  libvirtVcpuStats?: boolean;
}

/**
 * The address loop's own connection. The agent source needs a read-write
 * one; root on a local socket gets one without any prompt, everyone else a
 * read-only one (then lease and ARP only: libvirt refuses the agent there).
 */
async function addressConnection(uri: string): Promise<AddressLookup> {
  if (isLocalUri(uri) && process.getuid?.() === 0) {
    const rw = await Connection.open(uri, { readonly: false }).catch(() => null);
    if (rw) return rw;
  }
  return Connection.open(uri, { readonly: true });
}

/**
 * What the collector reads besides libvirt's stats, for what this run
 * shows: text frames (-b) and virt-top's layouts show no vCPU threads,
 * guest addresses, pools or networks, so those runs open no connections
 * for them and read no thread files. Everything else (the screen, JSON,
 * virtop's CSV, a recording, the exporter) reads all of it. Only the
 * screen alone lets the vCPU threads stand in for libvirt's vCPU group:
 * JSON and CSV print libvirt's Σ vcpu.N.time, the exporter its per-vCPU
 * counters, and a recording keeps the samples for any later use.
 */
export function readsFor(
  opts: Pick<Options, 'batch' | 'json' | 'csv' | 'record' | 'prometheus'>,
): Pick<SourcesOptions, 'threads' | 'addresses' | 'inventory' | 'libvirtVcpuStats'> {
  const noFileOrExporter = opts.csv === null && opts.record === null && opts.prometheus === null;
  const textOnly = opts.batch && !opts.json && noFileOrExporter;
  const screenOnly = !opts.batch && noFileOrExporter;
  return { threads: !textOnly, addresses: !textOnly, inventory: !textOnly, libvirtVcpuStats: !screenOnly };
}

export function createCollector(opts: SourcesOptions): Collector {
  const proc = localProcProbe();
  const procFs = nodeProcFs();
  // Lifecycle events ask the loop for an early sample so a start/stop shows at once.
  let collector: Collector | null = null;
  const hosts = opts.uris.map(
    (uri) =>
      new HostCollector(uri, {
        // Monitoring never needs write access; actions open their own connection.
        connect: async (u) => {
          const conn = (await Connection.open(u, { readonly: true })) as unknown as LibvirtSource;
          // The test driver's counters are identical for every guest; give the demo's a workload.
          return u === demoUri() ? demoSource(conn) : conn;
        },
        readonly: true,
        proc,
        threads: opts.threads,
        libvirtVcpuStats: opts.libvirtVcpuStats ?? false,
        maxBackoffMs: Math.max(500, opts.intervalMs),
        onDomainEvent: () => collector?.requestTick(),
        addresses:
          opts.addresses === false
            ? null
            : {
                connect: () => addressConnection(uri),
                // The host's own neighbour table is this machine's only when the URI is local.
                ...(isLocalUri(uri) ? { neighbours: () => readNeighbours(procFs) } : {}),
              },
        inventory:
          opts.inventory === false
            ? null
            : {
                connect: async () => {
                  const conn = await Connection.open(uri, { readonly: true });
                  // The test driver keeps no DHCP leases; the demo's guests get some.
                  return uri === demoUri() ? demoLeases(conn) : conn;
                },
              },
      }),
  );
  collector = new Collector(hosts, opts.intervalMs);
  return collector;
}
