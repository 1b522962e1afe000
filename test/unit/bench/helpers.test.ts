// The benchmark's pure helpers: statistics, the generated test-driver node
// file, table formatting and the command line.
import { describe, expect, test } from 'vitest';

import { parseCli, SECTIONS } from '../../../bench/lib/cli.js';
import { benchDomains, benchNodeXml, runstateFor } from '../../../bench/lib/nodexml.js';
import { fmtMs, formatTable, type Row } from '../../../bench/lib/report.js';
import { growthPercent, medianSorted, pairedRatio, percentileSorted, summarize, trendPercent } from '../../../bench/lib/stats.js';
import { checkpoints } from '../../../bench/sections/memory.js';
import { marginalPerRefresh, parseTimes, procCpuMs } from '../../../bench/sections/virttop.js';

describe('stats', () => {
  test('nearest-rank percentiles and median', () => {
    const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentileSorted(s, 50)).toBe(5);
    expect(percentileSorted(s, 90)).toBe(9);
    expect(percentileSorted(s, 99)).toBe(10);
    expect(percentileSorted(s, 100)).toBe(10);
    expect(medianSorted(s)).toBe(5.5);
    expect(medianSorted([3, 1, 2].sort())).toBe(2);
    expect(() => percentileSorted(s, 0)).toThrow(RangeError);
  });

  test('summarize ignores non-finite samples and handles none', () => {
    const r = summarize([3, NaN, 1, 2, Infinity]);
    expect(r).toMatchObject({ n: 3, min: 1, median: 2, max: 3, mean: 2 });
    expect(summarize([]).n).toBe(0);
    expect(Number.isNaN(summarize([]).median)).toBe(true);
  });

  test('pairedRatio is the median of per-pair ratios, skipping zero floors', () => {
    expect(pairedRatio([2, 4, 30], [1, 2, 10])).toBe(2);
    expect(pairedRatio([2, 5], [0, 5])).toBe(1);
    expect(Number.isNaN(pairedRatio([], []))).toBe(true);
  });

  test.each<[string, number[], number[], number]>([
    ['flat', [0, 1, 2, 3], [100, 100, 100, 100], 0],
    ['a straight rise of 3 over a mean of 101.5', [0, 1, 2, 3], [100, 101, 102, 103], 2.955665024630542],
    // the last two readings alone would say -3.8 %
    ['noise either way, no trend', [0, 1, 2, 3, 4], [100, 104, 100, 104, 100], 0],
    // slope -0.8 per step over 4 steps, mean 100
    ['a slow fall under noise', [0, 1, 2, 3, 4], [100, 104, 100, 96, 100], -3.2],
    ['a fall of 50 over a mean of 175', [1000, 2000], [200, 150], -28.571428571428573],
  ])('trendPercent: %s', (_what, xs, ys, want) => {
    expect(trendPercent(xs, ys)).toBeCloseTo(want, 9);
  });

  test('trendPercent needs two readings and a mean to divide by', () => {
    expect(Number.isNaN(trendPercent([1], [1]))).toBe(true);
    expect(Number.isNaN(trendPercent([1, 1], [1, 2]))).toBe(true);
    expect(Number.isNaN(trendPercent([1, 2], [0, 0]))).toBe(true);
  });

  test('growthPercent', () => {
    expect(growthPercent(100, 102)).toBeCloseTo(2);
    expect(Number.isNaN(growthPercent(0, 5))).toBe(true);
  });
});

describe('generated node file', () => {
  test('domains: unique names, uuids and NIC targets, no vnet targets, state mix', () => {
    const d = benchDomains(200);
    expect(new Set(d.map((x) => x.name)).size).toBe(200);
    expect(new Set(d.map((x) => x.uuid)).size).toBe(200);
    const nics = d.flatMap((x) => x.nics);
    expect(new Set(nics).size).toBe(nics.length);
    expect(nics.every((n) => n.startsWith('tap'))).toBe(true);
    for (const x of d) {
      expect(x.vcpus).toBeGreaterThanOrEqual(1);
      expect(x.vcpus).toBeLessThanOrEqual(4);
      expect(x.disks.length).toBeGreaterThanOrEqual(1);
      expect(x.disks.length).toBeLessThanOrEqual(2);
      expect(x.nics.length).toBeGreaterThanOrEqual(1);
      expect(x.nics.length).toBeLessThanOrEqual(2);
    }
    const running = d.filter((x) => x.runstate === 1).length;
    expect(running / d.length).toBeGreaterThan(0.8);
    expect(d.some((x) => x.runstate === 3)).toBe(true);
    expect(d.some((x) => x.runstate === 5)).toBe(true);
    expect(runstateFor(9)).toBe(5);
  });

  test('xml is deterministic and carries every domain', () => {
    const a = benchNodeXml(50);
    expect(a.xml).toBe(benchNodeXml(50).xml);
    expect(a.xml.match(/<domain type='test'>/g)?.length).toBe(50);
    expect(a.xml).toContain("xmlns:test='http://libvirt.org/schemas/domain/test/1.0'");
    expect(a.xml).toContain('<test:runstate>5</test:runstate>');
    expect(() => benchDomains(-1)).toThrow(RangeError);
  });
});

