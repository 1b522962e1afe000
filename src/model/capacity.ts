// Capacity of one host: how committed it is (vCPUs against CPUs, guest
// memory against host memory), what the kernel says about memory sharing
// and pressure, and how many more guests of a given size would fit. Pure:
// the collector reads the files, the model calls capacityOf() per tick, the
// UI calls headroom() for the selected domain.

import type { HostCounters, HostExtra, PressureSample } from '../types/sample.js';

export interface PressureView {
  /** share of the last 10 s some task was stalled on this resource, % */
  some10: number;
  /** share of the last 10 s all non-idle tasks were stalled, %; null for cpu before 5.13 */
  full10: number | null;
  some60: number;
}

export interface CapacityView {
  cpus: number | null;
  /** vCPUs of running (active) guests */
  vcpusActive: number;
  /** vCPUs of active guests / host CPUs; null when CPUs unknown */
  overcommit: number | null;
  memTotalKiB: number | null;
  memAvailableKiB: number | null;
  memFreeKiB: number | null;
  /** balloon current of active guests, summed */
  memCurrentSumKiB: number;
  /** maximum memory of active guests, summed (what they may grow to) */
  memMaxSumKiB: number;
  /** the sums as a share of host memory */
  memCurrentPercent: number | null;
  memMaxPercent: number | null;
  /** KSM: null when the kernel has none */
  ksm: { running: boolean | null; sharedKiB: number | null; savedKiB: number | null } | null;
  /** hugetlbfs pages; null when none are configured */
  hugepages: { pageSizeKiB: number; total: number; free: number | null; totalKiB: number; freeKiB: number | null } | null;
  /** free memory per NUMA node; null when unknown (remote host) */
  numa: { node: number; totalKiB: number | null; freeKiB: number | null }[] | null;
  /** PSI; null when the kernel has none (or remote) */
  pressure: { cpu: PressureView | null; memory: PressureView | null; io: PressureView | null } | null;
  /** host busy %, whole host */
  hostCpuPercent: number | null;
}

const num = (v: bigint | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

function pressureView(p: PressureSample | null): PressureView | null {
  if (!p) return null;
  return { some10: p.some.avg10, full10: p.full?.avg10 ?? null, some60: p.some.avg60 };
}

export interface CapacityDomain {
  active: boolean;
  vcpus: number | null;
  memCurrentKiB: number | null;
  memMaxKiB: number | null;
}

export function capacityOf(
  host: { cpus: number | null; memoryKiB: number | null; hostCpuPercent: number | null },
  counters: HostCounters | null,
  extra: HostExtra | null | undefined,
  domains: readonly CapacityDomain[],
): CapacityView {
  const active = domains.filter((d) => d.active);
  const vcpusActive = active.reduce((a, d) => a + (d.vcpus ?? 0), 0);
  const memCurrentSumKiB = active.reduce((a, d) => a + (d.memCurrentKiB ?? 0), 0);
  const memMaxSumKiB = active.reduce((a, d) => a + (d.memMaxKiB ?? d.memCurrentKiB ?? 0), 0);
  const total = num(counters?.memTotalKiB) ?? host.memoryKiB;
  const pct = (v: number) => (total !== null && total > 0 ? (v / total) * 100 : null);

  let ksm: CapacityView['ksm'] = null;
  if (extra?.ksm) {
    const k = extra.ksm;
    ksm = {
      running: k.run === null ? null : k.run === 1,
      sharedKiB: k.pagesShared === null ? null : Number(k.pagesShared) * k.pageSizeKiB,
      savedKiB: k.pagesSharing === null ? null : Number(k.pagesSharing) * k.pageSizeKiB,
    };
  }
  let hugepages: CapacityView['hugepages'] = null;
  const h = extra?.hugepages;
  if (h && h.totalPages > 0n) {
    const size = Number(h.pageSizeKiB);
    const free = num(h.freePages);
    hugepages = { pageSizeKiB: size, total: Number(h.totalPages), free, totalKiB: Number(h.totalPages) * size, freeKiB: free === null ? null : free * size };
  }
  return {
    cpus: host.cpus,
    vcpusActive,
    overcommit: host.cpus ? vcpusActive / host.cpus : null,
    memTotalKiB: total,
    memAvailableKiB: num(counters?.memAvailableKiB),
    memFreeKiB: num(counters?.memFreeKiB),
    memCurrentSumKiB,
    memMaxSumKiB,
    memCurrentPercent: pct(memCurrentSumKiB),
    memMaxPercent: pct(memMaxSumKiB),
    ksm,
    hugepages,
    numa: extra && extra.numa.length ? extra.numa.map((n) => ({ node: n.node, totalKiB: num(n.totalKiB), freeKiB: num(n.freeKiB) })) : null,
    pressure: extra?.pressure
      ? { cpu: pressureView(extra.pressure.cpu), memory: pressureView(extra.pressure.memory), io: pressureView(extra.pressure.io) }
      : null,
    hostCpuPercent: host.hostCpuPercent,
  };
}

export interface Headroom {
  /** more guests of this size by vCPU count, keeping vCPU:pCPU at or under `maxOvercommit` */
  byVcpus: number | null;
  /** more guests using as much CPU as this one does now, in the host's idle CPU */
  byCpuUse: number | null;
  /** more guests of this one's current memory in the host's available memory */
  byMemory: number | null;
  /** the tighter of byCpuUse (or byVcpus when use is unknown) and byMemory */
  fits: number | null;
}

/** A cap so an idle guest does not claim that "a million more" fit. */
export const HEADROOM_CAP = 999;

/**
 * How many more guests the size of `d` fit on the host. By CPU two ways:
 * allocation (vCPUs, up to `maxOvercommit` vCPUs per CPU, default 1) and
 * measured use (its current CPU use against the host's idle CPU). By memory:
 * its current (balloon) size against MemAvailable.
 */
export function headroom(
  cap: CapacityView,
  d: { vcpus: number | null; memCurrentKiB: number | null; cpuCorePercent: number | null },
  maxOvercommit = 1,
): Headroom {
  const clampN = (n: number) => Math.max(0, Math.min(HEADROOM_CAP, Math.floor(n)));
  const byVcpus = cap.cpus && d.vcpus ? clampN((cap.cpus * maxOvercommit - cap.vcpusActive) / d.vcpus) : null;
  let byCpuUse: number | null = null;
  if (cap.cpus && cap.hostCpuPercent !== null && d.cpuCorePercent !== null) {
    const idleCores = cap.cpus * (1 - Math.min(100, cap.hostCpuPercent) / 100);
    const useCores = d.cpuCorePercent / 100;
    byCpuUse = useCores <= 0.005 ? HEADROOM_CAP : clampN(idleCores / useCores);
  }
  const byMemory =
    cap.memAvailableKiB !== null && d.memCurrentKiB !== null && d.memCurrentKiB > 0 ? clampN(cap.memAvailableKiB / d.memCurrentKiB) : null;
  const cpu = byCpuUse ?? byVcpus;
  const fits = cpu === null ? byMemory : byMemory === null ? cpu : Math.min(cpu, byMemory);
  return { byVcpus, byCpuUse, byMemory, fits };
}
