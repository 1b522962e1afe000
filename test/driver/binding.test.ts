// The libvirt binding against libvirt's in-process test driver:
// connection lifecycle, errors, listing, stats, per-domain queries, precision.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

import {
  ClosedError,
  Connection,
  DomainState,
  ErrorCode,
  LibvirtError,
  ListFlags,
  StatsGroup,
  TypedParamType,
  isConnectionLost,
  isNoDomain,
  loadAddon,
  pendingLibvirtCalls,
} from '../../src/libvirt/index.js';
import {
  ConnectionPool,
  DEFAULT_DOMAIN,
  DEFAULT_URI,
  ODD,
  ODD_URI,
  UNKNOWN_UUID,
  xmlText,
} from './helpers/env.js';

const pool = new ConnectionPool();
afterEach(() => pool.closeAll());
const DEMO_XML = fileURLToPath(new URL('../../demo/host.xml', import.meta.url));

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

describe('open / close', () => {
  it('opens test:///default and reports connection facts', async () => {
    const c = await pool.open(DEFAULT_URI);
    expect(c.isOpen()).toBe(true);
    expect(c.uri).toBe(DEFAULT_URI);
    expect(await c.getUri()).toBe(DEFAULT_URI);
    expect(await c.isAlive()).toBe(true);
    expect(await c.getHostname()).toMatch(/\S/);
    const v = await c.getLibVersion();
    expect(v).toBeGreaterThanOrEqual(9_000_000);
    expect(Number.isInteger(v)).toBe(true);
  });

  it('opens read-only', async () => {
    const c = await pool.open(DEFAULT_URI, true);
    expect(c.readonly).toBe(true);
    expect((await c.listAllDomains(0)).map((d) => d.name)).toContain('test');
  });

  it('close() resolves once; the second close and later calls reject with ClosedError', async () => {
    const c = await Connection.open(DEFAULT_URI);
    await expect(c.close()).resolves.toBeUndefined();
    expect(c.isOpen()).toBe(false);

    const again = await rejection(c.close());
    expect(again).toBeInstanceOf(ClosedError);
    expect((again as ClosedError).message).toMatch(/already closed/);
    expect((again as ClosedError).uri).toBe(DEFAULT_URI);

    const after = await rejection(c.listAllDomains(0));
    expect(after).toBeInstanceOf(ClosedError);
    expect(after).not.toBeInstanceOf(LibvirtError);
    expect((after as ClosedError).method).toBe('listAllDomains');
    expect(isConnectionLost(after)).toBe(false);

    await expect(c.domainInfo(DEFAULT_DOMAIN.uuid)).rejects.toBeInstanceOf(ClosedError);
    await expect(c.nodeInfo()).rejects.toBeInstanceOf(ClosedError);
    await expect(c.suspend(DEFAULT_DOMAIN.uuid)).rejects.toBeInstanceOf(ClosedError);
    // isAlive never rejects: a closed connection is simply not alive.
    expect(await c.isAlive()).toBe(false);
    expect(() => c.onLifecycle(() => {})).toThrow(ClosedError);
    expect(() => c.onClose(() => {})).toThrow(ClosedError);
  });

  it('close() while calls are in flight lets them finish, later calls reject', async () => {
    const c = await Connection.open(DEFAULT_URI);
    const inflight = Array.from({ length: 40 }, (_, i) =>
      i % 2 ? c.domainInfo(DEFAULT_DOMAIN.uuid) : c.getAllDomainStats(0, 0),
    );
    const closing = c.close();
    const late = rejection(c.listAllDomains(0));
    const results = await Promise.allSettled(inflight);
    await closing;
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(await late).toBeInstanceOf(ClosedError);
  });

  it('rejects an unknown driver with a LibvirtError naming the URI and the call', async () => {
    const err = await rejection(Connection.open('bogus:///x'));
    expect(err).toBeInstanceOf(LibvirtError);
    const e = err as LibvirtError;
    // No local driver claims "bogus", so libvirt hands the URI to its remote
    // driver: a running libvirtd answers VIR_ERR_NO_CONNECT naming the URI;
    // with no daemon the socket connect fails first (VIR_ERR_SYSTEM_ERROR).
    // Which one depends on the host, not on the binding.
    if (e.code === ErrorCode.NoConnect) expect(e.message).toMatch(/bogus/);
    else {
      expect(e.code).toBe(ErrorCode.SystemError);
      expect(e.message).toMatch(/libvirt-sock/);
    }
    expect(e.call).toBe('virConnectOpenAuth');
    expect(e.method).toBe('open');
    expect(e.uri).toBe('bogus:///x');
  });

  it('rejects a test-driver URI whose file does not exist', async () => {
    const err = await rejection(Connection.open('test:///nonexistent.xml', { readonly: true }));
    expect(err).toBeInstanceOf(LibvirtError);
    const e = err as LibvirtError;
    expect(e.code).toBe(ErrorCode.XmlError);
    expect(e.call).toBe('virConnectOpenReadOnly');
    expect(e.message).toContain('/nonexistent.xml');
    expect(e.uri).toBe('test:///nonexistent.xml');
  });

  it('checks argument types with TypeError before queueing anything', async () => {
    const c = await pool.open(DEFAULT_URI);
    await expect(Connection.open(42 as unknown as string)).rejects.toBeInstanceOf(TypeError);
    await expect(c.domainInfo(42 as unknown as string)).rejects.toThrow(/uuid must be a string/);
    await expect(c.listAllDomains(-1)).rejects.toThrow(/flags must be an unsigned 32-bit integer/);
    await expect(c.listAllDomains(1.5)).rejects.toBeInstanceOf(TypeError);
    await expect(c.getAllDomainStats(0, 2 ** 32)).rejects.toBeInstanceOf(TypeError);
    await expect(c.blockStats(DEFAULT_DOMAIN.uuid, undefined as unknown as string)).rejects.toThrow(
      /device must be a string/,
    );
    await expect(c.setMemoryFlags(DEFAULT_DOMAIN.uuid, -5, 0)).rejects.toBeInstanceOf(TypeError);
    await expect(c.setMemoryStatsPeriod(DEFAULT_DOMAIN.uuid, -1, 0)).rejects.toBeInstanceOf(TypeError);
    expect(() => c.onLifecycle('nope' as unknown as () => void)).toThrow(TypeError);
    // The connection is unaffected.
    expect(c.isOpen()).toBe(true);
  });

  it('does not block the event loop while a call is pending', async () => {
    const c = await pool.open(DEFAULT_URI);
    let immediateFired = false;
    let settledFirst = false;
    setImmediate(() => {
      immediateFired = true;
    });
    const calls = Array.from({ length: 8 }, () => c.getAllDomainStats(0, 0));
    const p = Promise.all(calls).then(() => {
      settledFirst = !immediateFired;
    });
    // The methods returned promptly with pending promises: the immediate
    // queued before them runs before any result arrives.
    await p;
    expect(immediateFired).toBe(true);
    expect(settledFirst).toBe(false);
  });
});