describe('report', () => {
  test('fmtMs picks a unit', () => {
    expect(fmtMs(0.25)).toBe('250 µs');
    expect(fmtMs(1.234)).toBe('1.23 ms');
    expect(fmtMs(12.34)).toBe('12.3 ms');
    expect(fmtMs(123.4)).toBe('123 ms');
    expect(fmtMs(12_345)).toBe('12.3 s');
    expect(fmtMs(NaN)).toBe('-');
  });

  test('table aligns columns and prints a section name once', () => {
    const row = (c: string, m: string): Row => ({ section: 'sec', case: c, median: m, p99: '', n: 3, ratio: '', note: 'x' });
    const lines = formatTable([row('a', '1 ms'), row('longer case', '10 ms')]).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2].startsWith('sec')).toBe(true);
    expect(lines[3].startsWith('   ')).toBe(true);
    expect(lines[2].indexOf('1 ms') + 4).toBe(lines[3].indexOf('10 ms') + 5);
  });
});

describe('command line', () => {
  test('defaults, --only, --quick, --sizes', () => {
    expect([...parseCli([]).only]).toEqual([...SECTIONS]);
    const o = parseCli(['--only', 'collector,memory', '--quick', '--sizes=10,20', '--lab-extra', '0']);
    expect([...o.only]).toEqual(['collector', 'memory']);
    expect(o.quick).toBe(true);
    expect(o.sizes).toEqual([10, 20]);
    expect(o.labExtra).toBe(0);
  });

  test('rejects unknown sections and options', () => {
    expect(() => parseCli(['--only', 'nope'])).toThrow(/unknown section/);
    expect(() => parseCli(['--frobnicate'])).toThrow(/unknown option/);
    expect(() => parseCli(['--sizes', '0'])).toThrow();
    expect(() => parseCli(['--only'])).toThrow(/needs a value/);
  });
});

test('memory readings: tick 1000, then every 100 ticks from 2600 to 3600 of a full run (the same fractions of a short one)', () => {
  expect(checkpoints(3600)).toEqual([1000, 2600, 2700, 2800, 2900, 3000, 3100, 3200, 3300, 3400, 3500, 3600]);
  expect(checkpoints(360)).toEqual([100, 260, 270, 280, 290, 300, 310, 320, 330, 340, 350, 360]);
});

describe('vs virt-top: CPU readings', () => {
  test.each([
    ['0m0.010s 0m0.002s\n0m3.230s 0m0.130s\n', 3360],
    ['exit 0\n0m0.000s 0m0.000s\n1m2.500s 0m0.500s', 63000],
    ['0m0.000s 0m0.000s\n', 0],
    ['garbage', null],
  ])("bash's times: the children's user + system of %j is %s ms", (out, ms) => {
    expect(parseTimes(out)).toBe(ms);
  });

  test('utime + stime from /proc/PID/stat, with a name holding spaces and a parenthesis', () => {
    const stat = '1234 (lib virt)d) S 1 1234 1234 0 -1 4194560 500 0 0 0 250 130 0 0 20 0 18 0 100 1000000 2000 18446744073709551615';
    expect(procCpuMs(stat, 100)).toBe(3800);
    expect(procCpuMs('1 (x) S', 100)).toBeNull();
  });

  test('marginal CPU per refresh: start-up cancels between a short and a long run', () => {
    // 400 ms start-up + 10 ms per refresh: 5 refreshes 450 ms, 25 refreshes 650 ms
    expect(marginalPerRefresh(450, 650, [5, 25])).toBe(10);
  });
});

describe('the synthetic QEMU host', () => {
  test('its records are full (no fallback), of mixed shape, and the real collector reads them and its /proc tree', async () => {
    const { SynthQemuHost } = await import('../../../bench/lib/synth-qemu.js');
    const { HostCollector } = await import('../../../src/collector/host.js');
    const { localProcProbe } = await import('../../../src/app/hosts.js');
    const { isThinRecord } = await import('../../../src/collector/bulk.js');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const host = new SynthQemuHost(40);
    const active = host.domains.filter((d) => d.state !== 5);
    expect(new Set(host.domains.map((d) => d.state)).size).toBe(3);
    expect(new Set(host.domains.map((d) => d.vcpus)).size).toBeGreaterThan(2);
    expect(new Set(host.domains.map((d) => d.disks.length)).size).toBeGreaterThan(1);
    for (const d of active) expect(isThinRecord(host.record(d).params)).toBe(false);
    const root = mkdtempSync(join(tmpdir(), 'virtop-synth-test-'));
    try {
      host.advance();
      host.writeProc(root, true);
      const src = host.source();
      const hc = new HostCollector('qemu:///system', { connect: async () => src, readonly: true, proc: localProcProbe(root), threads: true, addresses: null, inventory: null });
      const s1 = await hc.sample();
      host.advance();
      host.writeProc(root, false);
      const s2 = await hc.sample();
      await hc.close();
      expect(s2.status).toBe('connected');
      expect(s2.domains).toHaveLength(40);
      for (const d of active) {
        const got = s2.domains.find((x) => x.uuid === d.uuid)!;
        expect(got.disks.map((k) => k.name)).toEqual(d.disks);
        expect(got.nics.map((k) => k.name)).toEqual(d.nics);
        // the first tick asks for every group; the second leaves the vCPU group out, the threads standing in
        expect(s1.domains.find((x) => x.uuid === d.uuid)!.vcpus).toHaveLength(d.vcpus);
        expect(got.vcpus).toEqual([]);
        expect(got.vcpusCurrent).toBe(d.vcpus);
        expect(got.process?.pid).toBe(d.pid);
        expect(got.process?.threads.filter((t) => t.vcpu !== null)).toHaveLength(d.vcpus);
        expect(got.process?.error ?? null).toBeNull();
      }
      // counters move between ticks for a running guest that works
      const busy = active.find((d) => d.state === 1 && d.cpuPerTick > 1e6)!;
      const cpu = (s: typeof s1) => s.domains.find((x) => x.uuid === busy.uuid)!.cpuTimeNs!;
      expect(cpu(s2)).toBeGreaterThan(cpu(s1));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
