// virt-top's CSV and --stream layouts (virtop --virt-top-compat): the
// figures of a tick worked out by hand, the number formats against
// virt-top's rules, and the headers and quoting against files virt-top 1.0.9
// itself wrote on the lab (test/fixtures/virt-top/).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyBalloon } from '../../../src/collector/bulk.js';
import {
  cFixed,
  csvLine,
  formatG,
  ocamlFloat,
  streamCount,
  streamPercent,
  streamTime,
  virtTopCsvHeader,
  virtTopCsvRow,
  virtTopStreamFrame,
  virtTopTick,
  type VirtTopCsvFlags,
} from '../../../src/output/virt-top.js';
import type { DiskSample, NicSample } from '../../../src/types/sample.js';
import { clockText } from '../../../src/util/units.js';
import { domain, host, SEC } from '../../helpers/samples.js';
import { readVirtTopCsv } from '../../helpers/virt-top-csv.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/virt-top/${name}`, import.meta.url), 'utf8');
const ALL: VirtTopCsvFlags = { cpu: true, mem: true, block: true, net: true, blockInBytes: false };

beforeAll(() => {
  // virt-top prints local time; the expected rows are written in UTC
  process.env.TZ = 'UTC';
});

const disk = (name: string, rdReqs: bigint, wrReqs: bigint, rdBytes: bigint, wrBytes: bigint): DiskSample =>
  ({ name, path: `/img/${name}`, rdReqs, wrReqs, rdBytes, wrBytes, errors: 0n, capacityBytes: null, allocationBytes: null }) as DiskSample;
const nic = (rxBytes: bigint | null, txBytes: bigint | null): NicSample =>
  ({ name: 'vnet0', mac: null, source: null, rxBytes, rxPkts: 0n, rxErrs: 0n, rxDrop: 0n, txBytes, txPkts: 0n, txErrs: 0n, txDrop: 0n }) as NicSample;

/** Two ticks a second apart on a 4-CPU host with 16 GiB. */
function ticks() {
  const alpha = (k: bigint) =>
    domain({
      uuid: 'a',
      name: 'alpha',
      id: 1,
      cpuTimeNs: k * 500_000_000n,
      balloon: { ...emptyBalloon(), currentKiB: 1048576n },
      disks: [disk('vda', 10n + 15n * k, 2n, 4096n * (k + 1n), 512n * k), disk('vdb', 1n + k, 0n, 512n, 0n)],
      nics: [nic(1000n + 600n * k, 10n + 20n * k)],
    });
  // paused both times, no balloon figure, no devices
  const beta = domain({ uuid: 'b', name: 'beta', id: 3, state: 'paused', cpuTimeNs: 2n * SEC, balloon: { ...emptyBalloon(), currentKiB: null } });
  const gone = domain({ uuid: 'c', name: 'gamma', id: null, state: 'shutoff', cpuTimeNs: null });
  // started between the two ticks
  const delta = domain({ uuid: 'd', name: 'delta', id: 2, cpuTimeNs: 7n * SEC, balloon: { ...emptyBalloon(), currentKiB: 524288n }, disks: [disk('vda', 5n, 5n, 5n, 5n)], nics: [nic(1n, 1n)] });
  const first = host({ monoNs: 10n * SEC, domains: [alpha(0n), beta, gone] });
  const second = { ...host({ monoNs: 11n * SEC, domains: [alpha(1n), beta, gone, delta] }), wallMs: Date.UTC(2026, 11, 6, 16, 18, 21) };
  return { first, second };
}

