// Guest IP addresses through the binding (virDomainInterfaceAddresses) and
// NUMA free memory (virNodeGetCellsFreeMemory) against libvirt's test
// driver, then the collector's slow address loop on top of them.
import { afterEach, describe, expect, it } from 'vitest';

import { AddressPoller, type AddressLookup } from '../../src/collector/addresses.js';
import { HostCollector } from '../../src/collector/host.js';
import type { LibvirtSource } from '../../src/collector/source.js';
import { AddressSourceCode, Connection, ErrorCode, LibvirtError } from '../../src/libvirt/index.js';
import { Model } from '../../src/model/model.js';
import { ConnectionPool, DEFAULT_DOMAIN, DEFAULT_URI, UNKNOWN_UUID } from './helpers/env.js';

const pool = new ConnectionPool();
afterEach(() => pool.closeAll());

// test:///default's one domain has one NIC (network 'default', MAC aa:bb:cc:dd:ee:ff);
// the test driver makes up 192.168.122.x/24 for it whatever the source.
const TEST_NIC = { name: 'testnet0', hwaddr: 'aa:bb:cc:dd:ee:ff', addrs: [{ type: 'ipv4', addr: '192.168.122.3', prefix: 24 }] };

describe('interfaceAddresses', () => {
  it.each([
    ['lease', AddressSourceCode.Lease],
    ['agent', AddressSourceCode.Agent],
    ['arp', AddressSourceCode.Arp],
  ])('answers from the %s source', async (_name, source) => {
    const c = await pool.open(DEFAULT_URI);
    expect(await c.interfaceAddresses(DEFAULT_DOMAIN.uuid, source)).toEqual([TEST_NIC]);
  });

  it('the agent source is refused on a read-only connection (libvirt checks it), lease is not', async () => {
    const c = await pool.open(DEFAULT_URI, true);
    expect(await c.interfaceAddresses(DEFAULT_DOMAIN.uuid, AddressSourceCode.Lease)).toEqual([TEST_NIC]);
    const err = await c.interfaceAddresses(DEFAULT_DOMAIN.uuid, AddressSourceCode.Agent).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).code).toBe(ErrorCode.OperationDenied);
  });

  it('an inactive domain, an unknown one, an unknown source and bad arguments fail cleanly', async () => {
    const c = await pool.open(DEFAULT_URI);
    await c.destroy(DEFAULT_DOMAIN.uuid);
    const off = await c.interfaceAddresses(DEFAULT_DOMAIN.uuid, AddressSourceCode.Lease).catch((e: unknown) => e);
    expect(off).toBeInstanceOf(LibvirtError);
    expect((off as LibvirtError).code).toBe(ErrorCode.OperationInvalid);
    await c.create(DEFAULT_DOMAIN.uuid);
    const gone = await c.interfaceAddresses(UNKNOWN_UUID, AddressSourceCode.Lease).catch((e: unknown) => e);
    expect((gone as LibvirtError).code).toBe(ErrorCode.NoDomain);
    const bad = await c.interfaceAddresses(DEFAULT_DOMAIN.uuid, 7).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(LibvirtError);
    await expect(c.interfaceAddresses(DEFAULT_DOMAIN.uuid, -1)).rejects.toBeInstanceOf(TypeError);
    await expect(c.interfaceAddresses(42 as unknown as string, 0)).rejects.toBeInstanceOf(TypeError);
  });

  it('a closed connection rejects with closed', async () => {
    const c = await pool.open(DEFAULT_URI);
    await c.close();
    await expect(c.interfaceAddresses(DEFAULT_DOMAIN.uuid, 0)).rejects.toMatchObject({ name: 'ClosedError' });
  });
});

describe('nodeCellsFreeMemory', () => {
  it('gives free bytes per NUMA cell of the test host', async () => {
    const c = await pool.open(DEFAULT_URI);
    const cells = await c.nodeCellsFreeMemory();
    const info = await c.nodeInfo();
    expect(cells.length).toBe(info.nodes);
    cells.forEach((x, i) => {
      expect(x.cell).toBe(i);
      expect(typeof x.freeBytes).toBe('bigint');
    });
  });
});

describe('the slow address loop on the binding', () => {
  it('finds the test domain by lease on a read-only connection of its own, and the model shows it on its NIC', async () => {
    const hc = new HostCollector(DEFAULT_URI, {
      readonly: true,
      proc: null,
      connect: async (u) => (await pool.open(u, true)) as unknown as LibvirtSource,
      addresses: { connect: async () => (await pool.open(DEFAULT_URI, true)) as unknown as AddressLookup },
    });
    const model = new Model();
    model.ingest({ seq: 0, monoNs: 0n, wallMs: 0, hosts: [await hc.sample()] });
    await hc.addresses?.settle();
    const v = model.ingest({ seq: 1, monoNs: 1n, wallMs: 1, hosts: [await hc.sample()] });
    const d = v.domains.find((x) => x.uuid === DEFAULT_DOMAIN.uuid);
    expect(d?.addresses).toMatchObject({ source: 'lease', error: null });
    expect(d?.nics[0]).toMatchObject({ mac: 'aa:bb:cc:dd:ee:ff', addrs: [{ type: 'ipv4', addr: '192.168.122.3', prefix: 24 }], addrSource: 'lease' });
    await hc.close();
  });

  it('remote-style hosts get NUMA free memory from libvirt into capacity', async () => {
    const hc = new HostCollector(DEFAULT_URI, { readonly: true, proc: null, connect: async (u) => (await pool.open(u, true)) as unknown as LibvirtSource });
    const s = await hc.sample();
    expect(s.extra?.numa.length).toBeGreaterThan(0);
    const v = new Model().ingest({ seq: 0, monoNs: 0n, wallMs: 0, hosts: [s] });
    expect(v.hosts[0].capacity?.numa?.[0]).toMatchObject({ node: 0, totalKiB: null });
    expect(v.hosts[0].capacity?.pressure).toBeNull();
    await hc.close();
  });

  it('with a read-only connection the agent source is skipped after the first refusal', async () => {
    const calls: number[] = [];
    const c = await pool.open(DEFAULT_URI, true);
    const lookup: AddressLookup = {
      interfaceAddresses: (uuid, source) => {
        calls.push(source);
        return source === AddressSourceCode.Lease ? Promise.resolve([]) : c.interfaceAddresses(uuid, source);
      },
      close: async () => {},
    };
    const p = new AddressPoller(DEFAULT_URI, { connect: async () => lookup });
    p.update([{ uuid: DEFAULT_DOMAIN.uuid, active: true, nics: 1 }]);
    await p.settle();
    expect(p.get(DEFAULT_DOMAIN.uuid)?.source).toBe('arp');
    p.invalidate(DEFAULT_DOMAIN.uuid);
    p.update([{ uuid: DEFAULT_DOMAIN.uuid, active: true, nics: 1 }]);
    await p.settle();
    expect(calls).toEqual([0, 1, 2, 0, 2]);
    await p.close();
  });
});

// Connection must satisfy what the poller needs.
const _typecheck: AddressLookup = {} as Connection;
void _typecheck;
