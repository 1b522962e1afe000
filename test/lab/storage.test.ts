// Storage pools on the real daemon: a transient dir pool over the lab's
// disk images (created here, destroyed at the end: nothing is left defined)
// read by the pools and networks loop, its figures against virsh pool-info
// and vol-info taken before and after (allocation moves while the disk
// guest writes), and the disk guest's disk matched to its volume.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { localProcProbe } from '../../src/app/hosts.js';
import { HostCollector } from '../../src/collector/host.js';
import { InventoryPoller } from '../../src/collector/inventory.js';
import type { LibvirtSource } from '../../src/collector/source.js';
import { Connection } from '../../src/libvirt/connection.js';
import { Model } from '../../src/model/model.js';
import type { HostInventory } from '../../src/types/sample.js';
import { describeLab, ensureLab, LAB_CONNECT, LAB_GUESTS, LAB_WORK, type LabHandle, teardownLab, virsh, waitFor } from './lab.js';

const POOL = 'virtop-lab-pool';
// transient ones the events test makes and destroys
const EV_POOL = 'virtop-lab-evpool';
const EV_NET = 'virtop-lab-evnet';
const G = LAB_GUESTS.disk;

/** virsh pool-info / vol-info --bytes by field: sizes as numbers (vol-info says "N bytes", pool-info "N"). */
async function info(args: string[]): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  for (const line of (await virsh(args)).split('\n')) {
    const m = /^([A-Za-z ]+):\s+(.+)$/.exec(line.trim());
    if (!m) continue;
    const size = /^(\d+)( bytes)?$/.exec(m[2].trim());
    out[m[1].trim()] = size ? Number(size[1]) : m[2].trim();
  }
  return out;
}

