// Fills DomainSamples from per-domain calls when the bulk stats records are
// thin (libvirt's test driver returns only state.* from the bulk call; old
// or partial drivers may lack groups). A real connection answers all of a
// tick's domains with a few domainsDetail calls (one job each on the
// binding's threads); a source without it (test fakes, the demo's wrapper)
// gets the same answers from the one-call methods.

import { ErrorCode } from '../libvirt/errors.js';
import type { DomainDef } from '../libvirt/domain-xml.js';
import { diskXmlFacts, nicFromDef } from './bulk.js';
import type { DiskSample, DomainSample, Draft, NicSample } from '../types/sample.js';
import type { DomainDetail, DomainDetailRequest } from '../libvirt/types.js';
import type { Clock } from '../util/clock.js';
import { chunksOf, mapLimit } from '../util/pool.js';
import {
  asError,
  errorCode,
  errorMessage,
  type LibvirtSource,
} from './source.js';

export type FallbackCall = 'domainInfo' | 'vcpus' | 'memoryStats' | 'blockStats' | 'interfaceStats';

/** Remembers which calls a host's driver does not support, so they are not retried every tick. */
export class Unsupported {
  private readonly calls = new Set<FallbackCall>();
  has(c: FallbackCall): boolean {
    return this.calls.has(c);
  }
  note(c: FallbackCall, e: unknown): boolean {
    const code = errorCode(e);
    if (code === ErrorCode.NoSupport || code === ErrorCode.OperationUnsupported || code === ErrorCode.ArgumentUnsupported) {
      this.calls.add(c);
      return true;
    }
    return false;
  }
}

/** Domains per domainsDetail call: big enough that the JS side pays for few promises, small enough that chunks can run side by side on a local connection's threads. */
export const DETAIL_CHUNK = 128;

/** A thin record's domain, and the devices its XML names. */
export interface FallbackItem {
  /** this tick's draft: applyDetail fills it in */
  base: Draft<DomainSample>;
  def: DomainDef | null;
}

type NicWithTarget = DomainDef['nics'][number] & { target: string };
interface Targets {
  disks: DomainDef['disks'];
  nics: NicWithTarget[];
}
// A definition is parsed once and kept (host.ts): its devices with stats are
// picked once too, not twice per domain per tick.
const targetsByDef = new WeakMap<DomainDef, Targets>();
const NO_TARGETS: Targets = { disks: [], nics: [] };
function targetsOf(def: DomainDef | null): Targets {
  if (!def) return NO_TARGETS;
  let t = targetsByDef.get(def);
  if (!t) {
    t = { disks: def.disks.filter((d) => d.device === 'disk' || d.device === 'lun'), nics: def.nics.filter((n): n is NicWithTarget => n.target !== null) };
    targetsByDef.set(def, t);
  }
  return t;
}
const diskTargetsOf = (def: DomainDef | null) => targetsOf(def).disks;
const nicTargetsOf = (def: DomainDef | null) => targetsOf(def).nics;

/**
 * What to ask for one domain: every call the driver has not refused, for
 * every device its XML names; per-vCPU times only when something shows
 * them (`vcpuTimes`; the vCPU count comes with the info).
 */
export function detailRequest(item: FallbackItem, unsupported: Unsupported, vcpuTimes = true): DomainDetailRequest {
  return {
    uuid: item.base.uuid,
    info: !unsupported.has('domainInfo'),
    vcpus: vcpuTimes && !unsupported.has('vcpus'),
    memory: !unsupported.has('memoryStats'),
    disks: unsupported.has('blockStats') ? [] : diskTargetsOf(item.def).map((d) => d.target),
    nics: unsupported.has('interfaceStats') ? [] : nicTargetsOf(item.def).map((n) => n.target),
  };
}

/**
 * Reads the requests' answers, in order. A chunk whose call failed as a whole
 * (the connection closed under it) gives each of its domains that error.
 */
export async function readDetails(conn: LibvirtSource, requests: DomainDetailRequest[], clock: Clock, concurrency: number): Promise<DomainDetail[]> {
  const batch = conn.domainsDetail?.bind(conn);
  if (!batch) return mapLimit(requests, concurrency, (r) => detailFromCalls(conn, r, clock));
  const answers = await Promise.all(
    chunksOf(requests, DETAIL_CHUNK).map(async (chunk) => {
      const t0 = clock.monoNs();
      try {
        return await batch(chunk);
      } catch (e) {
        const t1 = clock.monoNs();
        const error = asError(e);
        return chunk.map((r): DomainDetail => ({ uuid: r.uuid, startNs: t0, endNs: t1, error }));
      }
    }),
  );
  return answers.flat();
}

const settle = <T>(p: Promise<T>): Promise<T | Error> => p.then((v) => v, asError);