describe('listing and bulk stats (test:///default)', () => {
  it('lists the default domain with id, state and flags', async () => {
    const c = await pool.open(DEFAULT_URI);
    const doms = await c.listAllDomains(0);
    expect(doms).toEqual([
      {
        name: DEFAULT_DOMAIN.name,
        uuid: DEFAULT_DOMAIN.uuid,
        id: 1,
        state: DomainState.Running,
        persistent: true,
        active: true,
      },
    ]);
    expect(await c.listAllDomains(ListFlags.Inactive)).toEqual([]);
    expect((await c.listAllDomains(ListFlags.Active)).map((d) => d.uuid)).toEqual([DEFAULT_DOMAIN.uuid]);
  });

  it('lists names by a filter, and setAutostart moves a domain from one autostart list to the other', async () => {
    // The values are libvirt-domain.h's, written out: a wrong bit filters on something else.
    expect(ListFlags).toEqual({ Active: 1, Inactive: 2, Persistent: 4, Transient: 8, Autostart: 1024, NoAutostart: 2048 });
    const c = await pool.open(`test://${DEMO_XML}`);
    const transient = await c.listDomainNames(ListFlags.Transient);
    expect(transient.map((d) => d.name)).toEqual(['build-runner']);
    const all = await c.listDomainNames(0);
    expect(all).toHaveLength(16);
    expect((await c.listDomainNames(ListFlags.Persistent)).length).toBe(15);
    const web = all.find((d) => d.name === 'web-01')!;
    expect(await c.listDomainNames(ListFlags.Autostart)).toEqual([]);
    await c.setAutostart(web.uuid, true);
    expect(await c.listDomainNames(ListFlags.Autostart)).toEqual([web]);
    expect((await c.listDomainNames(ListFlags.NoAutostart)).map((d) => d.name)).not.toContain('web-01');
    await c.setAutostart(web.uuid, false);
    expect(await c.listDomainNames(ListFlags.Autostart)).toEqual([]);
    // (The test driver lets a transient domain autostart; QEMU's refuses, and the action shows its reason.)
  });

  it('returns stats records {name, uuid, params} with state.state', async () => {
    const c = await pool.open(DEFAULT_URI);
    const recs = await c.getAllDomainStats(0, 0);
    expect(recs).toHaveLength(1);
    const r = recs[0]!;
    expect(r.name).toBe(DEFAULT_DOMAIN.name);
    expect(r.uuid).toBe(DEFAULT_DOMAIN.uuid);
    expect(Object.getPrototypeOf(r.params)).toBe(Object.prototype);
    expect(r.params['state.state']).toBe(DomainState.Running);
    expect(typeof r.params['state.reason']).toBe('number');
  });

  it('test driver: bulk stats only implement the state group', async () => {
    const c = await pool.open(DEFAULT_URI);
    const all = StatsGroup.State | StatsGroup.CpuTotal | StatsGroup.Balloon | StatsGroup.Vcpu | StatsGroup.Block;
    const recs = await c.getAllDomainStats(all, 0);
    expect(Object.keys(recs[0]!.params).sort()).toEqual(['state.reason', 'state.state']);
    // ENFORCE_STATS (1 << 31) turns the unsupported groups into an error.
    const err = await rejection(c.getAllDomainStats(StatsGroup.CpuTotal, 0x80000000));
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).code).toBe(ErrorCode.ArgumentUnsupported);
    expect((err as LibvirtError).call).toBe('virConnectGetAllDomainStats');
  });
});

