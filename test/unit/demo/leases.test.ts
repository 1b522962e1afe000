import { describe, expect, it } from 'vitest';
import { demoLeases, type DemoLeaseSource } from '../../../src/demo/leases.js';
import type { NetworkEntry } from '../../../src/libvirt/types.js';
import { NAT_NETWORK } from '../../helpers/networks.js';

const nat = NAT_NETWORK;
const iso: NetworkEntry = { ...nat, name: 'iso', uuid: 'n2', bridge: 'virbr1', xml: "<network><name>iso</name><ip address='10.0.0.1' netmask='255.255.255.0'/></network>" };
const dom = (name: string, nics: [string, string][]) =>
  `<domain type='test'><name>${name}</name><devices>${nics.map(([net, mac]) => `<interface type='network'><mac address='${mac}'/><source network='${net}'/></interface>`).join('')}</devices></domain>`;

function source(): DemoLeaseSource & { calls: number[] } {
  const xml: Record<string, string> = {
    u1: dom('web 01', [['default', '52:54:00:00:00:01']]),
    u2: dom('db', [['default', '52:54:00:00:00:02'], ['iso', '52:54:00:00:00:03']]),
  };
  const calls: number[] = [];
  return {
    calls,
    listStoragePools: async () => [],
    listVolumes: async () => [],
    listNetworks: async () => [nat, iso],
    networkDhcpLeases: async () => {
      throw new Error('the test driver keeps no leases');
    },
    close: async () => undefined,
    listAllDomains: async (flags) => {
      calls.push(flags);
      return [
        { name: 'web 01', uuid: 'u1', id: 1, state: 1, persistent: true, active: true },
        { name: 'db', uuid: 'u2', id: 2, state: 1, persistent: true, active: true },
      ];
    },
    domainXml: async (uuid) => xml[uuid],
  };
}

describe('demoLeases', () => {
  it('one lease per active guest NIC on the network, in its DHCP range, in name order, renewed on the hour', async () => {
    const l = demoLeases(source(), () => 1_700_001_234.5);
    expect(await l.networkDhcpLeases('n1')).toEqual([
      { iface: 'virbr0', expirySec: 1_700_002_800, type: 'ipv4', mac: '52:54:00:00:00:02', ip: '192.168.122.10', prefix: 24, hostname: 'db', clientId: null },
      { iface: 'virbr0', expirySec: 1_700_002_800, type: 'ipv4', mac: '52:54:00:00:00:01', ip: '192.168.122.11', prefix: 24, hostname: 'web-01', clientId: null },
    ]);
  });

  it('a network without DHCP, or unknown, has none', async () => {
    const l = demoLeases(source());
    expect(await l.networkDhcpLeases('n2')).toEqual([]);
    expect(await l.networkDhcpLeases('nope')).toEqual([]);
  });
});
