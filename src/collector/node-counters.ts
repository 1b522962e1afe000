// The host's CPU and memory counters from libvirt's node stats, for hosts
// whose /proc we cannot read (remote ones): the same HostCounters shape the
// local /proc reader gives.

import type { NodeCpuStats, NodeMemoryStats } from '../libvirt/types.js';
import type { HostCounters } from '../types/sample.js';

/** Null when libvirt gave neither; busy is kernel + user, total adds idle and iowait (all four must be known). */
export function hostCountersFromNode(cpu: NodeCpuStats | null, mem: NodeMemoryStats | null): HostCounters | null {
  if (!cpu && !mem) return null;
  const parts = cpu ? [cpu.kernelNs, cpu.userNs, cpu.idleNs, cpu.iowaitNs] : [];
  const known = parts.length > 0 && parts.every((x) => x !== null);
  const total = known ? (parts as bigint[]).reduce((a, b) => a + b, 0n) : null;
  return {
    cpuTotalNs: total,
    cpuBusyNs: known && cpu ? (cpu.kernelNs as bigint) + (cpu.userNs as bigint) : null,
    perCpu: [],
    memTotalKiB: mem?.totalKiB ?? null,
    // What the kernel would call available, near enough: free plus the caches it can drop.
    memAvailableKiB: mem && mem.freeKiB !== null ? mem.freeKiB + (mem.buffersKiB ?? 0n) + (mem.cachedKiB ?? 0n) : null,
    memFreeKiB: mem?.freeKiB ?? null,
  };
}
