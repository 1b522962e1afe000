// domainsDetail's requests and answers as the addon takes and gives them:
// a string and a typed array in, two typed arrays out, instead of objects
// read and built property by property through Node-API, which cost the JS
// thread ~26 µs a domain, most of a 1000-domain tick's fallback.
//
// In (native/src/connection.cc, DetailRequests): `names` holds each
// request's UUID, disk targets and NIC targets, each ended by a NUL;
// `shape` three numbers per request: flags (1 info, 2 vCPUs, 4 memory), the
// disk count, the NIC count.
//
// Out (native/src/workers_domain.cc, DomainsDetailWorker::Result):
// both arrays run in request order; for each domain:
//   nums  startNs, endNs
//   ints  lookup flag (0 ok; 1: the next Error of `errors`, and nothing more)
// then for each part asked for, a flag in `ints` and, when 0, its figures:
//   info      ints state, nrVirtCpu          nums maxMem, memory, cpuTime
//   vcpus     ints n, n × (number, state, cpu) nums n × cpuTime
//   memory    ints n, n × tag                nums n × value
//   each disk                                 nums rdReq rdBytes wrReq wrBytes errs
//   each NIC                                  nums rx bytes packets errs drop, tx the same
// Unsigned libvirt figures come as their int64 bit patterns; block and
// interface counters are signed, -1 meaning "not supported" (null).

import type { BlockStats, DomainDetail, DomainDetailRequest, DomainInfo, DomainState, InterfaceStats, MemoryStats, PackedDetails, VcpuInfo } from './types.js';

export interface PackedRequests {
  names: string;
  shape: Int32Array;
}

const FLAG_INFO = 1;
const FLAG_VCPUS = 2;
const FLAG_MEMORY = 4;

/** The field a request check names: `requests[k].field`, `[j]` for a list's entry (built only for the message). */
const fieldOf = (k: number, field: string, j?: number) => `requests[${k}].${field}${j === undefined ? '' : `[${j}]`}`;

/** A request's optional flag: absent is false. */
function flag(r: Record<string, unknown>, k: number, field: 'info' | 'vcpus' | 'memory'): boolean {
  const v = r[field];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new TypeError(`${fieldOf(k, field)} must be a boolean`);
  return v;
}

/** A name for the NUL-separated list: a string without NUL (no UUID or device target has one). */
function name(v: unknown, k: number, field: string, j?: number): string {
  if (typeof v !== 'string') throw new TypeError(`${fieldOf(k, field, j)} must be a string`);
  if (v.includes('\0')) throw new TypeError(`${fieldOf(k, field, j)} must not contain NUL`);
  return v;
}

/** The requests as the addon takes them; TypeError, naming the field, for a malformed one. */
export function packRequests(requests: unknown): PackedRequests {
  if (!Array.isArray(requests)) throw new TypeError('requests must be an array');
  const shape = new Int32Array(requests.length * 3);
  // joined once at the end: a string grown name by name leaves a chain of pieces behind
  const names: string[] = [];
  for (let k = 0; k < requests.length; k++) {
    const r = requests[k] as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null) throw new TypeError(`requests[${k}] must be an object`);
    names.push(name(r.uuid, k, 'uuid'));
    shape[3 * k] = (flag(r, k, 'info') ? FLAG_INFO : 0) | (flag(r, k, 'vcpus') ? FLAG_VCPUS : 0) | (flag(r, k, 'memory') ? FLAG_MEMORY : 0);
    const disks = r.disks;
    const nics = r.nics;
    if (disks !== undefined && !Array.isArray(disks)) throw new TypeError(`${fieldOf(k, 'disks')} must be an array of strings`);
    if (nics !== undefined && !Array.isArray(nics)) throw new TypeError(`${fieldOf(k, 'nics')} must be an array of strings`);
    if (disks) for (let j = 0; j < disks.length; j++) names.push(name(disks[j], k, 'disks', j));
    if (nics) for (let j = 0; j < nics.length; j++) names.push(name(nics[j], k, 'nics', j));
    shape[3 * k + 1] = disks?.length ?? 0;
    shape[3 * k + 2] = nics?.length ?? 0;
  }
  // every name ends with its NUL, the last one too
  return { names: names.length ? names.join('\0') + '\0' : '', shape };
}

/** An unsigned 64-bit figure from its int64 bit pattern. */
const u64 = (v: bigint): bigint => (v < 0n ? BigInt.asUintN(64, v) : v);
/** A signed counter: libvirt's -1 (or any negative) is "not supported". */
const counter = (v: bigint): bigint | null => (v < 0n ? null : v);

