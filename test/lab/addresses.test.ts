// Guest IP addresses on a real guest, without leaving link-local: the guest
// virtop-lab-ipaddr sits on virtop-lab-ipnet, an isolated lab network whose
// DHCP (libvirt's dnsmasq) hands out 169.254.77.10-99, and takes a lease with
// busybox udhcpc. The busybox guests have no agent. The collector's slow
// address loop, on its own connection, has to find the address by lease and
// the model has to put it on the right NIC, while ticks go on undisturbed.
// Only what this file starts is removed at the end (lab.sh removes the DHCP
// network with the last ipaddr guest).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { localProcProbe } from '../../src/app/hosts.js';
import { AddressPoller } from '../../src/collector/addresses.js';
import { InventoryPoller } from '../../src/collector/inventory.js';
import { readNeighbours } from '../../src/procfs/neigh.js';
import { nodeProcFs } from '../../src/procfs/fs.js';
import { HostCollector } from '../../src/collector/host.js';
import type { LibvirtSource } from '../../src/collector/source.js';
import { Connection } from '../../src/libvirt/connection.js';
import { AddressSourceCode, type InterfaceAddresses } from '../../src/libvirt/types.js';
import { Model } from '../../src/model/model.js';
import type { DomainView } from '../../src/model/view.js';
import { describeLab, ensureLab, LAB_CONNECT, type LabHandle, teardownLab, virsh, waitFor } from './lab.js';

const G = 'virtop-lab-ipaddr';
const IN_RANGE = /^169\.254\.77\.(1\d|[2-9]\d)$/; // the DHCP range .10-.99

