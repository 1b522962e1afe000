// HostCollector's insight plumbing: capacity files read at most every 2 s,
// vhost workers scanned once and then re-read, guest addresses merged from
// the slow loop (never awaited), and the domain XML re-read once when guest
// stats start moving without a period in the cached XML.
import { describe, expect, it } from 'vitest';
import type { AddressLookup, RawInterfaceAddresses } from '../../../src/collector/addresses.js';
import { HostCollector } from '../../../src/collector/host.js';
import type { InventoryLookup } from '../../../src/collector/inventory.js';
import type { ProcProbe } from '../../../src/collector/proc-probe.js';
import type { LibvirtSource } from '../../../src/collector/source.js';
import type { DomainListEntry, RawStatsRecord } from '../../../src/libvirt/types.js';
import type { HostExtra, ProcessSample, VhostSample } from '../../../src/types/sample.js';

const XML = (period: number | null) => `<domain type='kvm'><name>a</name><memory>524288</memory><vcpu>1</vcpu>
<devices><interface type='network'><mac address='52:54:00:00:00:01'/><source network='lab'/><target dev='vnet0'/></interface>
<memballoon model='virtio'>${period === null ? '' : `<stats period='${period}'/>`}</memballoon></devices></domain>`;

class Source implements Partial<LibvirtSource> {
  xmlCalls = 0;
  period: number | null = null;
  lastUpdate: bigint | null = null;
  lifecycle: ((ev: { name: string; uuid: string; event: number; detail: number }) => void) | null = null;
  domains: DomainListEntry[] = [{ name: 'a', uuid: 'u-a', id: 1, state: 1, persistent: true, active: true }];
  async getAllDomainStats(): Promise<RawStatsRecord[]> {
    const params: RawStatsRecord['params'] = {
      'state.state': 1,
      'cpu.time': 5n,
      'vcpu.current': 1,
      'vcpu.maximum': 1,
      'balloon.current': 262144n,
      'net.count': 1,
      'net.0.name': 'vnet0',
      'net.0.rx.bytes': 1n,
      'net.0.tx.bytes': 1n,
    };
    if (this.lastUpdate !== null) params['balloon.last-update'] = this.lastUpdate;
    return [{ name: 'a', uuid: 'u-a', params }];
  }
  async listAllDomains() {
    return this.domains;
  }
  async domainXml() {
    this.xmlCalls++;
    return XML(this.period);
  }
  async nodeInfo() {
    return { model: 'x86_64', memoryKiB: 1048576n, cpus: 2, mhz: 1000, nodes: 1, sockets: 1, cores: 2, threads: 1 };
  }
  async nodeCpuStats() {
    return { kernelNs: 1n, userNs: 2n, idleNs: 7n, iowaitNs: 0n };
  }
  async nodeMemoryStats() {
    return { totalKiB: 1n, freeKiB: 1n, buffersKiB: 0n, cachedKiB: 0n };
  }
  async getHostname() {
    return 'h';
  }
  async getLibVersion() {
    return 9000000;
  }
  async close() {}
  async setKeepAlive() {}
  onLifecycle(cb: (ev: { name: string; uuid: string; event: number; detail: number }) => void) {
    this.lifecycle = cb;
    return 1;
  }
  onClose() {}
}

const EXTRA: HostExtra = { ksm: null, hugepages: null, numa: [], pressure: null, error: null };

function probe(log: string[]): ProcProbe {
  const proc: ProcessSample = { pid: 42, rssKiB: 1, ioReadBytes: null, ioWriteBytes: null, cpuTimeNs: 1n, threads: [], error: null };
  return {
    findQemuPid: async () => 42,
    readProcess: async () => proc,
    readHostCounters: async () => ({ cpuTotalNs: 1n, cpuBusyNs: 1n, perCpu: [], memTotalKiB: 1n, memAvailableKiB: 1n, memFreeKiB: 1n }),
    readHostExtra: async () => {
      log.push('extra');
      return EXTRA;
    },
    readVhost: async (pid, known): Promise<VhostSample[]> => {
      log.push(known === null ? `scan:${pid}` : `reread:${known.map((k) => k.tid).join()}`);
      return [{ tid: 7, cpuTimeNs: 5n, inQemuProcess: false }];
    },
    readBridges: async (names) => {
      log.push(`bridges:${names.join()}`);
      return names.map((name) => ({ name, rxBytes: 10n, txBytes: 20n, error: null }));
    },
  };
}

