import { describe, expect, it } from 'vitest';
import { HostCollector } from '../../../src/collector/host.js';
import type { ProcProbe } from '../../../src/collector/proc-probe.js';
import type { LibvirtSource } from '../../../src/collector/source.js';
import type { DomainListEntry, RawStatsRecord } from '../../../src/libvirt/types.js';

function err(code: number, message: string) {
  return Object.assign(new Error(message), { code });
}

const XML = (name: string) => `<domain type='qemu'><name>${name}</name><memory>524288</memory><vcpu current='1'>2</vcpu>
<devices><disk type='file' device='disk'><source file='/img/${name}.qcow2'/><target dev='vda' bus='virtio'/></disk>
<interface type='network'><mac address='52:54:00:00:00:01'/><source network='lab'/><target dev='tap0'/></interface></devices></domain>`;

class FakeSource implements LibvirtSource {
  calls: string[] = [];
  domains: DomainListEntry[] = [{ name: 'a', uuid: 'u-a', id: 1, state: 1, persistent: true, active: true }];
  records: RawStatsRecord[] = [{ name: 'a', uuid: 'u-a', params: { 'state.state': 1, 'cpu.time': 5n, 'vcpu.current': 1, 'vcpu.maximum': 2 } }];
  failStats: Error | null = null;
  xmlError: Error | null = null;
  closeCb: ((ev: { reason: number }) => void) | null = null;
  async getAllDomainStats() {
    this.calls.push('stats');
    if (this.failStats) throw this.failStats;
    return this.records;
  }
  lists = 0;
  async listAllDomains() {
    this.lists++;
    return this.domains;
  }
  async domainXml(uuid: string) {
    this.calls.push(`xml:${uuid}`);
    if (this.xmlError) throw this.xmlError;
    return XML(this.domains.find((d) => d.uuid === uuid)?.name ?? 'x');
  }
  async domainInfo() {
    this.calls.push('info');
    return { state: 1, maxMemKiB: 524288n, memoryKiB: 262144n, nrVirtCpu: 1, cpuTimeNs: 42n };
  }
  async nodeInfo() {
    return { model: 'x86_64', memoryKiB: 1048576n, cpus: 2, mhz: 1000, nodes: 1, sockets: 1, cores: 2, threads: 1 };
  }
  async nodeCpuStats() {
    return { kernelNs: 1n, userNs: 2n, idleNs: 7n, iowaitNs: 0n };
  }
  async nodeMemoryStats(): Promise<never> {
    throw err(3, 'not supported');
  }
  async getHostname() {
    return 'fakehost';
  }
  async getLibVersion() {
    return 9000000;
  }
  async blockStats() {
    this.calls.push('block');
    return { rdReq: 1n, rdBytes: 512n, wrReq: 2n, wrBytes: 1024n, errs: null };
  }
  async interfaceStats(): Promise<never> {
    this.calls.push('iface');
    throw err(3, 'this function is not supported by the connection driver');
  }
  async memoryStats() {
    this.calls.push('mem');
    return { actual_balloon: 262144n, unused: 1000n, available: 200000n };
  }
  async vcpus() {
    this.calls.push('vcpus');
    return [{ number: 0, state: 1, cpuTimeNs: 40n, cpu: 1 }];
  }
  diskErrorList: { disk: string; error: number }[] = [];
  diskErrorFailure: Error | null = null;
  async diskErrors() {
    this.calls.push('diskErrors');
    if (this.diskErrorFailure) throw this.diskErrorFailure;
    return this.diskErrorList;
  }
  async close() {}
  async setKeepAlive() {}
  onLifecycle() {
    return 1;
  }
  onClose(cb: (ev: { reason: number }) => void) {
    this.closeCb = cb;
  }
}

