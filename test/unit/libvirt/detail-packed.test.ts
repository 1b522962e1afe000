import { describe, expect, it } from 'vitest';
import { packRequests, unpackDetails } from '../../../src/libvirt/detail-packed.js';
import type { DomainDetailRequest, PackedDetails } from '../../../src/libvirt/types.js';

const TAGS = ['swap_in', 'swap_out', 'major_fault', 'minor_fault', 'unused', 'available', 'actual_balloon', 'rss'];
const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';

/** Errors come back wrapped with the domain's UUID, as Connection wraps them. */
const wrap = (e: Error, uuid: string) => new Error(`${uuid}: ${e.message}`);
const packed = (ints: number[], nums: bigint[], errors: string[] = []): PackedDetails => ({
  ints: Int32Array.from(ints),
  nums: BigInt64Array.from(nums),
  errors: errors.map((m) => new Error(m)),
});

describe('packRequests', () => {
  it('puts every name in one NUL-ended list and three numbers per request in the shape', () => {
    const p = packRequests([
      { uuid: U1, info: true, memory: true, disks: ['vda', 'vdb'], nics: ['vnet0'] },
      { uuid: U2, vcpus: true },
    ]);
    expect(p.names).toBe(`${U1}\0vda\0vdb\0vnet0\0${U2}\0`);
    expect([...p.shape]).toEqual([1 | 4, 2, 1, 2, 0, 0]);
  });

  it('an empty list packs to nothing', () => {
    const p = packRequests([]);
    expect(p.names).toBe('');
    expect(p.shape.length).toBe(0);
  });

  it.each<[string, unknown, string]>([
    ['not an array', { uuid: U1 }, 'requests must be an array'],
    ['a number for a request', [1], 'requests[0] must be an object'],
    ['no uuid', [{}], 'requests[0].uuid must be a string'],
    ['a number for a flag', [{ uuid: U1, info: 1 }], 'requests[0].info must be a boolean'],
    ['a string for the disks', [{ uuid: U1, disks: 'vda' }], 'requests[0].disks must be an array of strings'],
    ['a number among the NICs', [{ uuid: U1 }, { uuid: U2, nics: ['vnet0', 1] }], 'requests[1].nics[1] must be a string'],
    ['a NUL in a name', [{ uuid: U1, disks: ['vd\0a'] }], 'requests[0].disks[0] must not contain NUL'],
  ])('refuses %s with a TypeError naming the field', (_what, requests, message) => {
    expect(() => packRequests(requests)).toThrow(new TypeError(message));
  });
});

