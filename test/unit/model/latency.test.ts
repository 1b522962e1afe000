import { describe, expect, it } from 'vitest';
import { diskLatency, perRequestMs, worstLatencyMs } from '../../../src/model/latency.js';
import type { DiskSample } from '../../../src/types/sample.js';

describe('perRequestMs', () => {
  it.each<[string, [bigint | null, bigint | null, bigint | null, bigint | null], number | null]>([
    ['10 requests in 25 ms', [100n, 110n, 1_000_000_000n, 1_025_000_000n], 2.5],
    ['one request of 0.3 ms', [7n, 8n, 0n, 300_000n], 0.3],
    ['requests that took no measurable time', [5n, 9n, 40n, 40n], 0],
    ['no request in the interval: no latency, not 0', [100n, 100n, 5n, 5n], null],
    ['count went backwards (replugged)', [100n, 3n, 5_000n, 9_000n], null],
    ['time went backwards', [100n, 110n, 5_000n, 4_000n], null],
    ['no times from the driver', [100n, 110n, null, null], null],
    ['no previous count', [null, 110n, 1n, 2n], null],
  ])('%s', (_what, [pr, r, pt, t], expected) => {
    expect(perRequestMs(pr, r, pt, t)).toBe(expected);
  });
});

const disk = (over: Partial<DiskSample>): DiskSample => ({
  name: 'vda',
  path: '/var/lib/libvirt/images/a.qcow2',
  rdReqs: 0n,
  rdBytes: 0n,
  wrReqs: 0n,
  wrBytes: 0n,
  errors: 0n,
  capacityBytes: null,
  allocationBytes: null,
  rdTimesNs: 0n,
  wrTimesNs: 0n,
  flReqs: 0n,
  flTimesNs: 0n,
  ...over,
});

describe('diskLatency', () => {
  it('reads, writes and flushes apart, and reads with writes together', () => {
    const prev = disk({ rdReqs: 1000n, rdTimesNs: 2_000_000_000n, wrReqs: 500n, wrTimesNs: 1_000_000_000n, flReqs: 10n, flTimesNs: 50_000_000n });
    // +30 reads in 60 ms, +10 writes in 100 ms, +2 flushes in 30 ms
    const cur = disk({ rdReqs: 1030n, rdTimesNs: 2_060_000_000n, wrReqs: 510n, wrTimesNs: 1_100_000_000n, flReqs: 12n, flTimesNs: 80_000_000n });
    expect(diskLatency(prev, cur)).toEqual({ rdLatencyMs: 2, wrLatencyMs: 10, flLatencyMs: 15, latencyMs: 4 });
  });

  it('only writes in the interval: the read latency is unknown, the disk latency is the writes’', () => {
    const prev = disk({ rdReqs: 1000n, rdTimesNs: 2_000_000_000n, wrReqs: 500n, wrTimesNs: 1_000_000_000n });
    const cur = disk({ rdReqs: 1000n, rdTimesNs: 2_000_000_000n, wrReqs: 504n, wrTimesNs: 1_002_000_000n });
    expect(diskLatency(prev, cur)).toEqual({ rdLatencyMs: null, wrLatencyMs: 0.5, flLatencyMs: null, latencyMs: 0.5 });
  });

  it('a disk seen for the first time, or from a recording without times, has none', () => {
    expect(diskLatency(undefined, disk({}))).toEqual({ rdLatencyMs: null, wrLatencyMs: null, flLatencyMs: null, latencyMs: null });
    const old = { ...disk({ rdReqs: 1n, wrReqs: 1n }), rdTimesNs: undefined, wrTimesNs: undefined, flReqs: undefined, flTimesNs: undefined };
    expect(diskLatency(old, { ...old, rdReqs: 5n, wrReqs: 9n })).toEqual({ rdLatencyMs: null, wrLatencyMs: null, flLatencyMs: null, latencyMs: null });
  });
});

describe('worstLatencyMs', () => {
  it.each<[(number | null)[], number | null]>([
    [[1.5, 12.25, 3], 12.25],
    [[null, 0.4], 0.4],
    [[null, null], null],
    [[], null],
  ])('%j → %s', (lat, expected) => {
    expect(worstLatencyMs(lat.map((latencyMs) => ({ latencyMs })))).toBe(expected);
  });
});