function collectorWith(sources: (FakeSource | Error)[], proc: ProcProbe | null = null, uri = 'test:///fake') {
  let i = 0;
  let now = 1_000_000;
  const clock = { monoNs: () => BigInt(now) * 1_000_000n, wallMs: () => now };
  const hc = new HostCollector(uri, {
    readonly: true,
    proc,
    clock,
    connect: async () => {
      const s = sources[Math.min(i++, sources.length - 1)];
      if (s instanceof Error) throw s;
      return s;
    },
  });
  return { hc, advance: (ms: number) => (now += ms), opens: () => i };
}

describe('HostCollector', () => {
  it('maps a full bulk record and caches domain XML across ticks', async () => {
    const src = new FakeSource();
    const { hc } = collectorWith([src]);
    const s1 = await hc.sample();
    expect(s1.status).toBe('connected');
    expect(s1.info).toMatchObject({ hostname: 'fakehost', cpus: 2, libvirtVersion: '9.0.0' });
    expect(s1.domains[0]).toMatchObject({ name: 'a', cpuTimeNs: 5n, vcpusCurrent: 1, vcpusMax: 2 });
    await hc.sample();
    expect(src.calls.filter((c) => c.startsWith('xml:'))).toHaveLength(1);
    expect(src.calls).not.toContain('info'); // full record: no per-domain calls
  });

  it('uses per-domain calls for a thin record and stops retrying unsupported ones', async () => {
    const src = new FakeSource();
    src.records = [{ name: 'a', uuid: 'u-a', params: { 'state.state': 1 } }];
    const { hc } = collectorWith([src]);
    const s = await hc.sample();
    const d = s.domains[0];
    expect(d.cpuTimeNs).toBe(42n);
    expect(d.vcpus).toEqual([{ vcpu: 0, state: 1, timeNs: 40n, waitNs: null, delayNs: null }]);
    expect(d.balloon.currentKiB).toBe(262144n);
    expect(d.disks[0]).toMatchObject({ name: 'vda', path: '/img/a.qcow2', rdBytes: 512n });
    expect(d.nics[0]).toMatchObject({ name: 'tap0', mac: '52:54:00:00:00:01', source: 'lab', rxBytes: null });
    expect(d.errors).toEqual([]); // "not supported" is not an error worth showing every tick
    await hc.sample();
    expect(src.calls.filter((c) => c === 'iface')).toHaveLength(1);
    expect(src.calls.filter((c) => c === 'block')).toHaveLength(2);
  });

  it('reads the XML of new domains in one batch call where the source has one; a failed batch falls back to one call each', async () => {
    const src = new FakeSource();
    src.domains = ['a', 'b', 'c'].map((n, i) => ({ name: n, uuid: `u-${n}`, id: i + 1, state: 1, persistent: true, active: true }));
    src.records = src.domains.map((d) => ({ name: d.name, uuid: d.uuid, params: { 'state.state': 1 } }));
    const batches: string[][] = [];
    let failBatch = false;
    const batched = Object.assign(src, {
      domainXmls: async (uuids: string[]) => {
        batches.push(uuids);
        if (failBatch) throw err(1, 'internal error: batch');
        return uuids.map((u) => (u === 'u-c' ? err(42, 'Domain not found') : XML(u.slice(2))));
      },
    });
    const { hc } = collectorWith([batched]);
    const s1 = await hc.sample();
    expect(batches).toEqual([['u-a', 'u-b', 'u-c']]);
    expect(src.calls.filter((c) => c.startsWith('xml:'))).toEqual([]);
    expect(s1.domains.map((d) => [d.name, d.disks[0]?.path ?? null, d.errors])).toEqual([
      ['a', '/img/a.qcow2', []],
      ['b', '/img/b.qcow2', []],
      ['c', null, ['virDomainGetXMLDesc: Domain not found']],
    ]);
    // only the one still missing is asked again; alone, it needs no batch
    await hc.sample();
    expect(batches).toHaveLength(1);
    expect(src.calls.filter((c) => c.startsWith('xml:'))).toEqual(['xml:u-c']);
    // a batch that fails as a whole: each domain asks on its own
    src.domains.push({ name: 'd', uuid: 'u-d', id: 4, state: 1, persistent: true, active: true }, { name: 'e', uuid: 'u-e', id: 5, state: 1, persistent: true, active: true });
    src.records = src.domains.filter((d) => d.uuid !== 'u-c').map((d) => ({ name: d.name, uuid: d.uuid, params: { 'state.state': 1 } }));
    failBatch = true;
    const s3 = await hc.sample();
    expect(batches[1]).toEqual(['u-d', 'u-e']);
    expect(src.calls.filter((c) => c === 'xml:u-d' || c === 'xml:u-e')).toEqual(['xml:u-d', 'xml:u-e']);
    expect(s3.domains.find((d) => d.name === 'e')?.disks[0]?.path).toBe('/img/e.qcow2');
  });

  it('a domain whose XML vanished keeps its stats and says why', async () => {
    const src = new FakeSource();
    src.xmlError = err(42, "Domain not found: no domain with matching uuid 'u-a'");
    const { hc } = collectorWith([src]);
    const s = await hc.sample();
    expect(s.domains[0].cpuTimeNs).toBe(5n);
    expect(s.domains[0].errors.join()).toMatch(/Domain not found/);
  });

  it('a guest paused on an I/O error names its disk, asked once per pause', async () => {
    const src = new FakeSource();
    // virDomainPausedReason 5 = ioerror; virDomainDiskErrorCode 2 = nospace
    src.records = [{ name: 'a', uuid: 'u-a', params: { 'state.state': 3, 'state.reason': 5, 'block.count': 1, 'block.0.name': 'vda', 'block.0.path': '/img/a.qcow2' } }];
    src.diskErrorList = [{ disk: 'vda', error: 2 }];
    const { hc } = collectorWith([src]);
    const s1 = await hc.sample();
    expect(s1.domains[0].disks[0]).toMatchObject({ name: 'vda', ioError: 'nospace' });
    await hc.sample();
    expect(src.calls.filter((c) => c === 'diskErrors')).toHaveLength(1);
    // resumed: no call, no error; paused again by a different fault: asked again
    src.records = [{ name: 'a', uuid: 'u-a', params: { 'state.state': 1, 'state.reason': 3, 'block.count': 1, 'block.0.name': 'vda' } }];
    const s3 = await hc.sample();
    expect(s3.domains[0].disks[0].ioError).toBeUndefined();
    src.records = [{ name: 'a', uuid: 'u-a', params: { 'state.state': 3, 'state.reason': 5, 'block.count': 1, 'block.0.name': 'vda' } }];
    src.diskErrorList = [{ disk: 'vdb', error: 1 }];
    const s4 = await hc.sample();
    expect(src.calls.filter((c) => c === 'diskErrors')).toHaveLength(2);
    expect(s4.domains[0].disks[0].ioError).toBeNull(); // the error was on another disk
  });

  it('a guest paused by the user is not asked for disk errors; a failed ask is shown and retried', async () => {
    const src = new FakeSource();
    src.records = [{ name: 'a', uuid: 'u-a', params: { 'state.state': 3, 'state.reason': 1 } }];
    const { hc } = collectorWith([src]);
    await hc.sample();
    expect(src.calls).not.toContain('diskErrors');
    src.records = [{ name: 'a', uuid: 'u-a', params: { 'state.state': 3, 'state.reason': 5 } }];
    src.diskErrorFailure = err(1, 'internal error');
    const s = await hc.sample();
    expect(s.domains[0].errors.join()).toMatch(/virDomainGetDiskErrors: .*internal error/);
    await hc.sample();
    expect(src.calls.filter((c) => c === 'diskErrors')).toHaveLength(2);
  });

  it('goes to "failed" when it never connected, with libvirt’s reason', async () => {
    const { hc } = collectorWith([err(38, 'Failed to connect socket')]);
    const s = await hc.sample();
    expect(s.status).toBe('failed');
    expect(s.error).toMatch(/cannot connect: Failed to connect socket/);
    expect(s.domains).toEqual([]);
  });

  it('reconnects with backoff after the connection is lost', async () => {
    const first = new FakeSource();
    const second = new FakeSource();
    const { hc, advance, opens } = collectorWith([first, err(38, 'refused'), second]);
    expect((await hc.sample()).status).toBe('connected');
    first.failStats = err(39, 'End of file while reading data: Input/output error');
    const lost = await hc.sample();
    expect(lost.status).toBe('reconnecting');
    expect(lost.error).toMatch(/connection lost: End of file/);
    // next tick: reconnect attempt fails (daemon still down)
    expect((await hc.sample()).status).toBe('reconnecting');
    expect(opens()).toBe(2);
    // within the backoff window no new attempt is made
    advance(100);
    await hc.sample();
    expect(opens()).toBe(2);
    advance(1000);
    const back = await hc.sample();
    expect(back.status).toBe('connected');
    expect(back.domains).toHaveLength(1);
    expect(opens()).toBe(3);
  });

  it('treats the close callback as a lost connection', async () => {
    const first = new FakeSource();
    const { hc, opens } = collectorWith([first, new FakeSource()]);
    await hc.sample();
    first.closeCb?.({ reason: 2 });
    const s = await hc.sample();
    expect(s.status).toBe('connected');
    expect(opens()).toBe(2);
  });

  it('reads /proc only for local qemu URIs and caches the pid per domain id', async () => {
    const src = new FakeSource();
    let lookups = 0;
    const proc: ProcProbe = {
      findQemuPid: async () => {
        lookups++;
        return 4242;
      },
      readProcess: async (pid) => ({ pid, rssKiB: 1234, ioReadBytes: null, ioWriteBytes: null, cpuTimeNs: null, threads: [], error: null }),
      readHostCounters: async () => ({ cpuTotalNs: 10n, cpuBusyNs: 5n, perCpu: [], memTotalKiB: 1n, memAvailableKiB: 1n, memFreeKiB: 1n }),
    };
    const local = collectorWith([src], proc, 'qemu:///system');
    const s = await local.hc.sample();
    await local.hc.sample();
    expect(s.domains[0].process?.rssKiB).toBe(1234);
    expect(s.counters?.cpuBusyNs).toBe(5n);
    expect(lookups).toBe(1);
    const remote = collectorWith([new FakeSource()], proc, 'qemu+ssh://hv2/system');
    const r = await remote.hc.sample();
    expect(r.domains[0].process).toBeNull();
    expect(r.counters?.cpuTotalNs).toBe(10n); // from virNodeGetCPUStats: 1+2+7+0
  });

  it('lists domains once and re-lists only when the stats show a change', async () => {
    const src = new FakeSource();
    const { hc } = collectorWith([src]);
    for (let i = 0; i < 5; i++) await hc.sample();
    expect(src.lists).toBe(1);
    // a new domain appears in the stats: list again to learn its id
    src.domains = [...src.domains, { name: 'b', uuid: 'u-b', id: 2, state: 1, persistent: true, active: true }];
    src.records = [...src.records, { name: 'b', uuid: 'u-b', params: { 'state.state': 1, 'cpu.time': 1n } }];
    const s = await hc.sample();
    expect(src.lists).toBe(2);
    expect(s.domains.find((d) => d.name === 'b')?.id).toBe(2);
    // a domain stops: its stats say shut off while the cached list still has an id
    src.records = [src.records[0], { name: 'b', uuid: 'u-b', params: { 'state.state': 5 } }];
    src.domains = [src.domains[0], { name: 'b', uuid: 'u-b', id: -1, state: 5, persistent: true, active: false }];
    await hc.sample();
    expect(src.lists).toBe(3);
    await hc.sample();
    expect(src.lists).toBe(3);
  });
});
