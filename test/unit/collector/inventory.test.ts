import { describe, expect, it } from 'vitest';
import { InventoryPoller, networkSample, poolSample, type InventoryLookup } from '../../../src/collector/inventory.js';
import { LibvirtError } from '../../../src/libvirt/errors.js';
import type { DhcpLease, InventoryEvent, NetworkEntry, StoragePoolEntry, StorageVolumeEntry } from '../../../src/libvirt/types.js';
import { NAT_NETWORK } from '../../helpers/networks.js';

const GiB = 2n ** 30n;
const images: StoragePoolEntry = {
  name: 'default',
  uuid: 'p1',
  state: 2,
  capacityBytes: 100n * GiB,
  allocationBytes: 40n * GiB,
  availableBytes: 60n * GiB,
  autostart: true,
  persistent: true,
  xml: "<pool type='dir'><name>default</name><target><path>/var/lib/libvirt/images</path></target></pool>",
};
const offPool: StoragePoolEntry = { ...images, name: 'vg0', uuid: 'p2', state: 0, capacityBytes: 0n, allocationBytes: 0n, availableBytes: 0n, autostart: false, xml: "<pool type='logical'><name>vg0</name><source><device path='/dev/sdb'/></source><target><path>/dev/vg0</path></target></pool>" };
const vols: StorageVolumeEntry[] = [
  {
    name: 'a.qcow2',
    key: 'k',
    path: '/var/lib/libvirt/images/a.qcow2',
    type: 0,
    capacityBytes: 20n * GiB,
    allocationBytes: 3n * GiB,
    xml: "<volume type='file'><name>a.qcow2</name><target><path>/var/lib/libvirt/images/a.qcow2</path><format type='qcow2'/></target></volume>",
  },
];
const nat = NAT_NETWORK;
const iso: NetworkEntry = { ...nat, name: 'iso', uuid: 'n2', bridge: 'virbr9', xml: "<network><name>iso</name><bridge name='virbr9'/></network>" };
const lease: DhcpLease = { iface: 'virbr0', expirySec: 1_700_000_600, type: 'ipv4', mac: '52:54:00:AA:BB:CC', ip: '192.168.122.50', prefix: 24, hostname: 'web-01', clientId: null };

function fakeLookup(over: Partial<InventoryLookup> = {}) {
  const calls: string[] = [];
  const lookup: InventoryLookup = {
    listStoragePools: async () => (calls.push('pools'), [images, offPool]),
    listVolumes: async (u) => (calls.push(`vols ${u}`), vols),
    listNetworks: async () => (calls.push('nets'), [nat, iso]),
    networkDhcpLeases: async (u) => (calls.push(`leases ${u}`), [lease]),
    close: async () => undefined,
    ...over,
  };
  return { lookup, calls };
}

function poller(lookup: InventoryLookup, clock: { now: number }) {
  return new InventoryPoller('qemu:///system', { connect: async () => lookup, intervalMs: 30_000, clock: { monoNs: () => 0n, wallMs: () => clock.now } });
}

describe('poolSample / networkSample', () => {
  it('joins the list call with what the XML says', () => {
    expect(poolSample(images, vols, null)).toEqual({
      name: 'default',
      uuid: 'p1',
      state: 'running',
      type: 'dir',
      targetPath: '/var/lib/libvirt/images',
      source: null,
      capacityBytes: 100n * GiB,
      allocationBytes: 40n * GiB,
      availableBytes: 60n * GiB,
      autostart: true,
      persistent: true,
      volumes: [{ name: 'a.qcow2', path: '/var/lib/libvirt/images/a.qcow2', type: 'file', format: 'qcow2', capacityBytes: 20n * GiB, allocationBytes: 3n * GiB }],
      error: null,
    });
    expect(networkSample(nat, [lease], null)).toEqual({
      name: 'default',
      uuid: 'n1',
      active: true,
      persistent: true,
      autostart: true,
      forward: 'nat',
      bridge: 'virbr0',
      addresses: ['192.168.122.1/24'],
      dhcpSize: 253,
      leases: [{ mac: '52:54:00:aa:bb:cc', ip: '192.168.122.50', prefix: 24, type: 'ipv4', hostname: 'web-01', expiresWallMs: 1_700_000_600_000 }],
      error: null,
    });
  });

  it('keeps what it has when the XML is bad, and says so', () => {
    const p = poolSample({ ...images, xml: '<pool' }, null, 'volumes: gone');
    expect(p).toMatchObject({ type: null, targetPath: null, volumes: null, capacityBytes: 100n * GiB });
    expect(p.error).toMatch(/^pool XML does not parse: .*; volumes: gone$/);
    expect(networkSample({ ...iso, xml: '<x/>' }, null, null)).toMatchObject({ forward: null, bridge: 'virbr9', dhcpSize: null, error: 'network XML has no <network> root element' });
  });
});

