import { describe, expect, it } from 'vitest';
import { hostCountersFromNode } from '../../../src/collector/node-counters.js';

describe('hostCountersFromNode', () => {
  it.each([
    [
      'all known',
      { kernelNs: 2n, userNs: 3n, idleNs: 10n, iowaitNs: 1n },
      { totalKiB: 1000n, freeKiB: 100n, buffersKiB: 20n, cachedKiB: 300n },
      { cpuTotalNs: 16n, cpuBusyNs: 5n, perCpu: [], memTotalKiB: 1000n, memAvailableKiB: 420n, memFreeKiB: 100n },
    ],
    [
      'iowait unknown: no CPU figures; caches unknown: free alone',
      { kernelNs: 2n, userNs: 3n, idleNs: 10n, iowaitNs: null },
      { totalKiB: 1000n, freeKiB: 100n, buffersKiB: null, cachedKiB: null },
      { cpuTotalNs: null, cpuBusyNs: null, perCpu: [], memTotalKiB: 1000n, memAvailableKiB: 100n, memFreeKiB: 100n },
    ],
    ['no memory stats', { kernelNs: 1n, userNs: 1n, idleNs: 1n, iowaitNs: 1n }, null, { cpuTotalNs: 4n, cpuBusyNs: 2n, perCpu: [], memTotalKiB: null, memAvailableKiB: null, memFreeKiB: null }],
  ])('%s', (_what, cpu, mem, want) => {
    expect(hostCountersFromNode(cpu, mem)).toEqual(want);
  });

  it('nothing from libvirt is null', () => {
    expect(hostCountersFromNode(null, null)).toBeNull();
  });
});