describe('domain queries (test:///default)', () => {
  it('domainInfo matches the built-in XML', async () => {
    const c = await pool.open(DEFAULT_URI);
    const info = await c.domainInfo(DEFAULT_DOMAIN.uuid);
    expect(info.state).toBe(DomainState.Running);
    expect(info.maxMemKiB).toBe(8388608n);
    expect(info.memoryKiB).toBe(2097152n);
    expect(info.nrVirtCpu).toBe(2);
    expect(typeof info.cpuTimeNs).toBe('bigint');
  });

  it('domainXml returns the definition', async () => {
    const c = await pool.open(DEFAULT_URI);
    const xml = await c.domainXml(DEFAULT_DOMAIN.uuid, 0);
    expect(xmlText(xml, 'name')).toBe(DEFAULT_DOMAIN.name);
    expect(xmlText(xml, 'uuid')).toBe(DEFAULT_DOMAIN.uuid);
    expect(xmlText(xml, 'memory')).toBe('8388608');
    expect(xml).toContain("<target dev='vda' bus='virtio'/>");
  });

  it('blockStats / interfaceStats return bigint counters', async () => {
    const c = await pool.open(DEFAULT_URI);
    const b = await c.blockStats(DEFAULT_DOMAIN.uuid, 'vda');
    expect(Object.keys(b).sort()).toEqual(['errs', 'rdBytes', 'rdReq', 'wrBytes', 'wrReq']);
    for (const v of Object.values(b)) expect(typeof v).toBe('bigint');
    expect(b.rdReq!).toBeGreaterThan(0n);

    const n = await c.interfaceStats(DEFAULT_DOMAIN.uuid, 'testnet0');
    expect(Object.keys(n).sort()).toEqual(
      ['rxBytes', 'rxDrop', 'rxErrs', 'rxPackets', 'txBytes', 'txDrop', 'txErrs', 'txPackets'].sort(),
    );
    for (const v of Object.values(n)) expect(typeof v).toBe('bigint');

    const bad = await rejection(c.blockStats(DEFAULT_DOMAIN.uuid, 'nope'));
    expect(bad).toBeInstanceOf(LibvirtError);
    expect((bad as LibvirtError).code).toBe(ErrorCode.InvalidArg);
    expect((bad as LibvirtError).call).toBe('virDomainBlockStats');
    expect((bad as LibvirtError).uuid).toBe(DEFAULT_DOMAIN.uuid);
    expect((bad as LibvirtError).domainName).toBe(DEFAULT_DOMAIN.name);
  });

  it('test driver: block counters are derived from the wall clock and advance', async () => {
    const c = await pool.open(DEFAULT_URI);
    const a = await c.blockStats(DEFAULT_DOMAIN.uuid, 'vda');
    const t1 = (await c.domainInfo(DEFAULT_DOMAIN.uuid)).cpuTimeNs;
    await new Promise((r) => setTimeout(r, 20));
    const b = await c.blockStats(DEFAULT_DOMAIN.uuid, 'vda');
    const t2 = (await c.domainInfo(DEFAULT_DOMAIN.uuid)).cpuTimeNs;
    expect(b.rdReq!).toBeGreaterThan(a.rdReq!);
    expect(t2).toBeGreaterThan(t1);
  });

  it('memoryStats uses lower-case libvirt tag names', async () => {
    const c = await pool.open(DEFAULT_URI);
    const m = await c.memoryStats(DEFAULT_DOMAIN.uuid);
    expect(m.actual_balloon).toBe(2097152n);
    for (const k of ['swap_in', 'swap_out', 'major_fault', 'minor_fault', 'unused', 'available', 'usable', 'rss', 'last_update', 'disk_caches']) {
      expect(typeof m[k], k).toBe('bigint');
    }
  });

  it('vcpus lists one entry per vCPU', async () => {
    const c = await pool.open(DEFAULT_URI);
    const v = await c.vcpus(DEFAULT_DOMAIN.uuid);
    expect(v.map((x) => x.number)).toEqual([0, 1]);
    for (const x of v) {
      expect(x.state).toBe(1);
      expect(typeof x.cpuTimeNs).toBe('bigint');
      expect(Number.isInteger(x.cpu)).toBe(true);
    }
  });

  it('diskErrors names each disk with a virDomainDiskErrorCode (the test driver gives every disk one)', async () => {
    const c = await pool.open(DEFAULT_URI);
    const errs = await c.diskErrors(DEFAULT_DOMAIN.uuid);
    expect(errs.map((e) => e.disk)).toEqual(['vda']);
    expect([1, 2]).toContain(errs[0].error);
  });

  it('an unknown UUID rejects with VIR_ERR_NO_DOMAIN (42) and full context', async () => {
    const c = await pool.open(DEFAULT_URI);
    for (const call of [
      () => c.domainInfo(UNKNOWN_UUID),
      () => c.domainXml(UNKNOWN_UUID, 0),
      () => c.blockStats(UNKNOWN_UUID, 'vda'),
      () => c.memoryStats(UNKNOWN_UUID),
      () => c.diskErrors(UNKNOWN_UUID),
      () => c.suspend(UNKNOWN_UUID),
    ]) {
      const err = await rejection(call());
      expect(err).toBeInstanceOf(LibvirtError);
      const e = err as LibvirtError;
      expect(e.code).toBe(42);
      expect(isNoDomain(e)).toBe(true);
      expect(isConnectionLost(e)).toBe(false);
      expect(e.call).toBe('virDomainLookupByUUIDString');
      expect(e.uuid).toBe(UNKNOWN_UUID);
      expect(e.uri).toBe(DEFAULT_URI);
      expect(e.domainName).toBeNull();
    }
    const bad = await rejection(c.domainInfo('not-a-uuid'));
    expect((bad as LibvirtError).code).toBe(ErrorCode.InvalidArg);
  });
});