/** A libvirt with one active NAT network on virbr0 and one inactive on virbr7. */
const INVENTORY: InventoryLookup = {
  listStoragePools: async () => [],
  listVolumes: async () => [],
  listNetworks: async () => [
    { name: 'default', uuid: 'n1', active: true, persistent: true, autostart: true, bridge: 'virbr0', xml: "<network><name>default</name><forward mode='nat'/><bridge name='virbr0'/></network>" },
    { name: 'off', uuid: 'n2', active: false, persistent: true, autostart: false, bridge: null, xml: "<network><name>off</name><bridge name='virbr7'/></network>" },
  ],
  networkDhcpLeases: async () => [],
  close: async () => undefined,
};

function setup(opts: { addresses?: AddressLookup; uri?: string; inventory?: InventoryLookup } = {}) {
  const src = new Source();
  const log: string[] = [];
  let now = 1_000_000;
  const clock = { monoNs: () => BigInt(now) * 1_000_000n, wallMs: () => now };
  const hc = new HostCollector(opts.uri ?? 'qemu:///system', {
    readonly: true,
    proc: probe(log),
    clock,
    connect: async () => src as unknown as LibvirtSource,
    addresses: opts.addresses ? { connect: async () => opts.addresses as AddressLookup, intervalMs: 30_000 } : null,
    inventory: opts.inventory ? { connect: async () => opts.inventory as InventoryLookup } : null,
  });
  return { hc, src, log, advance: (ms: number) => (now += ms) };
}

describe('HostCollector insight plumbing', () => {
  it('carries the slow loop’s inventory once it answers, and reads the bridges of its active networks beside the stats call', async () => {
    const { hc, log } = setup({ inventory: INVENTORY });
    const first = await hc.sample();
    expect(first.inventory).toBeUndefined();
    expect(first.bridges).toBeUndefined();
    await hc.inventory!.settle();
    const second = await hc.sample();
    expect(second.inventory?.networks.map((n) => n.name)).toEqual(['default', 'off']);
    expect(second.bridges?.bridges).toEqual([{ name: 'virbr0', rxBytes: 10n, txBytes: 20n, error: null }]);
    expect(log.filter((l) => l.startsWith('bridges:'))).toEqual(['bridges:virbr0']);
    await hc.close();
  });

  it('reads the capacity files at most every 2 s, local hosts only', async () => {
    const { hc, log, advance } = setup();
    expect((await hc.sample()).extra).toEqual(EXTRA);
    advance(1000);
    expect((await hc.sample()).extra).toEqual(EXTRA); // the cached reading
    advance(1000);
    await hc.sample();
    expect(log.filter((l) => l === 'extra')).toHaveLength(2);
    const remote = setup({ uri: 'qemu+ssh://hv2/system' });
    expect((await remote.hc.sample()).extra).toBeUndefined();
  });

  it('scans for vhost workers once per QEMU, then re-reads only those found, rescanning every minute', async () => {
    const { hc, log, advance } = setup();
    const s = await hc.sample();
    expect(s.domains[0].process?.vhost).toEqual([{ tid: 7, cpuTimeNs: 5n, inQemuProcess: false }]);
    advance(1000);
    await hc.sample();
    advance(60_000);
    await hc.sample();
    expect(log.filter((l) => l !== 'extra')).toEqual(['scan:42', 'reread:7', 'scan:42']);
  });

  it('merges the address loop’s answers without waiting for it', async () => {
    let calls = 0;
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const lookup: AddressLookup = {
      async interfaceAddresses(): Promise<RawInterfaceAddresses[]> {
        calls++;
        await gate;
        return [{ name: 'vnet0', hwaddr: '52:54:00:00:00:01', addrs: [{ type: 0, addr: '192.168.122.9', prefix: 24 }] }];
      },
      async close() {},
    };
    const { hc } = setup({ addresses: lookup });
    const first = await hc.sample(); // the lookup hangs: the tick does not
    expect(first.status).toBe('connected');
    expect(first.domains[0].addresses).toBeUndefined();
    release();
    await hc.addresses?.settle();
    const second = await hc.sample();
    expect(second.domains[0].addresses).toMatchObject({ source: 'lease', interfaces: [{ addrs: [{ addr: '192.168.122.9' }] }] });
    expect(calls).toBe(1);
    await hc.close();
  });

  it('re-reads the XML once guest stats start moving with no period in the cached XML', async () => {
    const { hc, src, advance } = setup();
    src.lastUpdate = 1000n; // the guest's one boot-time report
    await hc.sample();
    await hc.sample();
    expect(src.xmlCalls).toBe(1); // a report that does not move costs nothing
    src.period = 2; // m: period set live (the live XML now says so)
    src.lastUpdate = 1002n;
    advance(1000);
    await hc.sample(); // notices the new report, drops the cached XML
    const s = await hc.sample();
    expect(src.xmlCalls).toBe(2);
    expect(s.domains[0].balloonStatsPeriodSec).toBe(2);
    src.lastUpdate = 1004n;
    await hc.sample();
    expect(src.xmlCalls).toBe(2); // the period is known now
  });
});