/** One domain's answers from the one-call methods, run side by side. */
async function detailFromCalls(conn: LibvirtSource, r: DomainDetailRequest, clock: Clock): Promise<DomainDetail> {
  const startNs = clock.monoNs();
  const [info, vcpus, memory, disks, nics] = await Promise.all([
    r.info ? settle(conn.domainInfo(r.uuid)) : undefined,
    r.vcpus ? settle(conn.vcpus(r.uuid)) : undefined,
    r.memory ? settle(conn.memoryStats(r.uuid)) : undefined,
    Promise.all((r.disks ?? []).map((d) => settle(conn.blockStats(r.uuid, d)))),
    Promise.all((r.nics ?? []).map((n) => settle(conn.interfaceStats(r.uuid, n)))),
  ]);
  return { uuid: r.uuid, startNs, endNs: clock.monoNs(), error: null, info, vcpus, memory, disks, nics };
}

/**
 * A domain's sample filled in with its answers, stamped with when they were
 * read; refused calls are noted in `unsupported`. Fills `item.base` in place
 * and returns it: the draft is this tick's own (domainFromRecord's), and a
 * copy per domain per tick was a third of what this path left to the GC.
 */
export function applyDetail(item: FallbackItem, detail: DomainDetail, unsupported: Unsupported): Draft<DomainSample> {
  const { base: out, def } = item;
  const errors = out.errors;
  out.statsMonoNs = (detail.startNs + detail.endNs) / 2n;
  out.statsSpanNs = detail.endNs - detail.startNs;
  if (detail.error) {
    errors.push(`virDomainLookupByUUIDString: ${errorMessage(detail.error)}`);
    return out;
  }
  // An answer, or null after noting why there is none (`what` and `target` name the call in the message).
  const answer = <T>(call: FallbackCall, what: string, part: T | Error | undefined, target?: string): T | null => {
    if (part === undefined) return null;
    if (!(part instanceof Error)) return part;
    if (!unsupported.note(call, part)) errors.push(`${target === undefined ? what : `${what}(${target})`}: ${errorMessage(part)}`);
    return null;
  };
  const info = answer('domainInfo', 'virDomainGetInfo', detail.info);
  const vcpus = answer('vcpus', 'virDomainGetVcpus', detail.vcpus);
  const mem = answer('memoryStats', 'virDomainMemoryStats', detail.memory);

  const b = out.balloon;
  if (mem) {
    const k = (name: string) => mem[name] ?? null;
    out.balloon = {
      ...b,
      currentKiB: k('actual_balloon') ?? b.currentKiB ?? info?.memoryKiB ?? null,
      maximumKiB: b.maximumKiB ?? info?.maxMemKiB ?? null,
      availableKiB: k('available'),
      unusedKiB: k('unused'),
      usableKiB: k('usable'),
      rssKiB: k('rss'),
      swapInKiB: k('swap_in'),
      swapOutKiB: k('swap_out'),
      majorFaults: k('major_fault'),
      minorFaults: k('minor_fault'),
      diskCachesKiB: k('disk_caches'),
      lastUpdateSec: k('last_update'),
    };
  } else if (info) {
    out.balloon = { ...b, currentKiB: b.currentKiB ?? info.memoryKiB, maximumKiB: b.maximumKiB ?? info.maxMemKiB };
  }
  if (info) {
    out.cpuTimeNs = info.cpuTimeNs;
    out.vcpusCurrent ??= info.nrVirtCpu;
  }
  if (vcpus) {
    out.vcpus = vcpus.map((v) => ({ vcpu: v.number, state: v.state, timeNs: v.cpuTimeNs, waitNs: null, delayNs: null }));
    out.vcpusCurrent = vcpus.length;
  }
  const diskTargets = diskTargetsOf(def);
  if (diskTargets.length) {
    const disks: DiskSample[] = new Array(diskTargets.length);
    for (let i = 0; i < diskTargets.length; i++) {
      const d = diskTargets[i];
      const s = answer('blockStats', 'virDomainBlockStats', detail.disks?.[i], d.target);
      disks[i] = {
        name: d.target,
        path: d.source,
        device: d.device,
        bus: d.bus,
        xml: diskXmlFacts(d),
        rdReqs: s?.rdReq ?? null,
        rdBytes: s?.rdBytes ?? null,
        wrReqs: s?.wrReq ?? null,
        wrBytes: s?.wrBytes ?? null,
        errors: s?.errs ?? null,
        capacityBytes: null,
        allocationBytes: null,
        rdTimesNs: s?.rdTimesNs ?? null,
        wrTimesNs: s?.wrTimesNs ?? null,
        flReqs: s?.flReqs ?? null,
        flTimesNs: s?.flTimesNs ?? null,
      };
    }
    out.disks = disks;
  }
  const nicTargets = nicTargetsOf(def);
  if (nicTargets.length) {
    const nics: NicSample[] = new Array(nicTargets.length);
    for (let i = 0; i < nicTargets.length; i++) {
      nics[i] = nicFromDef(nicTargets[i], answer('interfaceStats', 'virDomainInterfaceStats', detail.nics?.[i], nicTargets[i].target));
    }
    out.nics = nics;
  }
  return out;
}
