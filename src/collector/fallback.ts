// Fills a DomainSample from per-domain calls when the bulk stats record is
// thin (libvirt's test driver returns only state.* from the bulk call; old
// or partial drivers may lack groups). Calls for one domain run
// concurrently; the caller bounds how many domains are in flight.

import { ErrorCode } from '../libvirt/errors.js';
import type { DomainDef } from '../libvirt/domain-xml.js';
import { diskXmlFacts } from './bulk.js';
import type { DomainSample, Draft } from '../types/sample.js';
import {
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

export async function fillFromPerDomainCalls(
  conn: LibvirtSource,
  base: DomainSample,
  def: DomainDef | null,
  unsupported: Unsupported,
): Promise<DomainSample> {
  const errors = [...base.errors];
  const out: Draft<DomainSample> = { ...base, errors, vcpus: [...base.vcpus], disks: [...base.disks], nics: [...base.nics] };

  const attempt = async <T>(call: FallbackCall, what: string, fn: () => Promise<T>): Promise<T | null> => {
    if (unsupported.has(call)) return null;
    try {
      return await fn();
    } catch (e) {
      if (!unsupported.note(call, e)) errors.push(`${what}: ${errorMessage(e)}`);
      return null;
    }
  };

  const diskTargets = def?.disks.filter((d) => d.device === 'disk' || d.device === 'lun') ?? [];
  const nicTargets = (def?.nics ?? []).filter((n) => n.target !== null);

  const [info, vcpus, mem, blocks, ifaces] = await Promise.all([
    attempt('domainInfo', 'virDomainGetInfo', () => conn.domainInfo(base.uuid)),
    attempt('vcpus', 'virDomainGetVcpus', () => conn.vcpus(base.uuid)),
    attempt('memoryStats', 'virDomainMemoryStats', () => conn.memoryStats(base.uuid)),
    Promise.all(
      diskTargets.map((d) => attempt('blockStats', `virDomainBlockStats(${d.target})`, () => conn.blockStats(base.uuid, d.target))),
    ),
    Promise.all(
      nicTargets.map((n) =>
        attempt('interfaceStats', `virDomainInterfaceStats(${n.target})`, () => conn.interfaceStats(base.uuid, n.target as string)),
      ),
    ),
  ]);

  if (info) {
    out.cpuTimeNs = info.cpuTimeNs;
    out.vcpusCurrent ??= info.nrVirtCpu;
    out.balloon = { ...out.balloon, currentKiB: out.balloon.currentKiB ?? info.memoryKiB, maximumKiB: out.balloon.maximumKiB ?? info.maxMemKiB };
  }
  if (vcpus) {
    out.vcpus = vcpus.map((v) => ({ vcpu: v.number, state: v.state, timeNs: v.cpuTimeNs, waitNs: null, delayNs: null }));
    out.vcpusCurrent = vcpus.length;
  }
  if (mem) {
    const k = (name: string) => mem[name] ?? null;
    out.balloon = {
      ...out.balloon,
      currentKiB: k('actual_balloon') ?? out.balloon.currentKiB,
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
  }
  if (diskTargets.length) {
    out.disks = diskTargets.map((d, i) => {
      const s = blocks[i];
      return {
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
    });
  }
  if (nicTargets.length) {
    out.nics = nicTargets.map((n, i) => {
      const s = ifaces[i];
      return {
        name: n.target as string,
        mac: n.mac,
        source: n.source,
        type: n.type,
        bridge: n.bridge,
        model: n.model,
        mtu: n.mtu,
        rxBytes: s?.rxBytes ?? null,
        rxPkts: s?.rxPackets ?? null,
        rxErrs: s?.rxErrs ?? null,
        rxDrop: s?.rxDrop ?? null,
        txBytes: s?.txBytes ?? null,
        txPkts: s?.txPackets ?? null,
        txErrs: s?.txErrs ?? null,
        txDrop: s?.txDrop ?? null,
      };
    });
  }
  return out;
}