describe('virtTopTick and its CSV row', () => {
  it('the first tick: totals from the balloons, every guest at 0, no device figures yet', () => {
    const { first } = ticks();
    const t = virtTopTick(null, first)!;
    expect(csvLine(virtTopCsvRow({ ...t, wallMs: Date.UTC(2026, 11, 6, 16, 18, 20) }, ALL))).toBe(
      'hv1,16:18:20,x86_64,4,3,1,0,1,0,0,0,2,1,0.0,16777216,1048576,1048576,0,1,alpha,0.,0.,0,0,,,,,3,beta,0.,0.,0,0,,,,',
    );
  });

  it('the second: deltas of the counters summed over devices, %CPU of the host, guests in ID order', () => {
    const { first, second } = ticks();
    const t = virtTopTick(first, second)!;
    // alpha: 0.5 s of CPU in 1 s of 4 CPUs = 12.5 %; 1 GiB of 16 = 6 % (whole); reads 11 → 27, writes 2 → 2; rx +600, tx +20
    // delta: new, so 0 and no device figures; beta: paused, 0 ns, balloon unknown
    expect(csvLine(virtTopCsvRow(t, ALL))).toBe(
      'hv1,16:18:21,x86_64,4,4,2,0,1,0,0,0,3,1,12.5,16777216,1572864,1572864,500000000,' +
        '1,alpha,500000000.,12.5,1048576,6,16,0,600,20,' +
        '2,delta,0.,0.,0,0,,,,,' +
        '3,beta,0.,0.,,,,,,',
    );
    expect(csvLine(virtTopCsvRow(t, { cpu: false, mem: false, block: true, net: false, blockInBytes: true }))).toBe(
      'hv1,16:18:21,x86_64,4,4,2,0,1,0,0,0,3,1,12.5,16777216,1572864,1572864,500000000,1,alpha,4096,512,2,delta,,,3,beta,,',
    );
  });

  it('a guest that restarted between ticks starts over at 0 instead of a negative delta', () => {
    const a1 = domain({ uuid: 'a', name: 'a', id: 5, cpuTimeNs: 90n * SEC });
    const a2 = domain({ uuid: 'a', name: 'a', id: 6, cpuTimeNs: 1n * SEC });
    const t = virtTopTick(host({ monoNs: 0n, domains: [a1] }), host({ monoNs: SEC, domains: [a2] }))!;
    expect(t.domains[0]).toMatchObject({ cpuDeltaNs: 0, memKiB: 0n });
  });

  it('a CPU time virtop does not know is an empty field, not 0', () => {
    const a1 = domain({ uuid: 'a', name: 'a', cpuTimeNs: null });
    const t = virtTopTick(host({ monoNs: 0n, domains: [a1] }), host({ monoNs: SEC, domains: [a1] }))!;
    expect(virtTopCsvRow(t, ALL).slice(18, 22)).toEqual(['1', 'a', '', '']);
  });

  it('no tick for a host that never answered', () => {
    expect(virtTopTick(null, { ...host({ monoNs: 0n, domains: [] }), info: null })).toBeNull();
  });
});