describe('domainsDetail: the per-domain queries of many domains in one call (test:///default)', () => {
  it('answers like the one-call methods, in request order, with when each domain was read', async () => {
    const c = await pool.open(DEFAULT_URI);
    const before = process.hrtime.bigint();
    const [d, gone] = await c.domainsDetail([
      { uuid: DEFAULT_DOMAIN.uuid, info: true, vcpus: true, memory: true, disks: ['vda', 'nope'], nics: ['testnet0'] },
      { uuid: UNKNOWN_UUID, info: true },
    ]);
    const after = process.hrtime.bigint();
    expect(d.uuid).toBe(DEFAULT_DOMAIN.uuid);
    expect(d.error).toBeNull();
    // stamped on process.hrtime's clock, inside the call
    expect(d.startNs).toBeGreaterThanOrEqual(before);
    expect(d.endNs).toBeGreaterThanOrEqual(d.startNs);
    expect(d.endNs).toBeLessThanOrEqual(after);
    expect(d.info).toMatchObject({ state: DomainState.Running, maxMemKiB: 8388608n, memoryKiB: 2097152n, nrVirtCpu: 2 });
    expect((d.vcpus as { number: number }[]).map((v) => v.number)).toEqual([0, 1]);
    expect((d.memory as Record<string, bigint>).actual_balloon).toBe(2097152n);
    const [vda, nope] = d.disks!;
    expect(Object.keys(vda).sort()).toEqual(['errs', 'rdBytes', 'rdReq', 'wrBytes', 'wrReq']);
    // one failing device fails alone, as the one-call method fails
    expect(nope).toBeInstanceOf(LibvirtError);
    expect(nope).toMatchObject({ code: ErrorCode.InvalidArg, call: 'virDomainBlockStats', uuid: DEFAULT_DOMAIN.uuid, domainName: DEFAULT_DOMAIN.name, uri: DEFAULT_URI });
    expect((d.nics![0] as { rxBytes: bigint }).rxBytes).toBeTypeOf('bigint');
    // what was not asked for is absent; a vanished domain is its lookup error and nothing else
    expect(gone.uuid).toBe(UNKNOWN_UUID);
    expect(Object.keys(gone).sort()).toEqual(['endNs', 'error', 'startNs', 'uuid']);
    expect(gone.error).toBeInstanceOf(LibvirtError);
    expect(gone.error).toMatchObject({ code: 42, call: 'virDomainLookupByUUIDString', uuid: UNKNOWN_UUID });
  });

  it("domainXmls: each domain's XML as domainXml gives it, or that domain's error", async () => {
    const c = await pool.open(DEFAULT_URI);
    const [xml, gone] = await c.domainXmls([DEFAULT_DOMAIN.uuid, UNKNOWN_UUID], 0);
    expect(xml).toBe(await c.domainXml(DEFAULT_DOMAIN.uuid, 0));
    expect(gone).toBeInstanceOf(LibvirtError);
    expect(gone).toMatchObject({ code: 42, call: 'virDomainLookupByUUIDString', uuid: UNKNOWN_UUID, uri: DEFAULT_URI });
    await expect(c.domainXmls('x' as never, 0)).rejects.toBeInstanceOf(TypeError);
    await expect(c.domainXmls([1] as never, 0)).rejects.toBeInstanceOf(TypeError);
    await expect(c.domainXmls([], -1)).rejects.toBeInstanceOf(TypeError);
  });

  it('counters agree with the one-call methods read just before and after', async () => {
    const c = await pool.open(DEFAULT_URI);
    const a = await c.domainInfo(DEFAULT_DOMAIN.uuid);
    const [d] = await c.domainsDetail([{ uuid: DEFAULT_DOMAIN.uuid, info: true }]);
    const b = await c.domainInfo(DEFAULT_DOMAIN.uuid);
    const t = (d.info as { cpuTimeNs: bigint }).cpuTimeNs;
    expect(t).toBeGreaterThanOrEqual(a.cpuTimeNs);
    expect(t).toBeLessThanOrEqual(b.cpuTimeNs);
  });

  it('every part, packed and read back, is what the one-call method answers just before and after', async () => {
    const c = await pool.open(DEFAULT_URI);
    const u = DEFAULT_DOMAIN.uuid;
    const before = { vcpus: await c.vcpus(u), memory: await c.memoryStats(u), disk: await c.blockStats(u, 'vda'), nic: await c.interfaceStats(u, 'testnet0') };
    const [d] = await c.domainsDetail([{ uuid: u, info: true, vcpus: true, memory: true, disks: ['vda'], nics: ['testnet0'] }]);
    const after = { vcpus: await c.vcpus(u), disk: await c.blockStats(u, 'vda'), nic: await c.interfaceStats(u, 'testnet0') };
    // the test driver's memory figures are fixed; its time-based counters only grow
    expect(d.memory).toEqual(before.memory);
    expect(Object.keys(d.memory as object).sort()).toEqual(Object.keys(before.memory).sort());
    const vcpus = d.vcpus as typeof before.vcpus;
    expect(vcpus.map(({ number, state, cpu }) => ({ number, state, cpu }))).toEqual(before.vcpus.map(({ number, state, cpu }) => ({ number, state, cpu })));
    vcpus.forEach((v, i) => {
      expect(v.cpuTimeNs).toBeGreaterThanOrEqual(before.vcpus[i].cpuTimeNs);
      expect(v.cpuTimeNs).toBeLessThanOrEqual(after.vcpus[i].cpuTimeNs);
    });
    const within = <T extends object>(got: T, lo: T, hi: T) => {
      expect(Object.keys(got)).toEqual(Object.keys(lo));
      for (const k of Object.keys(lo) as (keyof T)[]) {
        expect(got[k] as bigint, String(k)).toBeGreaterThanOrEqual(lo[k] as bigint);
        expect(got[k] as bigint, String(k)).toBeLessThanOrEqual(hi[k] as bigint);
      }
    };
    within(d.disks![0] as typeof before.disk, before.disk, after.disk);
    within(d.nics![0] as typeof before.nic, before.nic, after.nic);
  });

  it('the addon refuses a packed request list that does not add up, with TypeError and nothing queued', () => {
    const raw = new (loadAddon().Connection)();
    const before = pendingLibvirtCalls();
    const cases: [unknown, unknown][] = [
      [1, new Int32Array(3)], // names not a string
      ['a\0', [1, 0, 0]], // shape not an Int32Array
      ['a\0', new Uint32Array(3)],
      ['a\0', new Int32Array(2)], // not three numbers per request
      ['a\0', Int32Array.of(8, 0, 0)], // unknown flag
      ['a\0', Int32Array.of(1, -1, 0)],
      ['a\0vda\0', Int32Array.of(1, 2, 0)], // more disks than names
      ['a\0', Int32Array.of(1, 2147483647, 2147483647)], // a count no list could hold
      ['a', Int32Array.of(1, 0, 0)], // the last name unended
      ['a\0b\0', Int32Array.of(1, 0, 0)], // a name left over
    ];
    for (const [names, shape] of cases) {
      expect(() => raw.domainsDetailPacked(names as string, shape as Int32Array), JSON.stringify([names, shape])).toThrow(TypeError);
    }
    expect(pendingLibvirtCalls()).toBe(before);
  });

  it('checks its requests with TypeError before queueing anything', async () => {
    const c = await pool.open(DEFAULT_URI);
    const before = pendingLibvirtCalls();
    for (const bad of [undefined, {}, [1], [{}], [{ uuid: 1 }], [{ uuid: 'x', info: 1 }], [{ uuid: 'x', disks: 'vda' }], [{ uuid: 'x', nics: [1] }], [{ uuid: 'x\0y' }]]) {
      await expect(c.domainsDetail(bad as never), JSON.stringify(bad)).rejects.toBeInstanceOf(TypeError);
    }
    expect(pendingLibvirtCalls()).toBe(before);
    expect(c.isOpen()).toBe(true);
  });

  it('an empty request list answers an empty list; after close it rejects with ClosedError', async () => {
    const c = await pool.open(DEFAULT_URI);
    expect(await c.domainsDetail([])).toEqual([]);
    await c.close();
    expect(await rejection(c.domainsDetail([{ uuid: DEFAULT_DOMAIN.uuid, info: true }]))).toBeInstanceOf(ClosedError);
  });
});

