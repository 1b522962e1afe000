// The per-domain fallback: what it asks for, how a batch answer fills a
// sample, and how answers come back when the source batches or does not.
import { describe, expect, it } from 'vitest';
import { applyDetail, DETAIL_CHUNK, detailRequest, readDetails, Unsupported, type FallbackItem } from '../../../src/collector/fallback.js';
import type { LibvirtSource } from '../../../src/collector/source.js';
import { parseDomainXml } from '../../../src/libvirt/domain-xml.js';
import type { DomainDetail, DomainDetailRequest } from '../../../src/libvirt/types.js';
import type { DomainSample, Draft } from '../../../src/types/sample.js';

const err = (code: number, message: string) => Object.assign(new Error(message), { code });

const XML = `<domain type='qemu'><name>a</name><memory>524288</memory><vcpu>2</vcpu><devices>
<disk type='file' device='disk'><source file='/img/a.qcow2'/><target dev='vda' bus='virtio'/></disk>
<disk type='file' device='cdrom'><source file='/img/a.iso'/><target dev='sda' bus='sata'/></disk>
<disk type='file' device='disk'><source file='/img/b.qcow2'/><target dev='vdb' bus='virtio'/></disk>
<interface type='network'><mac address='52:54:00:00:00:01'/><source network='lab'/><target dev='vnet0'/></interface>
<interface type='network'><mac address='52:54:00:00:00:02'/><source network='lab'/></interface>
</devices></domain>`;

function def() {
  const p = parseDomainXml(XML);
  if (!p.ok) throw new Error(p.error);
  return p.value;
}

const base = (uuid: string): Draft<DomainSample> =>
  ({
    name: uuid,
    uuid,
    id: 1,
    state: 'running',
    errors: [],
    vcpus: [],
    disks: [],
    nics: [],
    cpuTimeNs: null,
    vcpusCurrent: null,
    balloon: { currentKiB: null, maximumKiB: null },
  }) as unknown as Draft<DomainSample>;

describe('detailRequest', () => {
  it('asks for every call not refused, for the disks (not CD-ROMs) and the NICs with a target', () => {
    const u = new Unsupported();
    expect(detailRequest({ base: base('u1'), def: def() }, u)).toEqual({
      uuid: 'u1',
      info: true,
      vcpus: true,
      memory: true,
      disks: ['vda', 'vdb'],
      nics: ['vnet0'],
    });
    u.note('memoryStats', err(3, 'this function is not supported'));
    u.note('interfaceStats', err(84, 'operation unsupported'));
    u.note('blockStats', err(1, 'internal error')); // a failure, not a refusal: still asked
    expect(detailRequest({ base: base('u1'), def: null }, u)).toEqual({ uuid: 'u1', info: true, vcpus: true, memory: false, disks: [], nics: [] });
    expect(detailRequest({ base: base('u1'), def: def() }, u)).toMatchObject({ disks: ['vda', 'vdb'], nics: [] });
    // nothing shows per-vCPU figures (text frames): their call is not made
    expect(detailRequest({ base: base('u1'), def: def() }, new Unsupported(), false)).toMatchObject({ info: true, vcpus: false, memory: true });
  });
});

describe('applyDetail', () => {
  // applyDetail fills the draft in place: each test has its own
  const item = (): FallbackItem => ({ base: base('u1'), def: def() });

  it('fills the sample from the answers and stamps it with the midpoint and span of its calls', () => {
    const detail: DomainDetail = {
      uuid: 'u1',
      startNs: 1_000n,
      endNs: 1_600n,
      error: null,
      info: { state: 1, maxMemKiB: 1048576n, memoryKiB: 524288n, nrVirtCpu: 2, cpuTimeNs: 7_000_000n },
      vcpus: [
        { number: 0, state: 1, cpuTimeNs: 3_000_000n, cpu: 1 },
        { number: 1, state: 1, cpuTimeNs: 4_000_000n, cpu: 0 },
      ],
      memory: { actual_balloon: 524288n, available: 500000n, unused: 100000n, rss: 300000n },
      disks: [
        { rdReq: 10n, rdBytes: 4096n, wrReq: 2n, wrBytes: 1024n, errs: null },
        { rdReq: 1n, rdBytes: 512n, wrReq: 0n, wrBytes: 0n, errs: 0n },
      ],
      nics: [{ rxBytes: 100n, rxPackets: 2n, rxErrs: 0n, rxDrop: 0n, txBytes: 50n, txPackets: 1n, txErrs: 0n, txDrop: 0n }],
    };
    const it0 = item();
    const s = applyDetail(it0, detail, new Unsupported());
    expect(s).toBe(it0.base); // filled in place: the draft is the tick's own
    expect(s.statsMonoNs).toBe(1_300n);
    expect(s.statsSpanNs).toBe(600n);
    expect(s.cpuTimeNs).toBe(7_000_000n);
    expect(s.vcpus).toEqual([
      { vcpu: 0, state: 1, timeNs: 3_000_000n, waitNs: null, delayNs: null },
      { vcpu: 1, state: 1, timeNs: 4_000_000n, waitNs: null, delayNs: null },
    ]);
    expect(s.vcpusCurrent).toBe(2);
    expect(s.balloon).toMatchObject({ currentKiB: 524288n, maximumKiB: 1048576n, availableKiB: 500000n, unusedKiB: 100000n, rssKiB: 300000n, usableKiB: null });
    expect(s.disks.map((d) => [d.name, d.path, d.rdBytes, d.errors])).toEqual([
      ['vda', '/img/a.qcow2', 4096n, null],
      ['vdb', '/img/b.qcow2', 512n, 0n],
    ]);
    expect(s.nics.map((n) => [n.name, n.mac, n.rxBytes, n.txBytes])).toEqual([['vnet0', '52:54:00:00:00:01', 100n, 50n]]);
    expect(s.errors).toEqual([]);
  });

  it('a failed call leaves its figures unknown and says why; a refused one is remembered, not shown', () => {
    const u = new Unsupported();
    const s = applyDetail(
      item(),
      {
        uuid: 'u1',
        startNs: 0n,
        endNs: 10n,
        error: null,
        info: err(1, 'internal error: boom'),
        memory: err(3, 'this function is not supported by the connection driver'),
        disks: [err(8, "invalid argument: invalid path: vda"), { rdReq: 1n, rdBytes: 2n, wrReq: 3n, wrBytes: 4n, errs: 0n }],
        nics: [],
      },
      u,
    );
    expect(s.cpuTimeNs).toBeNull();
    expect(s.disks.map((d) => d.rdBytes)).toEqual([null, 2n]);
    expect(s.nics.map((n) => n.rxBytes)).toEqual([null]);
    expect(s.errors).toEqual(['virDomainGetInfo: internal error: boom', 'virDomainBlockStats(vda): invalid argument: invalid path: vda']);
    expect(u.has('memoryStats')).toBe(true);
    expect(u.has('domainInfo')).toBe(false);
  });

  it('a domain gone before its lookup keeps its bulk figures and says so once', () => {
    const s = applyDetail(item(), { uuid: 'u1', startNs: 5n, endNs: 9n, error: err(42, "Domain not found: no domain with matching uuid 'u1'") }, new Unsupported());
    expect(s.errors).toEqual(["virDomainLookupByUUIDString: Domain not found: no domain with matching uuid 'u1'"]);
    expect(s.disks).toEqual([]);
    expect(s.statsSpanNs).toBe(4n);
  });
});

