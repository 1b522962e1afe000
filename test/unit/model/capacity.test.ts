import { describe, expect, it } from 'vitest';
import { capacityOf, headroom, HEADROOM_CAP, type CapacityView } from '../../../src/model/capacity.js';
import type { HostCounters, HostExtra } from '../../../src/types/sample.js';

const GiB = 1024 * 1024;
const counters: HostCounters = {
  cpuTotalNs: null,
  cpuBusyNs: null,
  perCpu: [],
  memTotalKiB: BigInt(16 * GiB),
  memAvailableKiB: BigInt(10 * GiB),
  memFreeKiB: BigInt(6 * GiB),
};
const psi = (avg10: number, full: number | null) => ({
  some: { avg10, avg60: avg10 / 2, avg300: 0, totalUs: 1n },
  full: full === null ? null : { avg10: full, avg60: 0, avg300: 0, totalUs: 1n },
});
const extra: HostExtra = {
  ksm: { run: 1, pagesShared: 256n, pagesSharing: 1024n, pagesUnshared: null, pagesVolatile: null, pageSizeKiB: 4 },
  hugepages: { totalPages: 512n, freePages: 128n, reservedPages: 0n, surplusPages: 0n, pageSizeKiB: 2048n, anonHugeKiB: null },
  numa: [{ node: 0, totalKiB: BigInt(16 * GiB), freeKiB: BigInt(6 * GiB), hugepagesTotal: null, hugepagesFree: null }],
  pressure: { cpu: psi(12.5, null), memory: psi(0.5, 0.1), io: null },
  error: null,
};
const doms = [
  { active: true, vcpus: 4, memCurrentKiB: 4 * GiB, memMaxKiB: 8 * GiB },
  { active: true, vcpus: 2, memCurrentKiB: 2 * GiB, memMaxKiB: null },
  { active: false, vcpus: 8, memCurrentKiB: null, memMaxKiB: 32 * GiB },
];

describe('capacityOf', () => {
  it('sums active guests against the host and turns the kernel readings into KiB', () => {
    const c = capacityOf({ cpus: 4, memoryKiB: 15 * GiB, hostCpuPercent: 50 }, counters, extra, doms);
    expect(c).toMatchObject({
      cpus: 4,
      vcpusActive: 6,
      overcommit: 1.5,
      memTotalKiB: 16 * GiB, // MemTotal over virNodeGetInfo's figure
      memAvailableKiB: 10 * GiB,
      memFreeKiB: 6 * GiB,
      memCurrentSumKiB: 6 * GiB,
      memMaxSumKiB: 10 * GiB, // a guest without a known maximum counts its current size
      memCurrentPercent: 37.5,
      memMaxPercent: 62.5,
      ksm: { running: true, sharedKiB: 1024, savedKiB: 4096 },
      hugepages: { pageSizeKiB: 2048, total: 512, free: 128, totalKiB: 1024 * 1024, freeKiB: 256 * 1024 },
      numa: [{ node: 0, totalKiB: 16 * GiB, freeKiB: 6 * GiB }],
      pressure: { cpu: { some10: 12.5, full10: null, some60: 6.25 }, memory: { some10: 0.5, full10: 0.1, some60: 0.25 }, io: null },
    });
  });
  it('a remote host (no /proc extras) has n/a parts, not zeros', () => {
    const c = capacityOf({ cpus: null, memoryKiB: 8 * GiB, hostCpuPercent: null }, null, undefined, []);
    expect(c).toMatchObject({ cpus: null, overcommit: null, memTotalKiB: 8 * GiB, memAvailableKiB: null, ksm: null, hugepages: null, numa: null, pressure: null });
  });
  it('an empty hugepage pool is "none", not a pool of 0', () => {
    const c = capacityOf({ cpus: 1, memoryKiB: null, hostCpuPercent: null }, counters, { ...extra, hugepages: { ...(extra.hugepages as NonNullable<HostExtra['hugepages']>), totalPages: 0n } }, []);
    expect(c.hugepages).toBeNull();
  });
});

describe('headroom', () => {
  const cap = (over: Partial<CapacityView> = {}): CapacityView => ({
    ...capacityOf({ cpus: 8, memoryKiB: null, hostCpuPercent: 25 }, counters, null, [{ active: true, vcpus: 4, memCurrentKiB: 2 * GiB, memMaxKiB: 2 * GiB }]),
    ...over,
  });
  it.each<[string, CapacityView, { vcpus: number | null; memCurrentKiB: number | null; cpuCorePercent: number | null }, ReturnType<typeof headroom>]>([
    // idle: 8 × 75 % = 6 cores; it uses 1.5 cores → 4; vCPUs: (8 − 4) / 2 = 2; memory: 10 GiB / 2 GiB = 5
    ['CPU use is the tighter', cap(), { vcpus: 2, memCurrentKiB: 2 * GiB, cpuCorePercent: 150 }, { byVcpus: 2, byCpuUse: 4, byMemory: 5, fits: 4 }],
    ['memory is the tighter', cap(), { vcpus: 1, memCurrentKiB: 4 * GiB, cpuCorePercent: 10 }, { byVcpus: 4, byCpuUse: 60, byMemory: 2, fits: 2 }],
    ['an idle guest: CPU use is no limit (capped)', cap(), { vcpus: 1, memCurrentKiB: 1 * GiB, cpuCorePercent: 0 }, { byVcpus: 4, byCpuUse: HEADROOM_CAP, byMemory: 10, fits: 10 }],
    ['CPU use unknown: vCPU count decides', cap(), { vcpus: 2, memCurrentKiB: 1 * GiB, cpuCorePercent: null }, { byVcpus: 2, byCpuUse: null, byMemory: 10, fits: 2 }],
    ['overcommitted already: 0, never negative', cap({ vcpusActive: 20 }), { vcpus: 2, memCurrentKiB: 20 * GiB, cpuCorePercent: null }, { byVcpus: 0, byCpuUse: null, byMemory: 0, fits: 0 }],
    ['nothing known', cap({ cpus: null, memAvailableKiB: null }), { vcpus: null, memCurrentKiB: null, cpuCorePercent: null }, { byVcpus: null, byCpuUse: null, byMemory: null, fits: null }],
  ])('%s', (_name, c, d, want) => {
    expect(headroom(c, d)).toEqual(want);
  });
  it('allows a chosen overcommit ratio by vCPUs', () => {
    expect(headroom(cap(), { vcpus: 2, memCurrentKiB: 1, cpuCorePercent: null }, 4).byVcpus).toBe(14);
  });
});
