// Storage pools, volumes, networks and DHCP leases through the binding, on
// the demo host (a test-driver node XML with a dir pool of volumes and two
// networks) and on test:///default.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

import { ErrorCode, LibvirtError, PoolState } from '../../src/libvirt/index.js';
import { ConnectionPool, DEFAULT_URI, UNKNOWN_UUID } from './helpers/env.js';

const DEMO_URI = `test://${fileURLToPath(new URL('../../demo/host.xml', import.meta.url))}`;
const pool = new ConnectionPool();
afterEach(() => pool.closeAll());

describe('storage pools and volumes', () => {
  it('lists every pool with its state, sizes, autostart, persistence and XML', async () => {
    const c = await pool.open(DEMO_URI, true);
    const pools = await c.listStoragePools();
    const def = pools.find((p) => p.name === 'default');
    expect(def).toBeDefined();
    expect(def).toMatchObject({ uuid: '5e7d2c18-94a3-4f60-b1d7-3a8c6e0f9d54', state: PoolState.Running, persistent: true });
    expect(typeof def!.capacityBytes).toBe('bigint');
    expect(def!.allocationBytes).toBeGreaterThan(0n);
    expect(def!.capacityBytes).toBeGreaterThanOrEqual(def!.allocationBytes);
    expect(def!.xml).toContain('<path>/var/lib/libvirt/images</path>');
    expect(def!.xml).toMatch(/<pool type=['"]dir['"]/);
  });

  it('lists a pool’s volumes with path, type and sizes as the node XML gives them', async () => {
    const c = await pool.open(DEMO_URI, true);
    const def = (await c.listStoragePools()).find((p) => p.name === 'default')!;
    const vols = await c.listVolumes(def.uuid);
    const web = vols.find((v) => v.name === 'web-01-vda.qcow2');
    expect(web).toEqual({
      name: 'web-01-vda.qcow2',
      key: '/var/lib/libvirt/images/web-01-vda.qcow2',
      path: '/var/lib/libvirt/images/web-01-vda.qcow2',
      type: 0,
      capacityBytes: 40n * 2n ** 30n,
      allocationBytes: 5632n * 2n ** 20n,
      xml: expect.stringMatching(/<format type=['"]qcow2['"]\/>/),
    });
  });

  it('an unknown pool is a typed error naming the call', async () => {
    const c = await pool.open(DEFAULT_URI, true);
    const err = await c.listVolumes(UNKNOWN_UUID).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).code).toBe(ErrorCode.NoStoragePool);
    expect((err as LibvirtError).call).toBe('virStoragePoolLookupByUUIDString');
    expect((err as LibvirtError).method).toBe('listVolumes');
  });
});

describe('networks and leases', () => {
  it('lists networks with state, bridge and XML', async () => {
    const c = await pool.open(DEMO_URI, true);
    const nets = await c.listNetworks();
    expect(nets.map((n) => n.name).sort()).toEqual(['default', 'storage-net']);
    const nat = nets.find((n) => n.name === 'default')!;
    expect(nat).toMatchObject({ uuid: '9a05da11-7f3c-4a1e-8d2b-6c0e4f5a1b22', active: true, persistent: true, bridge: 'virbr0' });
    expect(nat.xml).toMatch(/<forward mode=['"]nat['"]/);
    expect(nat.xml).toMatch(/<range start=['"]192\.168\.122\.2['"] end=['"]192\.168\.122\.254['"]/);
  });

  it('the test driver keeps no DHCP leases: the call says so with a typed error (the lab checks real ones)', async () => {
    const c = await pool.open(DEMO_URI, true);
    const nat = (await c.listNetworks()).find((n) => n.name === 'default')!;
    const err = await c.networkDhcpLeases(nat.uuid).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).code).toBe(ErrorCode.NoSupport);
    expect((err as LibvirtError).call).toBe('virNetworkGetDHCPLeases');
  });
});

describe('pool and network events', () => {
  it('registers a listener on the test driver and removes it; a closed connection refuses', async () => {
    const c = await pool.open(DEFAULT_URI, true);
    const id = c.onInventoryEvent(() => undefined);
    expect(Number.isInteger(id)).toBe(true);
    expect(() => c.offInventoryEvent(id)).not.toThrow();
    await c.close();
    expect(() => c.onInventoryEvent(() => undefined)).toThrow();
  });
});