/** virDomainBlockStats' five counters from `at`. */
const blockAt = (v: BigInt64Array, at: number): BlockStats => ({
  rdReq: counter(v[at]),
  rdBytes: counter(v[at + 1]),
  wrReq: counter(v[at + 2]),
  wrBytes: counter(v[at + 3]),
  errs: counter(v[at + 4]),
});

/** virDomainInterfaceStats' eight counters from `at`. */
const interfaceAt = (v: BigInt64Array, at: number): InterfaceStats => ({
  rxBytes: counter(v[at]),
  rxPackets: counter(v[at + 1]),
  rxErrs: counter(v[at + 2]),
  rxDrop: counter(v[at + 3]),
  txBytes: counter(v[at + 4]),
  txPackets: counter(v[at + 5]),
  txErrs: counter(v[at + 6]),
  txDrop: counter(v[at + 7]),
});

/**
 * The answers in request order. `tagNames` names memory stats by tag (the
 * addon's memoryStatNames()); `wrap` turns a part's native Error into the
 * one callers see (class and context).
 */
export function unpackDetails(
  requests: readonly DomainDetailRequest[],
  packed: PackedDetails,
  tagNames: readonly string[],
  wrap: (e: Error, uuid: string) => Error,
): DomainDetail[] {
  const { ints, nums, errors } = packed;
  let i = 0;
  let n = 0;
  let e = 0;
  const out: DomainDetail[] = new Array(requests.length);
  const malformed = (what: string) => new Error(`domainsDetail: packed answer ${what} (request ${out.length}, ints ${i}/${ints.length}, nums ${n}/${nums.length})`);
  // A part's flag: null when its figures follow, else its Error (taken from `errors`).
  const failure = (uuid: string): Error | null => {
    const f = ints[i++];
    if (f === 0) return null;
    if (f !== 1 || e >= errors.length) throw malformed(`has flag ${f} with ${errors.length - e} errors left`);
    return wrap(errors[e++], uuid);
  };
  for (let k = 0; k < requests.length; k++) {
    const r = requests[k];
    const uuid = r.uuid;
    const d: DomainDetail = { uuid, startNs: nums[n++], endNs: nums[n++], error: null };
    out[k] = d;
    d.error = failure(uuid);
    if (d.error) continue;
    if (r.info) {
      const err = failure(uuid);
      if (err) d.info = err;
      else {
        const info: DomainInfo = { state: ints[i] as DomainState, maxMemKiB: u64(nums[n]), memoryKiB: u64(nums[n + 1]), nrVirtCpu: ints[i + 1], cpuTimeNs: u64(nums[n + 2]) };
        i += 2;
        n += 3;
        d.info = info;
      }
    }
    if (r.vcpus) {
      const err = failure(uuid);
      if (err) d.vcpus = err;
      else {
        const count = ints[i++];
        const vcpus: VcpuInfo[] = new Array(count);
        for (let v = 0; v < count; v++) {
          vcpus[v] = { number: ints[i], state: ints[i + 1], cpuTimeNs: u64(nums[n++]), cpu: ints[i + 2] };
          i += 3;
        }
        d.vcpus = vcpus;
      }
    }
    if (r.memory) {
      const err = failure(uuid);
      if (err) d.memory = err;
      else {
        const count = ints[i++];
        const mem: MemoryStats = {};
        for (let s = 0; s < count; s++) {
          const tag = ints[i++];
          mem[tagNames[tag] ?? `tag_${tag}`] = u64(nums[n++]);
        }
        d.memory = mem;
      }
    }
    // Each device: its flag, then its fixed number of counters.
    const devices = <T>(count: number, width: number, read: (nums: BigInt64Array, at: number) => T): Array<T | Error> => {
      const list = new Array<T | Error>(count);
      for (let j = 0; j < count; j++) {
        const err = failure(uuid);
        if (err) list[j] = err;
        else {
          list[j] = read(nums, n);
          n += width;
        }
      }
      return list;
    };
    d.disks = devices(r.disks?.length ?? 0, 5, blockAt);
    d.nics = devices(r.nics?.length ?? 0, 8, interfaceAt);
    if (i > ints.length || n > nums.length) throw malformed('ends early');
  }
  if (i !== ints.length || n !== nums.length || e !== errors.length) throw malformed('has figures left over');
  return out;
}