describeLab('storage pools and volumes on the real daemon', () => {
  let lab: LabHandle;
  let inv: HostInventory;
  let before: Record<string, number | string>;
  let after: Record<string, number | string>;
  let volBefore: Record<string, number | string>;
  let volAfter: Record<string, number | string>;
  const volPath = `${LAB_WORK}/disks/${G}.qcow2`;

  beforeAll(async () => {
    lab = await ensureLab([G]);
    await virsh(['pool-destroy', POOL]).catch(() => undefined);
    await virsh(['pool-create-as', POOL, 'dir', '--target', `${LAB_WORK}/disks`]);
    before = await info(['pool-info', POOL, '--bytes']);
    volBefore = await info(['vol-info', '--pool', POOL, `${G}.qcow2`, '--bytes']);
    const poller = new InventoryPoller(LAB_CONNECT, { connect: async () => Connection.open(LAB_CONNECT, { readonly: true }) });
    try {
      poller.update();
      await poller.settle();
      inv = poller.get() as HostInventory;
    } finally {
      await poller.close();
    }
    volAfter = await info(['vol-info', '--pool', POOL, `${G}.qcow2`, '--bytes']);
    after = await info(['pool-info', POOL, '--bytes']);
  });

  afterAll(async () => {
    await virsh(['pool-destroy', POOL]).catch(() => undefined);
    if (lab) await teardownLab(lab);
  });

  it('the pool: state, type, target, capacity as virsh says; allocation and free space between its readings around the round', () => {
    expect(inv.error).toBeNull();
    const p = inv.pools.find((x) => x.name === POOL);
    expect(p, `${POOL} in ${inv.pools.map((x) => x.name).join(', ')}`).toBeDefined();
    expect(p).toMatchObject({ state: 'running', type: 'dir', targetPath: `${LAB_WORK}/disks`, persistent: false, autostart: false, error: null });
    expect(Number(p!.capacityBytes)).toBe(before.Capacity);
    const between = (what: string, v: bigint, a: number, b: number) =>
      expect(Math.min(a, b) <= Number(v) && Number(v) <= Math.max(a, b), `${what}: ${v} between ${a} and ${b}`).toBe(true);
    between('allocation', p!.allocationBytes, before.Allocation as number, after.Allocation as number);
    between('available', p!.availableBytes, before.Available as number, after.Available as number);
  });

  it('its volumes: the disk guest’s image with vol-info’s capacity, its allocation between the readings', () => {
    const p = inv.pools.find((x) => x.name === POOL)!;
    const v = p.volumes?.find((x) => x.path === volPath);
    expect(v, `${volPath} in ${p.volumes?.map((x) => x.path).join(', ')}`).toBeDefined();
    expect(v).toMatchObject({ name: `${G}.qcow2`, type: 'file', format: 'qcow2' });
    expect(Number(v!.capacityBytes)).toBe(volBefore.Capacity);
    const [a, b] = [volBefore.Allocation as number, volAfter.Allocation as number];
    expect(Math.min(a, b) <= Number(v!.allocationBytes) && Number(v!.allocationBytes) <= Math.max(a, b)).toBe(true);
  });

  it('pool and network events: one defined elsewhere is read at the next tick, not a whole interval later', async () => {
    const poller = new InventoryPoller(LAB_CONNECT, { connect: async () => Connection.open(LAB_CONNECT, { readonly: true }) });
    const names = () => ({ pools: poller.get()!.pools.map((p) => p.name), networks: poller.get()!.networks.map((n) => n.name) });
    // One tick: update() starts a round when one is due (every 30 s) or an event asked for one.
    const tick = async () => {
      poller.update();
      await poller.settle();
    };
    try {
      await tick();
      expect(poller.rounds).toBe(1);
      expect(names().pools).not.toContain(EV_POOL);
      // its own directory: libvirt refuses a second pool over the disks' one
      await mkdir(`${LAB_WORK}/evpool`, { recursive: true });
      await virsh(['pool-create-as', EV_POOL, 'dir', '--target', `${LAB_WORK}/evpool`]);
      await waitFor('the pool event', async () => (poller.events > 0 ? true : undefined), 10_000, 50);
      await tick();
      expect(poller.rounds).toBe(2);
      expect(names().pools).toContain(EV_POOL);
      const heard = poller.events;
      // isolated, no address: no dnsmasq, nothing routed
      const f = join(LAB_WORK, `${EV_NET}.xml`);
      await writeFile(f, `<network><name>${EV_NET}</name><bridge name='virtoplab5' stp='off'/></network>`);
      await virsh(['net-create', f]);
      await waitFor('the network event', async () => (poller.events > heard ? true : undefined), 10_000, 50);
      await tick();
      expect(poller.rounds).toBe(3);
      expect(names().networks).toContain(EV_NET);
      // Without an event, the next tick reads nothing (the interval is 30 s).
      await tick();
      expect(poller.rounds).toBe(3);
    } finally {
      await poller.close();
      await virsh(['pool-destroy', EV_POOL]).catch(() => undefined);
      await virsh(['net-destroy', EV_NET]).catch(() => undefined);
    }
  });

  it('the model puts the guest’s disk on that pool and the guest on that volume', async () => {
    const hc = new HostCollector(LAB_CONNECT, {
      readonly: true,
      proc: localProcProbe(),
      threads: false,
      connect: async (u) => (await Connection.open(u, { readonly: true })) as unknown as LibvirtSource,
    });
    try {
      const s = await hc.sample();
      const v = new Model().ingest({ seq: 0, monoNs: s.monoNs, wallMs: s.wallMs, hosts: [{ ...s, inventory: inv }] });
      const d = v.domains.find((x) => x.name === G)!;
      expect(d.disks[0]).toMatchObject({ path: volPath, pool: POOL });
      const pv = v.hosts[0].pools?.find((x) => x.name === POOL);
      expect(pv?.volumes?.find((x) => x.path === volPath)?.usedBy).toEqual([G]);
      expect(pv?.usedPercent).toBeGreaterThan(0);
    } finally {
      await hc.close();
    }
  });
});
