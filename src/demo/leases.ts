// DHCP leases and autostart flags for the demo host. libvirt's test driver
// keeps no leases, so the demo's NAT network would show an empty lease list;
// this wraps the pools and networks loop's connection and hands out one
// lease per guest NIC on a network with DHCP, in its range, renewed every
// hour, as dnsmasq would. Its guests never autostart either (the node XML
// cannot say so): here the production ones do, the dev, staging, build and
// backup ones do not, and the transient one cannot.

import type { InventoryLookup } from '../collector/inventory.js';
import { parseDomainXml } from '../libvirt/domain-xml.js';
import { parseNetworkXml } from '../libvirt/pool-network-xml.js';
import { ListFlags, type DhcpLease, type DomainListEntry } from '../libvirt/types.js';

/** What the demo needs besides the inventory calls: the guests and their XML. */
export interface DemoLeaseSource extends InventoryLookup {
  listAllDomains(flags: number): Promise<DomainListEntry[]>;
  domainXml(uuid: string, flags: number): Promise<string>;
}

const LEASE_SEC = 3600;
/** the demo guests that do not start with the host */
const NOT_AUTOSTART = /^(dev|staging|build|backup)/;

function ipv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function ipNum(a: string): number | null {
  const p = a.split('.').map(Number);
  return p.length === 4 && p.every((x) => Number.isInteger(x) && x >= 0 && x <= 255) ? ((p[0] * 256 + p[1]) * 256 + p[2]) * 256 + p[3] : null;
}

export function demoLeases(inner: DemoLeaseSource, nowSec: () => number = () => Date.now() / 1000): InventoryLookup {
  return {
    listStoragePools: () => inner.listStoragePools(),
    listVolumes: (u) => inner.listVolumes(u),
    listNetworks: () => inner.listNetworks(),
    close: () => inner.close(),
    ...(inner.onInventoryEvent ? { onInventoryEvent: inner.onInventoryEvent.bind(inner) } : {}),
    listDomainNames: async (flags) => {
      // one listing: it says which guests are persistent (a transient one never autostarts)
      const all = await inner.listAllDomains(0);
      const autostarts = (d: DomainListEntry) => d.persistent && !NOT_AUTOSTART.test(d.name);
      const want = (flags & ListFlags.Autostart) !== 0 ? true : (flags & ListFlags.NoAutostart) !== 0 ? false : null;
      return all.filter((d) => want === null || autostarts(d) === want).map((d) => ({ name: d.name, uuid: d.uuid }));
    },
    networkDhcpLeases: async (uuid) => {
      const net = (await inner.listNetworks()).find((n) => n.uuid === uuid);
      const def = net ? parseNetworkXml(net.xml) : null;
      const range = def?.ok ? def.value.dhcpRanges[0] : undefined;
      const start = range ? ipNum(range.start) : null;
      if (!net || start === null) return [];
      const leases: DhcpLease[] = [];
      // Active guests only, in name order, so the addresses stay put from round to round.
      const doms = (await inner.listAllDomains(ListFlags.Active)).sort((a, b) => a.name.localeCompare(b.name));
      for (const d of doms) {
        const x = parseDomainXml(await inner.domainXml(d.uuid, 0));
        if (!x.ok) continue;
        for (const nic of x.value.nics) {
          if (nic.source !== net.name || nic.mac === null) continue;
          const now = Math.floor(nowSec());
          leases.push({
            iface: net.bridge ?? net.name,
            expirySec: now - (now % LEASE_SEC) + LEASE_SEC,
            type: 'ipv4',
            mac: nic.mac,
            ip: ipv4(start + leases.length + 8),
            prefix: 24,
            hostname: d.name.replace(/[^A-Za-z0-9-]/g, '-'),
            clientId: null,
          });
        }
      }
      return leases;
    },
  };
}
