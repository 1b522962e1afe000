import { describe, expect, it } from 'vitest';
import { bridgeRates, fullInSec, growthPerHour, hostBridgeViews, networkViews, PoolGrowth, poolViews, volumeIndex } from '../../../src/model/storage.js';
import type { HostInventory, PoolSample } from '../../../src/types/sample.js';
import { domainView } from '../../helpers/domain-view.js';

const GiB = 2 ** 30;
const MIN = 60_000;

describe('growthPerHour', () => {
  it.each<[string, [number, number][], number | null]>([
    ['1 GiB over 30 minutes, evenly', [[0, 0], [10 * MIN, GiB / 3], [20 * MIN, (2 * GiB) / 3], [30 * MIN, GiB]], 2 * GiB],
    ['flat', [[0, 5 * GiB], [15 * MIN, 5 * GiB]], 0],
    ['shrinking by 600 MiB an hour', [[0, GiB], [20 * MIN, GiB - 200 * 2 ** 20]], -600 * 2 ** 20],
    ['less than 10 minutes of history says nothing', [[0, 0], [9 * MIN, GiB]], null],
    ['one point', [[0, 0]], null],
    // Only the last 6 hours count: the fast start 8 hours ago is left out.
    ['only the last six hours', [[0, 0], [60 * MIN, 100 * GiB], [8 * 60 * MIN, 100 * GiB], [8 * 60 * MIN + 30 * MIN, 100 * GiB + GiB / 2]], GiB],
  ])('%s', (_what, pts, expected) => {
    const g = growthPerHour(pts.map(([wallMs, allocationBytes]) => ({ wallMs, allocationBytes })));
    if (expected === null) expect(g).toBeNull();
    else expect(g).toBeCloseTo(expected, 3);
  });

  it.each<[number, number | null, number | null]>([
    [10 * GiB, 2 * GiB, 5 * 3600],
    [GiB, 0, null],
    [GiB, -GiB, null],
    [GiB, null, null],
    // nothing left: full now, growing or not
    [0, null, 0],
    [0, 2 * GiB, 0],
  ])('full in: %s bytes free at %s/h → %s s', (free, rate, expected) => {
    expect(fullInSec(free, rate)).toBe(expected);
  });
});

const pool = (over: Partial<PoolSample>): PoolSample => ({
  name: 'default',
  uuid: 'p1',
  state: 'running',
  type: 'dir',
  targetPath: '/var/lib/libvirt/images',
  source: null,
  capacityBytes: 100n * 2n ** 30n,
  allocationBytes: 40n * 2n ** 30n,
  availableBytes: 60n * 2n ** 30n,
  autostart: true,
  persistent: true,
  volumes: [
    { name: 'web.qcow2', path: '/var/lib/libvirt/images/web.qcow2', type: 'file', capacityBytes: 80n * 2n ** 30n, allocationBytes: 10n * 2n ** 30n },
    { name: 'db.qcow2', path: '/var/lib/libvirt/images/db.qcow2', type: 'file', capacityBytes: 70n * 2n ** 30n, allocationBytes: 30n * 2n ** 30n },
    { name: 'spare.raw', path: '/var/lib/libvirt/images/spare.raw', type: 'file', capacityBytes: 10n * 2n ** 30n, allocationBytes: 0n },
  ],
  error: null,
  ...over,
});
const inv = (atWallMs: number, pools: PoolSample[]): HostInventory => ({ atWallMs, pools, networks: [], error: null });
const web = domainView({ name: 'web', disks: [{ name: 'vda', path: '/var/lib/libvirt/images/web.qcow2', rdBytesPerSec: null, wrBytesPerSec: null, rdReqPerSec: null, wrReqPerSec: null, errors: null, capacityBytes: null, allocationBytes: null }] });
const db = domainView({ key: 'k2', name: 'db', disks: [{ ...web.disks[0], path: '/var/lib/libvirt/images/db.qcow2' }] });

