import { describe, expect, it } from 'vitest';
import type { HostBridgeView, ModelView, NetworkView, PoolView } from '../../../src/model/view.js';
import { renderList } from '../../../src/ui/panes/list.js';
import { networkOpens, networkRowDomain, networkRows, networksSpec, type NetworkRow } from '../../../src/ui/panes/networks.js';
import { poolRole, storageOpens, storageRows, storageSpec } from '../../../src/ui/panes/storage.js';
import type { UiState } from '../../../src/ui/state-types.js';
import { buildModel, makeFrame, strip } from './fixture.js';

const GiB = 2 ** 30;
const pool = (over: Partial<PoolView>): PoolView => ({
  name: 'default',
  uuid: 'p1',
  state: 'running',
  type: 'dir',
  targetPath: '/var/lib/libvirt/images',
  source: null,
  capacityBytes: 100 * GiB,
  allocationBytes: 40 * GiB,
  availableBytes: 60 * GiB,
  usedPercent: 40,
  overcommitRatio: 1.6,
  growthBytesPerHour: 2 * GiB,
  fullInSec: 30 * 3600,
  autostart: true,
  persistent: true,
  volumes: [
    { name: 'web.qcow2', path: '/var/lib/libvirt/images/web.qcow2', type: 'file', format: 'qcow2', capacityBytes: 80 * GiB, allocationBytes: 10 * GiB, usedBy: ['web-01'] },
    { name: 'spare.raw', path: '/var/lib/libvirt/images/spare.raw', type: 'file', format: null, capacityBytes: 10 * GiB, allocationBytes: 0, usedBy: [] },
  ],
  error: null,
  ...over,
});
const nat: NetworkView = {
  name: 'default',
  uuid: 'n1',
  active: true,
  forward: 'nat',
  bridge: 'virbr0',
  addresses: ['192.168.122.1/24'],
  leasesUsed: 1,
  leasesTotal: 253,
  leases: [{ mac: '52:54:00:00:00:01', ip: '192.168.122.7', hostname: 'web', domain: 'web-01', expiresWallMs: null }],
  guests: ['web-01', 'db-01'],
  taps: [
    { tap: 'vnet0', domain: 'web-01', mac: '52:54:00:00:00:01' },
    { tap: 'vnet4', domain: 'db-01', mac: '52:54:00:00:00:04' },
  ],
  rxBytesPerSec: 3 * 2 ** 20,
  txBytesPerSec: 512 * 1024,
  autostart: true,
  persistent: true,
  error: null,
};

function frameWith(pools: PoolView[] | null, networks: NetworkView[] | null, opened: UiState['opened'] = {}, bridges: HostBridgeView[] = []) {
  const { model, view } = buildModel(2);
  const v: ModelView = { ...view, hosts: [{ ...view.hosts[0], pools, networks, bridges }] };
  return makeFrame(model, v, { opened });
}
const HOST = 'qemu:///system';

describe('view 5: storage pools', () => {
  const vg0 = pool({ name: 'vg0', uuid: 'p2', type: 'logical', state: 'inactive', volumes: null, usedPercent: null, overcommitRatio: null, growthBytesPerHour: null, fullInSec: null });

  it('a row per pool with its figures', () => {
    const f = frameWith([pool({}), vg0], null);
    const rows = storageRows(f);
    expect(rows.map((r) => r.pool.name)).toEqual(['default', 'vg0']);
    expect(storageOpens(rows)).toEqual([`${HOST}#p1`, `${HOST}#p2`]);
    expect(storageRows(frameWith([vg0, pool({})], null)).map((r) => r.pool.name)).toEqual(['default', 'vg0']);
    const lines = renderList(storageSpec(f, rows, 130), 130, 5, f.palette).map(strip);
    expect(lines[0]).toMatch(/^Storage pools +2 pool\(s\), 2 volume\(s\)  Enter: its volumes  0\/Esc: domains/);
    expect(lines[1]).toMatch(/^POOL \/ VOLUME +TYPE +STATE +AUTO +SIZE +USED +FREE +USE% +OVERC +GROW\/h +FULL IN +PATH \/ USED BY/);
    expect(lines[2]).toMatch(/^default +dir +running +yes +100G +40G +60G +40\.0 +1\.6x +2\.0G +1d 06:00:00 +\/var\/lib\/libvirt\/images/);
    expect(lines[3]).toMatch(/^vg0 +logical +inactive +yes +- +- +- +- +- +- +-/);
  });

  it('a pool opened: it alone, then its volumes by name with the domains using them', () => {
    const f = frameWith([pool({}), vg0], null, { storage: { key: `${HOST}#p1`, cursorWas: 0 } });
    const rows = storageRows(f);
    expect(rows.map((r) => (r.volume ? `  ${r.volume.name}` : r.pool.name))).toEqual(['default', '  spare.raw', '  web.qcow2']);
    expect(storageOpens(rows)).toEqual([`${HOST}#p1`, null, null]);
    const lines = renderList(storageSpec(f, rows, 130), 130, 6, f.palette).map(strip);
    expect(lines[0]).toMatch(/^Storage pool default +2 volume\(s\)  Esc: all pools/);
    expect(lines[2]).toMatch(/^default +dir +running +yes +100G/);
    expect(lines[3]).toMatch(/^ {2}spare\.raw +file +10G +0B? +0\.0 +unused/);
    expect(lines[4]).toMatch(/^ {2}web\.qcow2 +qcow2 +80G +10G +12\.5 +web-01/);
    // the pool went away meanwhile: all pools again
    expect(storageRows(frameWith([vg0], null, { storage: { key: `${HOST}#p1`, cursorWas: 0 } })).map((r) => r.pool.name)).toEqual(['vg0']);
  });

  it('a pool with nothing left is full now: FULL IN says so, growth or none', () => {
    const f = frameWith([pool({ availableBytes: 0, allocationBytes: 100 * 2 ** 30, usedPercent: 100, growthBytesPerHour: null, fullInSec: 0, volumes: [] })], null);
    const lines = renderList(storageSpec(f, storageRows(f), 130), 130, 3, f.palette).map(strip);
    expect(lines[2]).toMatch(/^default +dir +running +yes +100G +100G +0B? +100\.0 +1\.6x +- +full +\/var/);
  });

  it.each<[string, Partial<PoolView>, string | null]>([
    ['40 % used, full in 30 h', {}, null],
    ['85 % used', { usedPercent: 85 }, 'gauge.warn'],
    ['92 % used', { usedPercent: 92 }, 'gauge.crit'],
    ['full within a day', { fullInSec: 20 * 3600 }, 'gauge.crit'],
    ['degraded', { state: 'degraded' }, 'gauge.warn'],
    ['inaccessible', { state: 'inaccessible' }, 'gauge.crit'],
    ['inactive', { state: 'inactive', usedPercent: null }, null],
  ])('%s → %s', (_what, over, role) => {
    expect(poolRole(pool(over))).toBe(role);
  });

  it('says when the slow loop has not answered yet', () => {
    const f = frameWith(null, null);
    expect(renderList(storageSpec(f, [], 100), 100, 4, f.palette).map(strip)[2]).toMatch(/pools not read yet: they are read every 30 s/);
  });
});

