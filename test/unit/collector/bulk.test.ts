import { describe, expect, it } from 'vitest';
import { domainFromRecord, indicesOf, isThinRecord, stateName } from '../../../src/collector/bulk.js';
import type { DomainDef } from '../../../src/libvirt/domain-xml.js';

// Shape recorded from libvirt 9.0's qemu driver (virsh domstats --raw on a lab guest).
const params = {
  'state.state': 1,
  'state.reason': 1,
  'cpu.time': 9_007_199_254_740_993n, // 2^53 + 1: must survive exactly
  'cpu.user': 1_000_000n,
  'cpu.system': 2_000_000n,
  'balloon.current': 262144n,
  'balloon.maximum': 393216n,
  'balloon.unused': 100000n,
  'balloon.available': 230000n,
  'balloon.last-update': 1_764_000_000n,
  'balloon.rss': 150000n,
  'vcpu.current': 2,
  'vcpu.maximum': 4,
  'vcpu.0.state': 1,
  'vcpu.0.time': 5_000_000_000n,
  'vcpu.0.wait': 0n,
  'vcpu.0.delay': 1_000n,
  'vcpu.1.state': 1,
  'vcpu.1.time': 7_000_000n,
  'vcpu.1.wait': 0n,
  'net.count': 1,
  'net.0.name': 'vnet7',
  'net.0.rx.bytes': 1234n,
  'net.0.rx.pkts': 10n,
  'net.0.rx.errs': 0n,
  'net.0.rx.drop': 0n,
  'net.0.tx.bytes': 999n,
  'net.0.tx.pkts': 9n,
  'net.0.tx.errs': 0n,
  'net.0.tx.drop': 2n,
  'block.count': 2,
  'block.0.name': 'vda',
  'block.0.path': '/var/lib/virtop-lab/disk.qcow2',
  'block.0.rd.reqs': 100n,
  'block.0.rd.bytes': 409600n,
  'block.0.wr.reqs': 50n,
  'block.0.wr.bytes': 204800n,
  'block.0.capacity': 67108864n,
  'block.0.allocation': 1048576n,
  'block.1.name': 'vda', // backing chain entry repeats the target
  'block.1.rd.reqs': 1n,
};

const def: DomainDef = {
  name: 'lab',
  title: null,
  openstack: null,
  uuid: 'u',
  type: 'qemu',
  maxMemKiB: 393216,
  currentMemKiB: 262144,
  maxVcpus: 4,
  currentVcpus: 2,
  disks: [{ target: 'vda', source: '/x', device: 'disk', bus: 'virtio', type: 'file', driver: { name: 'qemu', type: 'qcow2', cache: 'none', discard: 'unmap' }, protocol: null, serial: 'S1' }],
  nics: [{ target: 'vnet7', mac: '52:54:00:12:34:56', type: 'network', source: 'virtop-lab-net', bridge: 'virtoplab0', model: 'virtio', mtu: 9000 }],
  hasBalloon: true,
  balloonStatsPeriodSec: 1,
};

describe('domainFromRecord', () => {
  it('maps a full qemu record', () => {
    const d = domainFromRecord({ name: 'lab', uuid: 'u', params }, { id: 5, persistent: true, state: 1 }, def);
    expect(d.state).toBe('running');
    expect(d.id).toBe(5);
    expect(d.cpuTimeNs).toBe(9_007_199_254_740_993n);
    expect(d.vcpusCurrent).toBe(2);
    expect(d.vcpusMax).toBe(4);
    expect(d.vcpus).toEqual([
      { vcpu: 0, state: 1, timeNs: 5_000_000_000n, waitNs: 0n, delayNs: 1000n },
      { vcpu: 1, state: 1, timeNs: 7_000_000n, waitNs: 0n, delayNs: null },
    ]);
    expect(d.disks).toHaveLength(1);
    expect(d.disks[0]).toMatchObject({ name: 'vda', path: '/var/lib/virtop-lab/disk.qcow2', rdBytes: 409600n, wrReqs: 50n, errors: null, capacityBytes: 67108864n });
    expect(d.nics[0]).toMatchObject({ name: 'vnet7', mac: '52:54:00:12:34:56', source: 'virtop-lab-net', type: 'network', bridge: 'virtoplab0', txDrop: 2n });
    expect(d.balloon).toMatchObject({ currentKiB: 262144n, maximumKiB: 393216n, unusedKiB: 100000n, availableKiB: 230000n, lastUpdateSec: 1_764_000_000n, swapInKiB: null });
    expect(d.memMaxKiB).toBe(393216n);
    expect(isThinRecord(params)).toBe(false);
  });

  it('maps a thin test-driver record (state only) using the domain list and XML', () => {
    const d = domainFromRecord({ name: 't', uuid: 'u', params: { 'state.state': 3, 'state.reason': 0 } }, { id: 2, persistent: false, state: 3 }, def);
    expect(isThinRecord({ 'state.state': 3 })).toBe(true);
    expect(d.state).toBe('paused');
    expect(d.cpuTimeNs).toBeNull();
    expect(d.vcpusCurrent).toBe(2);
    expect(d.disks).toEqual([]);
    expect(d.balloon.currentKiB).toBeNull();
  });

  it('inactive domain: id -1 becomes null', () => {
    const d = domainFromRecord({ name: 'off', uuid: 'u', params: { 'state.state': 5 } }, { id: -1, persistent: true, state: 5 }, null);
    expect(d.id).toBeNull();
    expect(d.state).toBe('shutoff');
    expect(d.vcpusMax).toBeNull();
  });

  it.each([
    [0, 'nostate'],
    [1, 'running'],
    [3, 'paused'],
    [5, 'shutoff'],
    [7, 'pmsuspended'],
    [99, 'nostate'],
    [null, 'nostate'],
  ])('stateName(%s) = %s', (code, name) => {
    expect(stateName(code as number | null)).toBe(name);
  });
});

describe('indicesOf', () => {
  it.each<[string, Record<string, string | number>, string, number, string[], number[]]>([
    ['in order, each once', { 'block.2.name': 'vdc', 'block.0.name': 'vda', 'block.0.path': '/a', 'block.count': 3 }, 'block', 3, ['name'], [0, 2]],
    ['only entries with the field', { 'block.0.name': 'vda', 'block.1.path': '/b', 'block.count': 2 }, 'block', 2, ['name'], [0]],
    ['either field', { 'vcpu.0.state': 1, 'vcpu.1.time': 5, 'vcpu.2.wait': 0 }, 'vcpu', 3, ['state', 'time'], [0, 1]],
    ['none at or past the limit', { 'net.0.name': 'vnet0', 'net.1.name': 'vnet1' }, 'net', 1, ['name'], [0]],
    ['not the group, not an index', { 'block.count': 5, 'blockx.1.name': 'a', 'block.1e3.name': 'b', 'block..name': 'c' }, 'block', 5, ['name'], []],
    // a count of 10^9 (a driver bug, a hostile server) costs what the keys cost, not 10^9 steps
    ['a huge count', { 'vcpu.current': 1, 'vcpu.0.state': 1, 'vcpu.999999999.time': 5, 'vcpu.7.wait': 1 }, 'vcpu', 1e9, ['state', 'time'], [0, 999999999]],
    ['a huge count, past the limit', { 'block.5000.name': 'a', 'block.2000.name': 'b' }, 'block', 3000, ['name'], [2000]],
  ])('%s', (_what, params, group, limit, fields, want) => {
    expect(indicesOf(params, group, limit, fields)).toEqual(want);
  });
});