describe('poolViews', () => {
  it('used %, overcommit by its volumes, who uses each volume, and growth once history spans 10 minutes', () => {
    const g = new PoolGrowth();
    g.add(inv(0, [pool({})]));
    g.add(inv(0, [pool({})])); // the same round handed in again by the next tick: not a new point
    g.add(inv(30 * MIN, [pool({ allocationBytes: 41n * 2n ** 30n, availableBytes: 59n * 2n ** 30n })]));
    const [p] = poolViews(inv(30 * MIN, [pool({ allocationBytes: 41n * 2n ** 30n, availableBytes: 59n * 2n ** 30n })]), g, [web, db]);
    expect(p.usedPercent).toBe(41);
    // (80 + 70 + 10) GiB promised on a 100 GiB pool
    expect(p.overcommitRatio).toBe(1.6);
    expect(p.growthBytesPerHour).toBeCloseTo(2 * GiB, 3);
    expect(p.fullInSec).toBeCloseTo(29.5 * 3600, 3);
    expect(p.volumes!.map((v) => [v.name, v.usedBy])).toEqual([
      ['web.qcow2', ['web']],
      ['db.qcow2', ['db']],
      ['spare.raw', []],
    ]);
    expect(volumeIndex([p]).get('/var/lib/libvirt/images/db.qcow2')).toEqual({ pool: 'default', volume: 'db.qcow2' });
  });

  it('an inactive pool has no figures, only its state', () => {
    const [p] = poolViews(inv(0, [pool({ state: 'inactive', capacityBytes: 0n, allocationBytes: 0n, availableBytes: 0n, volumes: null })]), new PoolGrowth(), []);
    expect(p).toMatchObject({ state: 'inactive', usedPercent: null, overcommitRatio: null, growthBytesPerHour: null, fullInSec: null, volumes: null });
  });
});

describe('networkViews', () => {
  it('counts IPv4 leases against the DHCP ranges, names the guests on it and the domain behind each lease', () => {
    const a = domainView({ name: 'a', nics: [{ name: 'vnet0', mac: '52:54:00:00:00:0a', source: 'default', rxBytesPerSec: null, txBytesPerSec: null, rxPktsPerSec: null, txPktsPerSec: null, rxErrs: null, txErrs: null, rxDrop: null, txDrop: null }] });
    const b = domainView({ key: 'k2', name: 'b', nics: [{ ...a.nics[0], mac: '52:54:00:00:00:0b', source: 'virbr0' }] });
    const c = domainView({ key: 'k3', name: 'c', nics: [{ ...a.nics[0], mac: '52:54:00:00:00:0c', source: 'br0' }] });
    const [n] = networkViews(
      {
        atWallMs: 0,
        pools: [],
        error: null,
        networks: [
          {
            name: 'default',
            uuid: 'n1',
            active: true,
            persistent: true,
            autostart: true,
            forward: 'nat',
            bridge: 'virbr0',
            addresses: ['192.168.122.1/24'],
            dhcpSize: 253,
            leases: [
              { mac: '52:54:00:00:00:0a', ip: '192.168.122.10', prefix: 24, type: 'ipv4', hostname: 'a', expiresWallMs: 1000 },
              { mac: '52:54:00:00:00:99', ip: '192.168.122.11', prefix: 24, type: 'ipv4', hostname: null, expiresWallMs: null },
              { mac: '52:54:00:00:00:0a', ip: 'fd00::10', prefix: 64, type: 'ipv6', hostname: 'a', expiresWallMs: 1000 },
            ],
            error: null,
          },
        ],
      },
      // the domains in another order than their names: the guests come by name
      [c, b, a],
    );
    expect(n).toMatchObject({ leasesUsed: 2, leasesTotal: 253, guests: ['a', 'b'] });
    expect(n.taps).toEqual([
      { tap: 'vnet0', domain: 'a', mac: '52:54:00:00:00:0a' },
      { tap: 'vnet0', domain: 'b', mac: '52:54:00:00:00:0b' },
    ]);
    expect(n.leases!.map((l) => [l.ip, l.domain])).toEqual([
      ['192.168.122.10', 'a'],
      ['192.168.122.11', null],
      ['fd00::10', 'a'],
    ]);
  });
});