describe('view 6: networks', () => {
  const iso: NetworkView = { ...nat, name: 'iso', uuid: 'n2', forward: 'isolated', bridge: 'virbr9', addresses: [], leasesUsed: null, leasesTotal: null, leases: null, guests: [], taps: [], rxBytesPerSec: null, txBytesPerSec: null };
  const br0: HostBridgeView = { name: 'br0', guests: ['files'], taps: [{ tap: 'vnet7', domain: 'files', mac: '52:54:00:00:00:07' }], rxBytesPerSec: 2048, txBytesPerSec: 1024 };
  const name = (r: NetworkRow) => (r.kind === 'network' ? r.net.name : r.kind === 'bridge' ? r.bridge.name : r.kind === 'lease' ? r.lease.ip : r.tap.tap);

  it('a row per network with leases used of its range and its guests, then the host bridges', () => {
    const f = frameWith(null, [nat, iso], {}, [br0]);
    const rows = networkRows(f);
    expect(networkOpens(rows)).toEqual([`${HOST}#n1`, `${HOST}#n2`, `${HOST}#bridge:br0`]);
    // by name, whatever order libvirt listed them in
    expect(networkRows(frameWith(null, [iso, nat])).map(name)).toEqual(['default', 'iso']);
    const lines = renderList(networksSpec(f, rows, 140), 140, 6, f.palette).map(strip);
    expect(lines[0]).toMatch(/^Networks +2 network\(s\), 1 host bridge\(s\), 1 lease\(s\)  Enter: its leases and taps  0\/Esc: domains/);
    expect(lines[1]).toMatch(/^NETWORK \/ LEASE +FORWARD +BRIDGE +STATE +AUTO +ADDRESS \/ MAC +RX\/s +TX\/s +LEASES +GUESTS \/ LEASE/);
    expect(lines[2]).toMatch(/^default +nat +virbr0 +active +yes +192\.168\.122\.1\/24 +3\.0M +512K +1\/253 +web-01, db-01/);
    expect(lines[3]).toMatch(/^iso +isolated +virbr9 +active +yes +- +- +- +- +-/);
    expect(lines[4]).toMatch(/^br0 +host +br0 +- +- +- +2\.0K +1\.0K +- +files/);
  });

  it('a network opened: it alone, then its leases and its taps; a lease or a tap stands for its domain', () => {
    const f = frameWith(null, [nat, iso], { networks: { key: `${HOST}#n1`, cursorWas: 0 } });
    const rows = networkRows(f);
    expect(rows.map(name)).toEqual(['default', '192.168.122.7', 'vnet0', 'vnet4']);
    expect(networkOpens(rows)).toEqual([`${HOST}#n1`, null, null, null]);
    expect(rows.map(networkRowDomain)).toEqual([null, 'web-01', 'web-01', 'db-01']);
    const lines = renderList(networksSpec(f, rows, 140), 140, 6, f.palette).map(strip);
    expect(lines[0]).toMatch(/^Network default +1 lease\(s\), 2 tap\(s\)  Esc: all networks/);
    expect(lines[2]).toMatch(/^default +nat +virbr0/);
    expect(lines[3]).toMatch(/^ {2}192\.168\.122\.7 +52:54:00:00:00:01 +web-01, host name web; expires never/);
    expect(lines[4]).toMatch(/^ {2}vnet0 +tap +52:54:00:00:00:01 +web-01 *$/);
  });

  it('a host bridge opened: it alone, then its taps', () => {
    const f = frameWith(null, [nat], { networks: { key: `${HOST}#bridge:br0`, cursorWas: 1 } }, [br0]);
    const rows = networkRows(f);
    expect(rows.map(name)).toEqual(['br0', 'vnet7']);
    const lines = renderList(networksSpec(f, rows, 140), 140, 4, f.palette).map(strip);
    expect(lines[0]).toMatch(/^Host bridge br0 +1 tap\(s\)  Esc: all networks/);
    expect(lines[3]).toMatch(/^ {2}vnet7 +tap +52:54:00:00:00:07 +files *$/);
  });
});
