// Domain operations and lifecycle events on test:///default.
//
// test:///default keeps ONE state per process, shared by all connections
// open at the same time, and resets when the last one closes; the pool
// closes everything after each test so every test starts from the pristine
// domain "test" (running, 2 vCPUs, 2 GiB of 8 GiB).
import { afterEach, describe, expect, it } from 'vitest';

import {
  ClosedError,
  DomainState,
  ErrorCode,
  LibvirtError,
  ModifyFlags,
  type LifecycleEvent,
} from '../../src/libvirt/index.js';
import { ConnectionPool, DEFAULT_DOMAIN, DEFAULT_URI, sleep, waitFor, xmlText } from './helpers/env.js';
import { planBulk, runBulk, virshLine } from '../../src/actions/bulk.js';
import { Command, planCommand, runPlan } from '../../src/actions/commands.js';
import { InventoryPoller } from '../../src/collector/inventory.js';
import { Connection } from '../../src/libvirt/connection.js';
import { LibvirtControl } from '../../src/libvirt/control.js';
import { domainView } from '../helpers/domain-view.js';

const pool = new ConnectionPool();
afterEach(() => pool.closeAll());

const { uuid } = DEFAULT_DOMAIN;
const VIR_DOMAIN_XML_INACTIVE = 2;

/** virDomainEventType */
const Ev = { Started: 2, Suspended: 3, Resumed: 4, Stopped: 5 } as const;

describe('operations', () => {
  it('suspend / resume change the state', async () => {
    const c = await pool.open(DEFAULT_URI);
    await c.suspend(uuid);
    expect((await c.domainInfo(uuid)).state).toBe(DomainState.Paused);
    expect((await c.listAllDomains(0))[0]!.state).toBe(DomainState.Paused);
    await c.resume(uuid);
    expect((await c.domainInfo(uuid)).state).toBe(DomainState.Running);
  });

  it('destroy / create: shut off with id -1, then running with a new id', async () => {
    const c = await pool.open(DEFAULT_URI);
    const before = (await c.listAllDomains(0))[0]!;
    await c.destroy(uuid);
    expect((await c.domainInfo(uuid)).state).toBe(DomainState.Shutoff);
    expect((await c.listAllDomains(0))[0]).toMatchObject({ id: -1, active: false, persistent: true, state: DomainState.Shutoff });
    const stats = await c.getAllDomainStats(0, 0);
    expect(stats[0]!.params['state.state']).toBe(DomainState.Shutoff);

    await c.create(uuid);
    const after = (await c.listAllDomains(0))[0]!;
    expect(after).toMatchObject({ active: true, state: DomainState.Running });
    expect(after.id).toBeGreaterThan(before.id);
  });

  it('shutdown stops the domain, reboot keeps it running', async () => {
    const c = await pool.open(DEFAULT_URI);
    await c.reboot(uuid);
    expect((await c.domainInfo(uuid)).state).toBe(DomainState.Running);
    await c.shutdown(uuid);
    expect((await c.domainInfo(uuid)).state).toBe(DomainState.Shutoff);
    // test-driver quirk: shutting down a shut-off domain is an internal error, not OPERATION_INVALID
    const err = await c.shutdown(uuid).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).call).toBe('virDomainShutdown');
    expect((err as LibvirtError).domainName).toBe('test');
  });

  it('setMemoryFlags: live changes domainInfo, config changes the persistent XML', async () => {
    const c = await pool.open(DEFAULT_URI);
    await c.setMemoryFlags(uuid, 1048576, ModifyFlags.Live);
    expect((await c.domainInfo(uuid)).memoryKiB).toBe(1048576n);

    await c.setMemoryFlags(uuid, 1572864, ModifyFlags.Config);
    expect((await c.domainInfo(uuid)).memoryKiB).toBe(1048576n);
    expect(xmlText(await c.domainXml(uuid, VIR_DOMAIN_XML_INACTIVE), 'currentMemory')).toBe('1572864');
    expect(xmlText(await c.domainXml(uuid, 0), 'currentMemory')).toBe('1048576');

    // The config value takes effect on the next boot.
    await c.destroy(uuid);
    await c.create(uuid);
    expect((await c.domainInfo(uuid)).memoryKiB).toBe(1572864n);

    // bigint is accepted too
    await c.setMemoryFlags(uuid, 2097152n, ModifyFlags.Live);
    expect((await c.domainInfo(uuid)).memoryKiB).toBe(2097152n);
  });

  it('setVcpusFlags: live changes nrVirtCpu and vcpus(), config changes the XML', async () => {
    const c = await pool.open(DEFAULT_URI);
    await c.setVcpusFlags(uuid, 1, ModifyFlags.Live);
    expect((await c.domainInfo(uuid)).nrVirtCpu).toBe(1);
    expect(await c.vcpus(uuid)).toHaveLength(1);
    expect(await c.domainXml(uuid, VIR_DOMAIN_XML_INACTIVE)).toMatch(/<vcpu placement='static'>2<\/vcpu>/);

    await c.setVcpusFlags(uuid, 1, ModifyFlags.Config);
    expect(await c.domainXml(uuid, VIR_DOMAIN_XML_INACTIVE)).toMatch(/<vcpu placement='static' current='1'>2<\/vcpu>/);

    const tooMany = await c.setVcpusFlags(uuid, 64, ModifyFlags.Live).catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(LibvirtError);
    expect((tooMany as LibvirtError).call).toBe('virDomainSetVcpusFlags');
  });

  it('setMemoryStatsPeriod: live and config land in the balloon definition', async () => {
    const c = await pool.open(DEFAULT_URI);
    await c.setMemoryStatsPeriod(uuid, 5, ModifyFlags.Live);
    await c.setMemoryStatsPeriod(uuid, 7, ModifyFlags.Config);
    expect(await c.domainXml(uuid, 0)).toContain("<stats period='5'/>");
    expect(await c.domainXml(uuid, VIR_DOMAIN_XML_INACTIVE)).toContain("<stats period='7'/>");
  });

  it('operations on a read-only connection are denied', async () => {
    const ro = await pool.open(DEFAULT_URI, true);
    const err = await ro.suspend(uuid).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).code).toBe(ErrorCode.OperationDenied);
    expect((await ro.domainInfo(uuid)).state).toBe(DomainState.Running);
  });
});