describeLab('guest addresses on a real guest (DHCP lease on a link-local network)', () => {
  let lab: LabHandle;
  let hc: HostCollector;
  let model: Model;
  let seq = 0;
  let uuid = '';
  let mac = '';
  let leased = '';

  const tick = async (): Promise<DomainView | null> => {
    const s = await hc.sample();
    const v = model.ingest({ seq: seq++, monoNs: s.monoNs, wallMs: s.wallMs, hosts: [s] });
    return v.domains.find((d) => d.name === G) ?? null;
  };

  beforeAll(async () => {
    lab = await ensureLab([G]);
    uuid = (await virsh(['domuuid', G])).trim();
    mac = /(52:54:00(:[0-9a-f]{2}){3})/.exec(await virsh(['domiflist', G]))?.[1] ?? '';
    model = new Model();
    hc = new HostCollector(LAB_CONNECT, {
      readonly: true,
      proc: localProcProbe(),
      connect: async (u) => (await Connection.open(u, { readonly: true })) as unknown as LibvirtSource,
      // Look again every 2 s (virtop: every 30 s) so the test need not wait long for the guest's DHCP.
      addresses: { connect: async () => Connection.open(LAB_CONNECT, { readonly: false }), intervalMs: 2000 },
    });
  });

  afterAll(async () => {
    await hc?.close();
    if (lab) await teardownLab(lab);
  });

  it('the binding: the lease source has the guest’s link-local address for its MAC; the agent source has nothing', async () => {
    expect(mac).toMatch(/^52:54:00:/);
    const c = await Connection.open(LAB_CONNECT, { readonly: false });
    try {
      const lease = await waitFor(
        'a DHCP lease for the guest',
        async () => {
          const r = await c.interfaceAddresses(uuid, AddressSourceCode.Lease);
          return r.some((i) => i.addrs.length > 0) ? r : undefined;
        },
        90_000,
        1000,
      );
      expect(lease).toHaveLength(1);
      const nic = lease[0] as InterfaceAddresses;
      expect(nic.hwaddr).toBe(mac);
      expect(nic.name).toMatch(/^vnet\d+$/);
      expect(nic.addrs).toHaveLength(1);
      expect(nic.addrs[0]).toMatchObject({ type: 'ipv4', prefix: 24 });
      expect(nic.addrs[0].addr).toMatch(IN_RANGE);
      leased = nic.addrs[0].addr;
      // The same lease as virsh reads it.
      expect(await virsh(['domifaddr', G, '--source', 'lease'])).toContain(`${leased}/24`);
      // No qemu-guest-agent in these guests: libvirt says so (an error, not an empty answer).
      await expect(c.interfaceAddresses(uuid, AddressSourceCode.Agent)).rejects.toThrow(/agent/i);
    } finally {
      await c.close();
    }
  });

  it('the ARP source: the address for the MAC where libvirt can read the neighbour table, else libvirt’s error (kept, not fatal)', async () => {
    const c = await Connection.open(LAB_CONNECT, { readonly: true });
    try {
      // The guest pings the DHCP server every 3 s, so the host has a neighbour entry for it.
      const r = await waitFor(
        'an ARP answer',
        async () => {
          const x = await c.interfaceAddresses(uuid, AddressSourceCode.Arp).then(
            (v) => ({ ok: true as const, v }),
            (e: Error) => ({ ok: false as const, e }),
          );
          return !x.ok || x.v.some((i) => i.addrs.some((a) => a.addr === leased)) ? x : undefined;
        },
        30_000,
        1000,
      );
      if (r.ok) {
        expect(r.v.find((i) => i.addrs.some((a) => a.addr === leased))?.hwaddr).toBe(mac);
      } else {
        // libvirt 9.0 on Linux 6.x: its netlink neighbour dump parser rejects the
        // dump's final message ("internal error: wrong nlmsg len"). virtop treats
        // that as this round's failure (an internal error, code 1), not as a
        // source the host can never use, so a fixed libvirt is used at once.
        console.log(`[addresses] ARP source unusable on this libvirt: ${r.e.message}`);
        expect((r.e as Error & { code?: number }).code).toBe(1);
      }
    } finally {
      await c.close();
    }
  });

  it('with only the ARP source, the address loop finds it: from libvirt, or where libvirt fails, from /proc/net/arp', async () => {
    const poller = new AddressPoller(LAB_CONNECT, {
      connect: () => Connection.open(LAB_CONNECT, { readonly: true }),
      sources: ['arp'],
      neighbours: () => readNeighbours(nodeProcFs()),
      retryMs: 1000,
    });
    try {
      const found = await waitFor(
        'an address by ARP',
        async () => {
          poller.invalidate(uuid);
          poller.update([{ uuid, active: true, nics: 1, macs: [mac] }]);
          await poller.settle();
          const a = poller.get(uuid);
          return a?.source ? a : undefined;
        },
        30_000,
        1000,
      );
      console.log(`[addresses] ${G}: ${found.interfaces[0]?.addrs[0]?.addr} by ${found.source}`);
      expect(['arp', 'arp-table']).toContain(found.source);
      const nic = found.interfaces.find((i) => i.hwaddr === mac);
      expect(nic?.addrs.map((a) => a.addr)).toContain(leased);
    } finally {
      await poller.close();
    }
  });

  it('the collector’s slow loop finds it by lease and the model puts it on the guest’s NIC; ticks do not wait for lookups', async () => {
    const t0 = Date.now();
    const d = await waitFor(
      'the address in the model',
      async () => {
        const x = await tick();
        return x?.addresses?.source ? x : undefined;
      },
      60_000,
      500,
    );
    console.log(`[addresses] ${G}: ${d.addresses?.interfaces[0]?.addrs[0]?.addr} by ${d.addresses?.source} in the model ${((Date.now() - t0) / 1000).toFixed(1)} s after the first tick`);
    expect(d.addresses?.source).toBe('lease');
    expect(d.nics).toHaveLength(1);
    expect(d.nics[0].mac).toBe(mac);
    expect(d.nics[0].addrs).toEqual([{ type: 'ipv4', addr: leased, prefix: 24 }]);
    expect(d.nics[0].addrSource).toBe('lease');
    // A tick is the stats call and /proc reads; the lookups run beside it on their own connection.
    const s = await hc.sample();
    expect(s.tickLatencyMs).toBeLessThan(5000);
  });

  it('the pools and networks loop reads the same lease from the network: the guest’s MAC and address, one of the 90 in the range', async () => {
    const poller = new InventoryPoller(LAB_CONNECT, { connect: async () => Connection.open(LAB_CONNECT, { readonly: true }) });
    try {
      poller.update();
      await poller.settle();
      const inv = poller.get();
      expect(inv?.error ?? null).toBeNull();
      const net = inv?.networks.find((n) => n.name === 'virtop-lab-ipnet');
      expect(net, 'virtop-lab-ipnet in the inventory').toBeDefined();
      expect(net).toMatchObject({ active: true, forward: 'isolated', dhcpSize: 90 });
      expect(net!.leases?.filter((l) => l.mac === mac).map((l) => l.ip)).toEqual([leased]);
      // The model names the domain behind the lease.
      const hs = await hc.sample();
      const v = model.ingest({ seq: seq++, monoNs: hs.monoNs, wallMs: hs.wallMs, hosts: [{ ...hs, inventory: inv }] });
      const nv = v.hosts[0].networks?.find((n) => n.name === 'virtop-lab-ipnet');
      expect(nv?.leases?.find((l) => l.mac === mac)?.domain).toBe(G);
      expect(nv?.guests).toContain(G);
    } finally {
      await poller.close();
    }
  });
});