describe('host (node) calls', () => {
  it('nodeInfo / nodeCpuStats on test:///default', async () => {
    const c = await pool.open(DEFAULT_URI);
    expect(await c.nodeInfo()).toEqual({
      model: 'i686',
      memoryKiB: 3145728n,
      cpus: 16,
      mhz: 1400,
      nodes: 2,
      sockets: 2,
      cores: 2,
      threads: 2,
    });
    const cpu = await c.nodeCpuStats();
    for (const k of ['kernelNs', 'userNs', 'idleNs', 'iowaitNs'] as const) expect(typeof cpu[k]).toBe('bigint');
  });

  it('test driver has no virNodeGetMemoryStats', async () => {
    const c = await pool.open(DEFAULT_URI);
    const err = await rejection(c.nodeMemoryStats());
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).code).toBe(ErrorCode.NoSupport);
    expect((err as LibvirtError).call).toBe('virNodeGetMemoryStats');
  });

  it('test driver has no keepalive', async () => {
    const c = await pool.open(DEFAULT_URI);
    const err = await rejection(c.setKeepAlive(5, 3));
    expect((err as LibvirtError).code).toBe(ErrorCode.NoSupport);
  });
});

describe('pendingLibvirtCalls', () => {
  it('counts calls begun and not yet answered, on every connection', async () => {
    const a = await pool.open(DEFAULT_URI);
    const b = await pool.open(ODD_URI);
    // earlier tests' connection teardowns may still be settling: start from none pending
    for (let i = 0; i < 100 && pendingLibvirtCalls() !== 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(pendingLibvirtCalls()).toBe(0);
    const calls = [a.listAllDomains(0), a.nodeInfo(), b.listAllDomains(0)];
    expect(pendingLibvirtCalls()).toBe(3);
    await Promise.all(calls);
    expect(pendingLibvirtCalls()).toBe(0);
  });
});

describe('64-bit precision', () => {
  it('nodeInfo memory of 2^53 + 1 KiB arrives exactly (fixture XML)', async () => {
    const c = await pool.open(ODD_URI);
    const info = await c.nodeInfo();
    expect(info.memoryKiB).toBe(2n ** 53n + 1n);
    expect(info.memoryKiB).not.toBe(BigInt(Number(2n ** 53n + 1n)));
    expect(info).toMatchObject({ model: 'virtop-test-cpu', mhz: 2600, cpus: 12, nodes: 1, sockets: 2, cores: 4, threads: 2 });
  });

  it('typed parameters round-trip through the C++ conversion without loss', () => {
    const { _typedParamRoundTrip } = loadAddon();
    const out = _typedParamRoundTrip([
      ['u.above', TypedParamType.ULLong, 2n ** 53n + 1n],
      ['u.max', TypedParamType.ULLong, 2n ** 64n - 1n],
      ['l.min', TypedParamType.LLong, -(2n ** 63n)],
      ['l.big', TypedParamType.LLong, 2n ** 62n + 7n],
      ['i', TypedParamType.Int, -2147483648],
      ['ui', TypedParamType.UInt, 4294967295],
      ['d', TypedParamType.Double, 0.1],
      ['b', TypedParamType.Boolean, true],
      ['s', TypedParamType.String, 'vda ü $(x)'],
    ]);
    expect(out).toEqual({
      'u.above': 9007199254740993n,
      'u.max': 18446744073709551615n,
      'l.min': -9223372036854775808n,
      'l.big': 4611686018427387911n,
      i: -2147483648,
      ui: 4294967295,
      d: 0.1,
      b: true,
      s: 'vda ü $(x)',
    });
    expect(typeof out['i']).toBe('number');
    expect(() => _typedParamRoundTrip([['x', TypedParamType.ULLong, 1 as unknown as bigint]])).toThrow(TypeError);
    expect(() => _typedParamRoundTrip([['x', TypedParamType.ULLong, -1n]])).toThrow(TypeError);
  });
});

describe('odd domain names (fixture XML)', () => {
  it('lists every domain with its exact name', async () => {
    const c = await pool.open(ODD_URI);
    const doms = await c.listAllDomains(0);
    const byUuid = new Map(doms.map((d) => [d.uuid, d]));
    expect(byUuid.get(ODD.web.uuid)).toMatchObject({ name: ODD.web.name, state: DomainState.Running, active: true, persistent: true });
    expect(byUuid.get(ODD.stopped.uuid)).toMatchObject({ name: ODD.stopped.name, id: -1, state: DomainState.Shutoff, active: false, persistent: true });
    expect(byUuid.get(ODD.ephemeral.uuid)).toMatchObject({ name: 'ephemeral', active: true, persistent: false });
    expect(byUuid.get(ODD.web.uuid)!.id).toBeGreaterThan(0);

    const recs = await c.getAllDomainStats(StatsGroup.State, 0);
    expect(recs.find((r) => r.uuid === ODD.web.uuid)?.name).toBe(ODD.web.name);
    expect(recs.find((r) => r.uuid === ODD.stopped.uuid)?.params['state.state']).toBe(DomainState.Shutoff);
  });

  it('reads the odd-named domain XML and info by UUID', async () => {
    const c = await pool.open(ODD_URI);
    const xml = await c.domainXml(ODD.web.uuid, 0);
    expect(xmlText(xml, 'name')).toBe(ODD.web.name);
    expect(xml).toContain("<source file='/guest/odd disk $(x).img'/>");
    expect(await c.domainInfo(ODD.web.uuid)).toEqual({
      state: DomainState.Running,
      maxMemKiB: 4194304n,
      memoryKiB: 3145728n,
      nrVirtCpu: 3,
      cpuTimeNs: expect.any(BigInt),
    });
    expect((await c.vcpus(ODD.web.uuid)).length).toBe(3);
    const nic = await c.interfaceStats(ODD.web.uuid, 'testnet0');
    expect(typeof nic.rxBytes).toBe('bigint');
  });

  it('errors on an odd-named domain carry its name', async () => {
    const c = await pool.open(ODD_URI);
    const err = await rejection(c.vcpus(ODD.stopped.uuid));
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).code).toBe(ErrorCode.OperationInvalid);
    expect((err as LibvirtError).domainName).toBe(ODD.stopped.name);
    expect((err as LibvirtError).call).toBe('virDomainGetVcpus');
  });

  it('a transient domain vanishes when destroyed: later calls get code 42', async () => {
    const c = await pool.open(ODD_URI);
    await c.destroy(ODD.ephemeral.uuid);
    expect((await c.listAllDomains(0)).map((d) => d.uuid)).not.toContain(ODD.ephemeral.uuid);
    const err = await rejection(c.domainInfo(ODD.ephemeral.uuid));
    expect(isNoDomain(err)).toBe(true);
    expect((err as LibvirtError).uuid).toBe(ODD.ephemeral.uuid);
  });

  it('each open of a fixture URI gets private state', async () => {
    const a = await pool.open(ODD_URI);
    const b = await pool.open(ODD_URI);
    await a.suspend(ODD.web.uuid);
    expect((await a.domainInfo(ODD.web.uuid)).state).toBe(DomainState.Paused);
    expect((await b.domainInfo(ODD.web.uuid)).state).toBe(DomainState.Running);
  });
});