describe('lifecycle events', () => {
  it('delivers suspend / resume / destroy / create in order', async () => {
    const c = await pool.open(DEFAULT_URI);
    const events: LifecycleEvent[] = [];
    const id = c.onLifecycle((ev) => events.push(ev));
    expect(typeof id).toBe('number');

    await c.suspend(uuid);
    await c.resume(uuid);
    await c.destroy(uuid);
    await c.create(uuid);
    await waitFor(() => events.length >= 4);
    await sleep(50);

    expect(events).toEqual([
      { name: 'test', uuid, event: Ev.Suspended, detail: 0 }, // SUSPENDED_PAUSED
      { name: 'test', uuid, event: Ev.Resumed, detail: 0 }, // RESUMED_UNPAUSED
      { name: 'test', uuid, event: Ev.Stopped, detail: 1 }, // STOPPED_DESTROYED
      { name: 'test', uuid, event: Ev.Started, detail: 0 }, // STARTED_BOOTED
    ]);
  });

  it('fans out to several listeners; offLifecycle stops one', async () => {
    const c = await pool.open(DEFAULT_URI);
    const a: number[] = [];
    const b: number[] = [];
    const ida = c.onLifecycle((ev) => a.push(ev.event));
    c.onLifecycle((ev) => b.push(ev.event));
    await c.suspend(uuid);
    await waitFor(() => a.length === 1 && b.length === 1);
    c.offLifecycle(ida);
    await c.resume(uuid);
    await waitFor(() => b.length === 2);
    await sleep(50);
    expect(a).toEqual([Ev.Suspended]);
    expect(b).toEqual([Ev.Suspended, Ev.Resumed]);
  });

  it('shutdown reports STOPPED/SHUTDOWN; a listener on another connection sees it too', async () => {
    const actor = await pool.open(DEFAULT_URI);
    const watcher = await pool.open(DEFAULT_URI, true);
    const seen: LifecycleEvent[] = [];
    watcher.onLifecycle((ev) => seen.push(ev));
    await actor.shutdown(uuid);
    await waitFor(() => seen.length >= 1);
    expect(seen[0]).toEqual({ name: 'test', uuid, event: Ev.Stopped, detail: 0 });
  });

  it('no events after close(); listeners cannot be added to a closed connection', async () => {
    const actor = await pool.open(DEFAULT_URI);
    const watcher = await pool.open(DEFAULT_URI);
    const seen: number[] = [];
    watcher.onLifecycle((ev) => seen.push(ev.event));
    watcher.onClose(() => seen.push(-1));
    await watcher.close();
    await actor.suspend(uuid);
    await actor.resume(uuid);
    await sleep(100);
    expect(seen).toEqual([]);
    expect(() => watcher.onLifecycle(() => {})).toThrow(ClosedError);
  });
});

describe('autostart through the actions layer', () => {
  it('toggles, in bulk with a preview, read back by the inventory loop; read-only mode refuses', async () => {
    // test:///default shares its state between the connections open at once: keep one open throughout
    await pool.open(DEFAULT_URI, true);
    const poller = new InventoryPoller(DEFAULT_URI, { connect: async () => Connection.open(DEFAULT_URI, { readonly: true }) });
    const ctl = new LibvirtControl(DEFAULT_URI, { readonly: false });
    const read = async () => {
      poller.refresh();
      poller.update();
      await poller.settle();
      return poller.get()?.domainAutostart?.find((f) => f.uuid === uuid)?.autostart;
    };
    const view = (autostart: boolean) => domainView({ key: `${DEFAULT_URI}#${uuid}`, host: DEFAULT_URI, uuid, name: DEFAULT_DOMAIN.name, autostart, persistent: true });
    try {
      expect(await read()).toBe(false);
      const p = planCommand(Command.Autostart, view(false));
      if (!p.ok) throw new Error(p.error);
      expect(await runPlan(p.plan, view(false), ctl)).toMatchObject({ ok: true, message: `enabled autostart of test on ${DEFAULT_URI}` });
      expect(await read()).toBe(true);

      const bulk = planBulk(Command.Autostart, [view(true)]);
      expect(bulk.plans.map(virshLine)).toEqual([`virsh -c ${DEFAULT_URI} autostart test --disable`]);
      const results = await runBulk(bulk.plans, () => view(true), () => ctl);
      expect(results.map((r) => r.reaction.ok)).toEqual([true]);
      expect(await read()).toBe(false);

      const ro = new LibvirtControl(DEFAULT_URI, { readonly: true });
      const again = planCommand(Command.Autostart, view(false));
      if (!again.ok) throw new Error(again.error);
      expect((await runPlan(again.plan, view(false), ro)).message).toMatch(/read-only mode: actions are disabled/);
      expect(await read()).toBe(false);
    } finally {
      await ctl.close();
      await poller.close();
    }
  });
});