describe('hostBridgeViews', () => {
  const nic = (name: string, type: string, bridge: string | null, mac: string) => ({
    name, mac, source: bridge, type, bridge, rxBytesPerSec: null, txBytesPerSec: null, rxPktsPerSec: null, txPktsPerSec: null, rxErrs: null, txErrs: null, rxDrop: null, txDrop: null,
  });
  const files = domainView({ key: 'k1', name: 'files', nics: [nic('vnet3', 'bridge', 'br0', '52:54:00:00:00:03'), nic('vnet4', 'network', 'virbr0', '52:54:00:00:00:04')] });
  const backup = domainView({ key: 'k2', name: 'backup', nics: [nic('vnet1', 'bridge', 'br0', '52:54:00:00:00:01')] });
  const odd = domainView({ key: 'k3', name: 'odd', nics: [nic('vnet9', 'bridge', 'virbr0', '52:54:00:00:00:09'), nic('macvtap0', 'direct', null, '52:54:00:00:00:0f')] });
  const reading = (monoNs: bigint, rx: bigint) => ({ monoNs, spanNs: 0n, bridges: [{ name: 'br0', rxBytes: rx, txBytes: 0n, error: null }] });
  const virbr0 = { bridge: 'virbr0' } as Parameters<typeof hostBridgeViews>[1] extends readonly (infer N)[] | null ? N : never;

  it('the bridges guests plug into directly, by name, with guests, taps and traffic; a network’s bridge and a direct NIC are not among them', () => {
    const [br0, ...rest] = hostBridgeViews([files, odd, backup], [virbr0], { prev: reading(0n, 0n), cur: reading(2_000_000_000n, 4096n) });
    expect(rest).toEqual([]);
    expect(br0).toEqual({
      name: 'br0',
      guests: ['backup', 'files'],
      taps: [
        { tap: 'vnet1', domain: 'backup', mac: '52:54:00:00:00:01' },
        { tap: 'vnet3', domain: 'files', mac: '52:54:00:00:00:03' },
      ],
      rxBytesPerSec: 2048,
      txBytesPerSec: 0,
    });
  });

  it('before the networks are read, a bridge interface on virbr0 counts as a host bridge; rates need two readings', () => {
    const views = hostBridgeViews([odd], null);
    expect(views.map((b) => [b.name, b.guests, b.rxBytesPerSec])).toEqual([['virbr0', ['odd'], null]]);
  });
});

describe('bridgeRates', () => {
  const reading = (monoNs: bigint, rx: bigint | null, tx: bigint | null, name = 'virbr0') => ({ monoNs, spanNs: 0n, bridges: [{ name, rxBytes: rx, txBytes: tx, error: null }] });

  it('bytes per second between two readings, by bridge', () => {
    expect(bridgeRates(reading(1_000_000_000n, 1000n, 50n), reading(3_000_000_000n, 5000n, 50n)).get('virbr0')).toEqual({ rx: 2000, tx: 0 });
  });

  it.each<[string, ReturnType<typeof reading> | undefined, ReturnType<typeof reading>]>([
    ['no previous reading', undefined, reading(1n, 5n, 5n)],
    ['the bridge was not there before', reading(0n, 1n, 1n, 'virbr1'), reading(1_000_000_000n, 5n, 5n)],
    ['a counter went backwards (bridge recreated)', reading(0n, 900n, 900n), reading(1_000_000_000n, 5n, 5n)],
    ['unreadable now', reading(0n, 1n, 1n), reading(1_000_000_000n, null, null)],
  ])('none: %s', (_what, prev, cur) => {
    expect(bridgeRates(prev, cur).get('virbr0')).toEqual({ rx: null, tx: null });
  });
});