describe('InventoryPoller', () => {
  it('reads pools, the volumes of active ones, networks and the leases of those with DHCP; again only when due or asked', async () => {
    const { lookup, calls } = fakeLookup();
    const clock = { now: 1_000_000 };
    const p = poller(lookup, clock);
    expect(p.get()).toBeUndefined();
    p.update();
    await p.settle();
    expect(calls).toEqual(['pools', 'nets', 'vols p1', 'leases n1']);
    const inv = p.get()!;
    expect(inv.pools.map((x) => [x.name, x.state, x.volumes?.length ?? null])).toEqual([
      ['default', 'running', 1],
      ['vg0', 'inactive', null],
    ]);
    expect(inv.networks.map((x) => [x.name, x.forward, x.leases?.length ?? null])).toEqual([
      ['default', 'nat', 1],
      ['iso', 'isolated', null],
    ]);
    expect(inv).toMatchObject({ atWallMs: 1_000_000, error: null });

    clock.now += 29_000;
    p.update();
    await p.settle();
    expect(p.rounds).toBe(1);
    p.refresh();
    p.update();
    await p.settle();
    expect(p.rounds).toBe(2);
    clock.now += 30_000;
    p.update();
    await p.settle();
    expect(p.rounds).toBe(3);
  });

  it('a pool or network event makes the next tick read them again; listens once per connection; a driver without events is polled', async () => {
    let emit: ((ev: InventoryEvent) => void) | null = null;
    let registrations = 0;
    const { lookup } = fakeLookup({
      onInventoryEvent: (cb) => {
        registrations++;
        emit = cb;
        return 7;
      },
    });
    const clock = { now: 1_000_000 };
    const p = poller(lookup, clock);
    p.update();
    await p.settle();
    expect(registrations).toBe(1);
    // not due: no round
    p.update();
    await p.settle();
    expect(p.rounds).toBe(1);
    emit!({ object: 'pool', name: 'new', uuid: 'p9', event: 2, detail: 0 });
    expect(p.events).toBe(1);
    p.update();
    await p.settle();
    expect(p.rounds).toBe(2);
    expect(registrations).toBe(1);

    const { lookup: noEvents } = fakeLookup({
      onInventoryEvent: () => {
        throw new LibvirtError({ message: 'this function is not supported by the connection driver', code: 3, domain: 12, call: 'virConnectStoragePoolEventRegisterAny' });
      },
    });
    const q = poller(noEvents, clock);
    q.update();
    await q.settle();
    expect(q.get()).toMatchObject({ error: null });
  });

  it('stops asking for leases where the driver keeps none; a failed list says why and leaves the other', async () => {
    const noSupport = new LibvirtError({ message: 'this function is not supported by the connection driver: virNetworkGetDHCPLeases', code: 3, domain: 12, call: 'virNetworkGetDHCPLeases' });
    const { lookup, calls } = fakeLookup({
      networkDhcpLeases: async () => {
        calls.push('leases');
        throw noSupport;
      },
      listStoragePools: async () => {
        throw new Error('access denied');
      },
    });
    const clock = { now: 0 };
    const p = poller(lookup, clock);
    p.update();
    await p.settle();
    expect(p.get()).toMatchObject({ pools: [], error: 'storage pools: access denied' });
    expect(p.get()!.networks[0]).toMatchObject({ name: 'default', leases: null, error: null });
    p.refresh();
    p.update();
    await p.settle();
    expect(calls.filter((c) => c === 'leases')).toHaveLength(1);
  });

  it('keeps the last answer when the connection is lost, says why, and opens a new one next round', async () => {
    let lostOnce = false;
    const { lookup } = fakeLookup({
      listStoragePools: async () => {
        if (lostOnce) throw new LibvirtError({ message: 'End of file while reading data: Input/output error', code: 38, domain: 7, call: 'virConnectListAllStoragePools' });
        return [images, offPool];
      },
    });
    let connects = 0;
    let refuse = false;
    const clock = { now: 0 };
    const p = new InventoryPoller('qemu+ssh://hv2/system', {
      connect: async () => {
        connects++;
        if (refuse) throw new Error('no route to host');
        return lookup;
      },
      clock: { monoNs: () => 0n, wallMs: () => clock.now },
    });
    const round = async () => {
      p.refresh();
      p.update();
      await p.settle();
    };
    await round();
    lostOnce = true;
    await round();
    expect(p.get()!.pools.map((x) => x.name)).toEqual(['default', 'vg0']);
    expect(p.get()!.error).toBe('storage pools: End of file while reading data: Input/output error');
    refuse = true;
    await round();
    expect(connects).toBe(2);
    expect(p.get()!.pools).toHaveLength(2);
    expect(p.get()!.error).toBe('qemu+ssh://hv2/system: cannot connect: no route to host');
  });
});