describe('unpackDetails', () => {
  it('reads every part of a full answer, in the objects the one-call methods give', () => {
    const req: DomainDetailRequest[] = [{ uuid: U1, info: true, vcpus: true, memory: true, disks: ['vda'], nics: ['vnet0'] }];
    const out = unpackDetails(
      req,
      packed(
        // lookup ok; info ok: state 1, 2 vCPUs; vcpus ok: 2 × (number, state, cpu); memory ok: 2 tags; disk ok; NIC ok
        [0, 0, 1, 2, 0, 2, 0, 1, 3, 1, 1, -1, 0, 2, 6, 99, 0, 0],
        [
          ...[100n, 250n], // start, end
          ...[4194304n, 2097152n, 5000000000n], // maxMem, memory, cpuTime
          ...[3000000000n, 2000000000n], // each vCPU's time
          ...[1048576n, 7n], // actual_balloon, tag 99
          ...[10n, 40960n, 20n, 81920n, -1n], // rdReq rdBytes wrReq wrBytes errs (-1: unsupported)
          ...[1n, 2n, 0n, 0n, 3n, 4n, -1n, -1n], // rx bytes packets errs drop, tx the same
        ],
      ),
      TAGS,
      wrap,
    );
    expect(out).toEqual([
      {
        uuid: U1,
        startNs: 100n,
        endNs: 250n,
        error: null,
        info: { state: 1, maxMemKiB: 4194304n, memoryKiB: 2097152n, nrVirtCpu: 2, cpuTimeNs: 5000000000n },
        vcpus: [
          { number: 0, state: 1, cpuTimeNs: 3000000000n, cpu: 3 },
          { number: 1, state: 1, cpuTimeNs: 2000000000n, cpu: -1 },
        ],
        memory: { actual_balloon: 1048576n, tag_99: 7n },
        disks: [{ rdReq: 10n, rdBytes: 40960n, wrReq: 20n, wrBytes: 81920n, errs: null }],
        nics: [{ rxBytes: 1n, rxPackets: 2n, rxErrs: 0n, rxDrop: 0n, txBytes: 3n, txPackets: 4n, txErrs: null, txDrop: null }],
      },
    ]);
    // what was not asked for is absent, in the order the one-call objects have
    expect(Object.keys(out[0])).toEqual(['uuid', 'startNs', 'endNs', 'error', 'info', 'vcpus', 'memory', 'disks', 'nics']);
  });

  it('takes unsigned figures from their int64 bit pattern', () => {
    const out = unpackDetails([{ uuid: U1, info: true }], packed([0, 0, 5, 1], [0n, 1n, -1n, -2n, -9223372036854775808n]), TAGS, wrap);
    expect(out[0].info).toEqual({ state: 5, maxMemKiB: 18446744073709551615n, memoryKiB: 18446744073709551614n, nrVirtCpu: 1, cpuTimeNs: 9223372036854775808n });
  });

  it('a vanished domain is its lookup error and nothing more; a failed part fails alone, each with its own error', () => {
    const req: DomainDetailRequest[] = [
      { uuid: U1, info: true, disks: ['vda'] },
      { uuid: U2, info: true, vcpus: true, memory: true, disks: ['vda', 'nope'], nics: [] },
    ];
    const out = unpackDetails(
      req,
      packed(
        // U1: lookup failed. U2: info failed, vcpus failed, memory ok (no stats), vda ok, nope failed
        [1, 0, 1, 1, 0, 0, 0, 1],
        [1n, 2n, 3n, 4n, ...[0n, 0n, 0n, 0n, 0n]],
        ['no domain with matching uuid', 'info refused', 'vcpus refused', 'invalid path nope'],
      ),
      TAGS,
      wrap,
    );
    expect(out[0]).toEqual({ uuid: U1, startNs: 1n, endNs: 2n, error: new Error(`${U1}: no domain with matching uuid`) });
    expect(Object.keys(out[0])).toEqual(['uuid', 'startNs', 'endNs', 'error']);
    expect(out[1]).toEqual({
      uuid: U2,
      startNs: 3n,
      endNs: 4n,
      error: null,
      info: new Error(`${U2}: info refused`),
      vcpus: new Error(`${U2}: vcpus refused`),
      memory: {},
      disks: [{ rdReq: 0n, rdBytes: 0n, wrReq: 0n, wrBytes: 0n, errs: 0n }, new Error(`${U2}: invalid path nope`)],
      nics: [],
    });
  });

  it.each<[string, PackedDetails, RegExp]>([
    ['a flag without an error to go with it', packed([1], [0n, 0n]), /has flag 1 with 0 errors left/],
    ['a flag that is neither 0 nor 1', packed([7], [0n, 0n]), /has flag 7/],
    ['figures missing', packed([0, 0, 1], [0n, 0n, 1n]), /ends early/],
    ['figures left over', packed([0, 0, 1, 1], [0n, 0n, 1n, 2n, 3n, 4n]), /left over/],
    ['an error left over', packed([0, 0, 1, 1], [0n, 0n, 1n, 2n, 3n], ['extra']), /left over/],
  ])('a malformed answer (%s) is an error, never a made-up figure', (_what, p, message) => {
    expect(() => unpackDetails([{ uuid: U1, info: true }], p, TAGS, wrap)).toThrow(message);
  });
});
