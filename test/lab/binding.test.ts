// The binding against the real QEMU driver: typed bulk stats, domain XML,
// per-domain calls and lifecycle events from a real guest.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseDomainXml } from '../../src/libvirt/domain-xml.js';
import { Connection } from '../../src/libvirt/connection.js';
import { isNoDomain } from '../../src/libvirt/errors.js';
import type { LifecycleEvent } from '../../src/libvirt/types.js';
import { describeLab, domstats, ensureLab, LAB_CONNECT, LAB_GUESTS, type LabHandle, statNum, teardownLab, waitFor } from './lab.js';

const G = LAB_GUESTS.idle;

describeLab('binding against qemu:///system', () => {
  let lab: LabHandle;
  let ro: Connection;
  let rw: Connection;
  let uuid: string;

  beforeAll(async () => {
    lab = await ensureLab([G]);
    ro = await Connection.open(LAB_CONNECT, { readonly: true });
    rw = await Connection.open(LAB_CONNECT, { readonly: false });
    const d = (await ro.listAllDomains(3)).find((x) => x.name === G);
    if (!d) throw new Error(`${G} not listed`);
    uuid = d.uuid;
  });

  afterAll(async () => {
    await ro?.close().catch(() => undefined);
    await rw?.close().catch(() => undefined);
    if (lab) await teardownLab([G]);
  });

  it('bulk stats carry every group with BigInt counters that match virsh', async () => {
    const rec = (await ro.getAllDomainStats(1 | 2 | 4 | 8 | 16 | 32, 0)).find((r) => r.uuid === uuid);
    expect(rec).toBeDefined();
    const p = rec!.params;
    expect(typeof p['cpu.time']).toBe('bigint');
    expect(typeof p['block.0.rd.bytes']).toBe('bigint');
    expect(p['block.0.name']).toBe('vda');
    expect(typeof p['net.0.tx.pkts']).toBe('bigint');
    expect(typeof p['vcpu.0.time']).toBe('bigint');
    expect(p['state.state']).toBe(1);
    const v = await domstats(G);
    expect(Number(p['balloon.maximum'])).toBe(statNum(v, 'balloon.maximum'));
    // cpu.time only grows: virsh's later reading is at least ours.
    expect(statNum(v, 'cpu.time')).toBeGreaterThanOrEqual(Number(p['cpu.time']));
  });

  it('domain XML gives disk source, NIC target/MAC/network and maxima', async () => {
    const r = parseDomainXml(await ro.domainXml(uuid, 0));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.disks[0]).toMatchObject({ target: 'vda', device: 'disk' });
    expect(r.value.disks[0].source).toMatch(/virtop-lab-idle\.qcow2$/);
    expect(r.value.nics[0].target).toMatch(/^vnet\d+$/);
    expect(r.value.nics[0].source).toBe('virtop-lab-net');
    expect(r.value.maxVcpus).toBe(4);
    expect(r.value.balloonStatsPeriodSec).toBeGreaterThan(0);
  });

  it('per-domain calls answer for a running guest', async () => {
    const info = await ro.domainInfo(uuid);
    expect(info.state).toBe(1);
    expect(info.cpuTimeNs > 0n).toBe(true);
    // Right after boot the balloon may still be settling: compare readings taken back to back until they agree.
    const agreed = await waitFor(
      'memoryStats and domstats to agree on the balloon',
      async () => {
        const mem = await ro.memoryStats(uuid);
        return mem.actual_balloon === BigInt(statNum(await domstats(G), 'balloon.current')) ? mem : undefined;
      },
      15_000,
      500,
    );
    expect(agreed.actual_balloon > 0n).toBe(true);
    const blk = await ro.blockStats(uuid, 'vda');
    expect(blk.rdReq !== null && blk.rdReq > 0n).toBe(true);
  });

  it('delivers lifecycle events for a real suspend and resume', async () => {
    const events: LifecycleEvent[] = [];
    const id = ro.onLifecycle((e) => events.push(e));
    await rw.suspend(uuid);
    await rw.resume(uuid);
    await waitFor('suspended and resumed events', async () => (events.some((e) => e.event === 4) ? true : undefined), 10_000, 50);
    ro.offLifecycle(id);
    const mine = events.filter((e) => e.uuid === uuid).map((e) => e.event);
    expect(mine).toContain(3); // VIR_DOMAIN_EVENT_SUSPENDED
    expect(mine).toContain(4); // VIR_DOMAIN_EVENT_RESUMED
    expect(events.every((e) => e.name === G)).toBe(true);
  });

  it('a read-only connection cannot act, and an unknown UUID is a NO_DOMAIN error', async () => {
    await expect(ro.suspend(uuid)).rejects.toThrow(/read.?only|denied/i);
    const err = await ro.domainInfo('00000000-0000-0000-0000-000000000000').catch((e: unknown) => e);
    expect(isNoDomain(err)).toBe(true);
  });
});
