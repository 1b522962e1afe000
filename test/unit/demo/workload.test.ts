import { describe, expect, it } from 'vitest';

import {
  deviceShare,
  diskCounters,
  memoryShares,
  nameHash,
  nicCounters,
  profileFor,
  vcpuWave,
  waveAt,
  waveIntegral,
  type Wave,
} from '../../../src/demo/workload.js';

const DEMO_NAMES = [
  'web-01', 'web-02', 'db-primary', 'db-replica', 'build-runner', 'k8s-node-1', 'k8s-node-2', 'k8s-node-3',
  'win2019-ad', 'monitoring', 'mail-relay', 'dev-sandbox', 'staging-api', 'backup', 'legacy-ftp', 'test vm ünïcode (old) "$(id)" 旧\u200b',
];

describe('waveIntegral', () => {
  const waves: Wave[] = [
    { mean: 1, swing: 0, periodSec: 60, phase: 0 },
    { mean: 1, swing: 1, periodSec: 60, phase: 0 },
    { mean: 0.3, swing: 0.2, periodSec: 17, phase: 2.5 },
    { mean: 4e7, swing: 1.6e7, periodSec: 150, phase: 5.9 },
  ];

  it.each(waves)('starts at zero, and its slope is the wave (%o)', (w) => {
    expect(waveIntegral(w, 0)).toBeCloseTo(0, 9);
    for (const t of [0.5, 7, 33.3, 1e5]) {
      const h = 1e-3;
      const slope = (waveIntegral(w, t + h) - waveIntegral(w, t - h)) / (2 * h);
      expect(Math.abs(slope - waveAt(w, t))).toBeLessThan(1e-5 * (w.mean + w.swing));
    }
  });

  it.each(waves)('never decreases while swing <= mean (%o)', (w) => {
    let prev = -Infinity;
    for (let t = 0; t < 3 * w.periodSec; t += w.periodSec / 37) {
      const v = waveIntegral(w, t);
      expect(v).toBeGreaterThanOrEqual(prev - 1e-9 * Math.abs(v));
      prev = v;
    }
  });

  it('over whole periods it averages to the mean', () => {
    const w: Wave = { mean: 0.4, swing: 0.3, periodSec: 90, phase: 1 };
    expect(waveIntegral(w, 900) / 900).toBeCloseTo(0.4, 9);
  });
});

describe('profiles', () => {
  it.each([
    ['db-primary', 0.4],
    ['db-replica', 0.22],
    ['web-02', 0.3],
    ['build-runner', 0.5],
    ['k8s-node-3', 0.3],
    ['mail-relay', 0.03],
  ])('%s gets its role (vCPU busy %f)', (name, busy) => {
    expect(profileFor(name).cpuBusy.mean).toBe(busy);
  });

  it('gives one congested worker transmit drops and no one else', () => {
    expect(DEMO_NAMES.filter((n) => profileFor(n).txDropPerSec > 0)).toEqual(['k8s-node-2']);
  });

  it('gives unknown names a light load that depends on the name only', () => {
    const a = profileFor('backup');
    expect(profileFor('backup')).toEqual(a);
    expect(a.cpuBusy.mean).toBeGreaterThanOrEqual(0.05);
    expect(a.cpuBusy.mean).toBeLessThanOrEqual(0.15);
    expect(profileFor('legacy-ftp').cpuBusy.mean).not.toBe(a.cpuBusy.mean);
  });

  it('nameHash is stable and spreads similar names', () => {
    expect(nameHash('web-01')).toBe(nameHash('web-01'));
    expect(nameHash('web-01')).not.toBe(nameHash('web-02'));
    expect(nameHash('')).toBe(0x811c9dc5);
  });
});

describe('vcpuWave', () => {
  it.each(DEMO_NAMES.flatMap((n) => [1, 2, 6, 16].map((count) => [n, count] as const)))(
    '%s with %i vCPUs: every vCPU stays within 0..98 % busy',
    (name, count) => {
      for (let i = 0; i < count; i++) {
        const w = vcpuWave(name, i, count);
        expect(w.swing).toBeGreaterThanOrEqual(0);
        expect(w.swing).toBeLessThanOrEqual(w.mean);
        expect(w.mean + w.swing).toBeLessThanOrEqual(0.98 + 1e-12);
      }
    },
  );

  it('loads vCPU 0 more than the last one, and gives each its own phase', () => {
    const first = vcpuWave('db-primary', 0, 16);
    const last = vcpuWave('db-primary', 15, 16);
    expect(first.mean).toBeGreaterThan(last.mean);
    expect(first.phase).not.toBe(last.phase);
  });
});

describe('device counters', () => {
  it('the first device carries the role rate, later ones less', () => {
    expect([0, 1, 2].map(deviceShare)).toEqual([1, 1 / 2, 1 / 3]);
    const t = 3600;
    const vda = diskCounters('db-primary', 0, t);
    const vdb = diskCounters('db-primary', 1, t);
    expect(vda.rdBytes / t).toBeGreaterThan(30e6);
    expect(vda.rdBytes / t).toBeLessThan(50e6);
    expect(vdb.rdBytes).toBeLessThan(vda.rdBytes);
    // requests follow bytes at a fixed average size
    expect(vda.rdBytes / vda.rdReq).toBe(32 * 1024);
    expect(vda.wrBytes / vda.wrReq).toBe(12 * 1024);
  });

  it('request times give each role its latency: ms per read, write, flush; a second disk 2.5 times slower', () => {
    const t = 600;
    const ms = (c: ReturnType<typeof diskCounters>) => [c.rdTimesNs / c.rdReq / 1e6, c.wrTimesNs / c.wrReq / 1e6, c.flTimesNs / c.flReq / 1e6];
    const close = (xs: number[], want: number[]) => xs.forEach((x, i) => expect(x).toBeCloseTo(want[i], 9));
    close(ms(diskCounters('db-primary', 0, t)), [0.6, 1.8, 4]);
    close(ms(diskCounters('web-07', 0, t)), [0.35, 0.9, 2]);
    close(ms(diskCounters('win10-desk', 0, t)), [9, 24, 45]);
    close(ms(diskCounters('db-primary', 1, t)), [1.5, 4.5, 10]);
    close(ms(diskCounters('zz-unknown', 0, t)), [0.8, 2, 5]);
    const c = diskCounters('build-01', 0, t);
    expect(c.flReq).toBeCloseTo(c.wrReq / 25, 9);
  });

  it('network counters grow with the role rates, drops only where the profile has them', () => {
    const t = 600;
    const web = nicCounters('web-01', 0, t);
    expect(web.txBytes).toBeGreaterThan(web.rxBytes); // a web server sends more than it receives
    expect(web.txDrop).toBe(0);
    expect(nicCounters('k8s-node-2', 0, t).txDrop).toBe(3 * t);
    expect(nicCounters('k8s-node-2', 1, t).txDrop).toBe(0);
  });
});

describe('memoryShares', () => {
  it.each(DEMO_NAMES)('%s: used and cache stay inside the balloon', (name) => {
    for (const t of [0, 150, 300, 450, 86_400]) {
      const { used, cache } = memoryShares(name, t);
      expect(used).toBeGreaterThan(0);
      expect(cache).toBeGreaterThanOrEqual(0);
      expect(used + cache).toBeLessThanOrEqual(0.99 + 1e-12);
    }
  });
});