describe('readDetails', () => {
  const clock = (() => {
    let t = 0n;
    return { monoNs: () => (t += 10n), wallMs: () => 0 };
  })();

  it('a batching source is asked in chunks of DETAIL_CHUNK, answers in request order', async () => {
    const sizes: number[] = [];
    const src = {
      domainsDetail: async (reqs: DomainDetailRequest[]) => {
        sizes.push(reqs.length);
        return reqs.map((r): DomainDetail => ({ uuid: r.uuid, startNs: 1n, endNs: 2n, error: null }));
      },
    } as unknown as LibvirtSource;
    const reqs = Array.from({ length: DETAIL_CHUNK * 2 + 3 }, (_, i) => ({ uuid: `u${i}` }));
    const out = await readDetails(src, reqs, clock, 4);
    expect(sizes).toEqual([DETAIL_CHUNK, DETAIL_CHUNK, 3]);
    expect(out.map((d) => d.uuid)).toEqual(reqs.map((r) => r.uuid));
  });

  it('a chunk that fails as a whole gives each of its domains that error; other chunks are kept', async () => {
    let n = 0;
    const src = {
      domainsDetail: async (reqs: DomainDetailRequest[]) => {
        if (n++ === 1) throw err(6, 'invalid connection pointer in virDomainLookupByUUIDString');
        return reqs.map((r): DomainDetail => ({ uuid: r.uuid, startNs: 1n, endNs: 2n, error: null }));
      },
    } as unknown as LibvirtSource;
    const reqs = Array.from({ length: DETAIL_CHUNK + 2 }, (_, i) => ({ uuid: `u${i}` }));
    const out = await readDetails(src, reqs, clock, 4);
    expect(out.filter((d) => d.error === null)).toHaveLength(DETAIL_CHUNK);
    expect(out.slice(DETAIL_CHUNK).map((d) => [d.uuid, d.error?.message])).toEqual([
      [`u${DETAIL_CHUNK}`, 'invalid connection pointer in virDomainLookupByUUIDString'],
      [`u${DETAIL_CHUNK + 1}`, 'invalid connection pointer in virDomainLookupByUUIDString'],
    ]);
  });

  it('a source without domainsDetail answers from its one-call methods, each failure in its own part', async () => {
    const calls: string[] = [];
    const src = {
      domainInfo: async (u: string) => {
        calls.push(`info:${u}`);
        return { state: 1, maxMemKiB: 2n, memoryKiB: 1n, nrVirtCpu: 1, cpuTimeNs: 5n };
      },
      vcpus: async () => {
        throw err(3, 'not supported');
      },
      memoryStats: async () => ({ rss: 9n }),
      blockStats: async (_u: string, dev: string) => {
        calls.push(`block:${dev}`);
        return { rdReq: 1n, rdBytes: 2n, wrReq: 3n, wrBytes: 4n, errs: null };
      },
      interfaceStats: async () => {
        throw err(8, 'invalid argument: vnet9');
      },
    } as unknown as LibvirtSource;
    const [d] = await readDetails(src, [{ uuid: 'u1', info: true, vcpus: true, memory: false, disks: ['vda', 'vdb'], nics: ['vnet9'] }], clock, 4);
    expect(calls).toEqual(['info:u1', 'block:vda', 'block:vdb']);
    expect(d.info).toMatchObject({ cpuTimeNs: 5n });
    expect((d.vcpus as Error).message).toBe('not supported');
    expect(d.memory).toBeUndefined();
    expect(d.disks).toHaveLength(2);
    expect((d.nics![0] as Error).message).toBe('invalid argument: vnet9');
    expect(d.endNs).toBeGreaterThan(d.startNs);
  });
});
