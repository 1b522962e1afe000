// The host's own CPU and memory counters from /proc/stat and /proc/meminfo.

import type { HostCounters } from '../types/sample.js';
import { interpret, type ProcFs } from './fs.js';
import { DEFAULT_CLK_TCK, parseMeminfo, parseProcStat } from './parse.js';

/** HostCounters plus why parts of it are null. */
export interface HostCountersReading extends HostCounters {
  error: string | null;
}

export async function readHostCounters(fs: ProcFs, clkTck: number = DEFAULT_CLK_TCK): Promise<HostCountersReading> {
  const [statRead, meminfoRead] = await Promise.all([fs.readFile('/proc/stat'), fs.readFile('/proc/meminfo')]);
  const errors: string[] = [];
  const stat = interpret('/proc/stat', statRead, (t) => parseProcStat(t, clkTck), errors);
  const mem = interpret('/proc/meminfo', meminfoRead, parseMeminfo, errors);
  return {
    cpuTotalNs: stat?.total.totalNs ?? null,
    cpuBusyNs: stat?.total.busyNs ?? null,
    perCpu: stat?.perCpu.map(({ cpu, totalNs, busyNs }) => ({ cpu, totalNs, busyNs })) ?? [],
    memTotalKiB: mem?.memTotalKiB ?? null,
    memAvailableKiB: mem?.memAvailableKiB ?? null,
    memFreeKiB: mem?.memFreeKiB ?? null,
    error: errors.length > 0 ? errors.join('; ') : null,
  };
}