describe('number formats', () => {
  it.each([
    [0, '0.'],
    [500000000, '500000000.'],
    [123456789012, '123456789012.'],
    [1234567890123, '1.23456789012e+12'],
    [1.5e12, '1.5e+12'],
    [12.5, '12.5'],
    [5.744113155, '5.744113155'],
    [0.5923034554187, '0.592303455419'],
    [1 / 3, '0.333333333333'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-2.5, '-2.5'],
    [100, '100.'],
  ])("OCaml's string_of_float %s is %s", (x, s) => {
    expect(ocamlFloat(x)).toBe(s);
  });

  it.each([
    [55.25, 1, '55.2'],
    [55.35, 1, '55.4'], // 55.35 is a little above in binary: not a tie
    [0.125, 2, '0.12'],
    [0.375, 2, '0.38'],
    [2.5, 0, '2'],
    [3.5, 0, '4'],
    [12.5, 1, '12.5'],
    [-0.125, 2, '-0.12'],
  ])('C\'s %%.*f: %s to %s places is %s (halfway goes to even)', (x, d, s) => {
    expect(cFixed(x, d)).toBe(s);
  });

  it.each([
    [3.14159, 3, '3.14'],
    [1e100, 4, '1e+100'],
    [0.000123456, 3, '0.000123'],
    [999999, 3, '1e+06'],
  ])('%%.%sg of %s', (x, p, s) => {
    expect(formatG(x, p)).toBe(s);
  });

  it.each([
    [null, '    '],
    [0n, '   0'],
    [9999n, '9999'],
    [10000n, '  9K'],
    [1048575n, '  0M'],
    [5n * 1073741824n, '  5G'],
    [1000n * 1073741824n, '>!!!'],
    [-1n, '-!!!'],
  ])('a 4-character count: %s is "%s"', (n, s) => {
    expect(streamCount(n)).toBe(s);
  });

  it.each([
    [null, ' 0.0'],
    [0, ' 0.0'],
    [5.44, ' 5.4'],
    [55.25, '55.2'],
    [99.95, '100 '],
  ])('a 4-character percentage: %s is "%s"', (p, s) => {
    expect(streamPercent(p)).toBe(s);
  });

  it.each([
    [68_690_000_000n, '  1:08.69'],
    [12n * 3600n * SEC, ' 12:00:00'],
    [1000n * 3600n * SEC, ' 41d16:00'],
  ])('cumulative CPU time %s ns is "%s"', (ns, s) => {
    expect(streamTime(ns)).toBe(s);
  });

  it('local clock time, as HH:MM:SS', () => {
    expect(clockText(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('03:04:05');
  });
});

describe("against virt-top 1.0.9's own files", () => {
  it.each([
    ['lab-default.csv', ALL],
    ['lab-bytes-nomem.csv', { cpu: true, mem: false, block: true, net: true, blockInBytes: true }],
    ['lab-nocpu-noblock-nonet.csv', { cpu: false, mem: true, block: false, net: false, blockInBytes: false }],
  ] as const)('the header of %s, byte for byte', (file, flags) => {
    expect(csvLine(virtTopCsvHeader(flags))).toBe(fixture(file).split('\n')[0]);
  });

  it('names with quotes, commas and any bytes are quoted as virt-top quotes them', () => {
    const theirs = readVirtTopCsv(fixture('odd.csv'));
    const names = theirs.rows[0].domains.map((d) => d['Domain name']);
    expect(names.length).toBeGreaterThan(3);
    const raw = fixture('odd.csv').split('\n')[1];
    for (const n of names) expect(raw).toContain(csvLine([n]));
    expect(csvLine(['a "b"', 'c,d', 'plain'])).toBe('"a ""b""","c,d",plain');
  });

  it('one by-position reader reads both files into the same columns', () => {
    const { first, second } = ticks();
    const ours = [virtTopCsvHeader(ALL), virtTopCsvRow(virtTopTick(null, first)!, ALL), virtTopCsvRow(virtTopTick(first, second)!, ALL)].map(csvLine).join('\n');
    const a = readVirtTopCsv(fixture('lab-default.csv'));
    const b = readVirtTopCsv(ours);
    expect(b.hostColumns).toEqual(a.hostColumns);
    expect(b.domainColumns).toEqual(a.domainColumns);
    expect(Object.keys(b.rows[1].host)).toEqual(Object.keys(a.rows[1].host));
    expect(b.rows[1].domains.map((d) => d['Domain name'])).toEqual(['alpha', 'delta', 'beta']);
    // virt-top's own second row, read by the same reader: its figures are where ours are
    expect(a.rows[1].domains[0]).toMatchObject({ 'Domain ID': '2', 'Domain name': 'virtop-lab-disk', 'CPU (ns)': '116249000.', 'Mem (bytes)': '196608', 'Block RDRQ': '232' });
  });

  it('--stream: the same header and row layout as virt-top wrote', () => {
    const { first, second } = ticks();
    const frame = virtTopStreamFrame(virtTopTick(first, second)!, false).split('\n');
    const theirs = fixture('lab-stream.txt').split('\n');
    expect(frame[0]).toBe('virt-top time  16:18:21 Host hv1 x86_64 4/4CPU 2000MHz 16384MB ');
    expect(frame[1]).toBe(theirs[1]);
    expect(frame[2]).toBe('    1 R   16    0  600   20 12.5  6.0   0:00.50 alpha');
    expect(frame[3]).toBe('    2 R    0    0    0    0  0.0  0.0   0:07.00 delta');
    expect(frame[4]).toBe('    3 P    0    0    0    0  0.0  0.0   0:02.00 beta');
    // virt-top's lines have the same columns at the same offsets
    const cols = (l: string) => [l.slice(0, 5), l.slice(6, 7), l.slice(8, 12), l.slice(13, 17), l.slice(18, 22), l.slice(23, 27), l.slice(28, 32), l.slice(33, 37), l.slice(38, 47)];
    expect(cols(theirs[6]).map((c) => c.length)).toEqual(cols(frame[2]).map((c) => c.length));
    expect(theirs[6]).toMatch(/^ {4}2 R +\d+ +\d+ +\d+ +\d+ +[\d.]+ +[\d.]+ +\d+:\d\d\.\d\d virtop-lab-disk$/);
    expect(virtTopStreamFrame(virtTopTick(first, second)!, true).split('\n')[1]).toBe(fixture('lab-stream-bytes.txt').split('\n')[1]);
  });
});
