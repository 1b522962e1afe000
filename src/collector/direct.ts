// Counters read from the kernel instead of asked of libvirtd, on a local
// QEMU host: a domain's CPU time from its cgroup and its NICs' counters from
// /proc/net/dev, the very files libvirt's cpu.time and net.* come from. The
// bulk call then leaves out those two groups, which saves libvirtd a cgroup
// read per domain and a parse of /proc/net/dev per NIC each tick.
//
// It is all or nothing per tick: one bulk call serves every domain, so the
// groups are left out only when the last tick showed that every active
// domain's CPU and every NIC could be read here (DirectPlan), and asked for
// again as soon as one could not, for a full tick every FULL_EVERY ticks,
// and whenever the host's interfaces change (a NIC hot-plugged, a guest
// started), so a device the cached XML does not know yet is seen by
// libvirt's net.N names on the next tick.

import type { DomainDef, NicDef } from '../libvirt/domain-xml.js';
import { StatsGroup, type InterfaceStats } from '../libvirt/types.js';
import type { CgroupCpu } from '../procfs/cgroup-cpu.js';
import type { NetDev, NetDevCounters } from '../procfs/netdev.js';
import type { ParseResult } from '../procfs/parse.js';
import type { DomainSample, Draft } from '../types/sample.js';
import { nicFromDef } from './bulk.js';
import type { ProcProbe } from './proc-probe.js';

/** The bulk stats groups direct readings stand in for. */
export const DIRECT_GROUPS = StatsGroup.CpuTotal | StatsGroup.Interface;

/** Ask libvirt for everything at least this often, as a check on what the cached XML says. */
export const FULL_EVERY = 30;

export interface DirectReadings {
  /** by QEMU pid */
  cpu: Map<number, ParseResult<CgroupCpu>>;
  netdev: ParseResult<NetDev>;
}

/** A domain as the readings need it: its XML and its QEMU's pid (null: not found yet). */
export interface DirectDomain {
  def: DomainDef | null;
  pid: number | null;
}

/** A probe that reads both kinds of counter. */
export type DirectProbe = ProcProbe & Required<Pick<ProcProbe, 'readDomainCpu' | 'readNetDev'>>;

/** Whether the probe can read both kinds of counter. */
export function canReadDirect(proc: ProcProbe | null): proc is DirectProbe {
  return proc !== null && proc.readDomainCpu !== undefined && proc.readNetDev !== undefined;
}

/** One read of /proc/net/dev (the counters of `taps`) and each pid's cgroup CPU. */
export async function readDirect(proc: DirectProbe, pids: readonly number[], taps: ReadonlySet<string>): Promise<DirectReadings> {
  const [cpu, netdev] = await Promise.all([proc.readDomainCpu(pids), proc.readNetDev(taps)]);
  return { cpu, netdev };
}

/** The taps of a domain's NICs, whose counters the next reading needs. */
export function tapsOf(def: DomainDef | null): string[] {
  return def === null ? [] : def.nics.filter(isTapOnBridge).map((n) => n.target as string);
}

/**
 * A tap device on a host bridge (a bridge interface, or a libvirt network
 * that bridges): libvirt reads its counters from /proc/net/dev and swaps
 * rx and tx into the guest's view. Anything else (macvtap, user, vhost-user,
 * an unknown type) is left to libvirt.
 */
export function isTapOnBridge(n: NicDef): boolean {
  return (n.type === 'bridge' || n.type === 'network') && n.bridge !== null && n.target !== null;
}

/** The CPU of this domain's cgroup, when it was read. */
function cpuOf(d: DirectDomain, r: DirectReadings): CgroupCpu | null {
  if (d.pid === null) return null;
  const c = r.cpu.get(d.pid);
  return c?.ok ? c.value : null;
}

/** Whether this domain's CPU and every NIC can be had from the readings. */
export function coveredByDirect(d: DirectDomain, r: DirectReadings): boolean {
  if (d.def === null || cpuOf(d, r) === null || !r.netdev.ok) return false;
  const devs = r.netdev.value.counters;
  return d.def.nics.every((n) => isTapOnBridge(n) && devs.has(n.target as string));
}

/** The guest's view of a tap's counters: what the guest sent is what the tap received, and the other way round. */
export function guestView(host: NetDevCounters): InterfaceStats {
  return {
    rxBytes: host.txBytes,
    rxPackets: host.txPackets,
    rxErrs: host.txErrs,
    rxDrop: host.txDrop,
    txBytes: host.rxBytes,
    txPackets: host.rxPackets,
    txErrs: host.rxErrs,
    txDrop: host.rxDrop,
  };
}

/**
 * Fills what a bulk record without the CPU and interface groups lacks. A
 * domain the readings do not cover keeps those figures unknown (null, with
 * the reason) for this tick; the next tick asks libvirt again.
 */
export function applyDirect(ds: Draft<DomainSample>, d: DirectDomain, r: DirectReadings): void {
  const cpu = cpuOf(d, r);
  if (cpu !== null) {
    ds.cpuTimeNs = cpu.cpuTimeNs;
    ds.cpuUserNs = cpu.userNs;
    ds.cpuSystemNs = cpu.systemNs;
  } else {
    const read = d.pid === null ? undefined : r.cpu.get(d.pid);
    const why = d.pid === null ? 'its QEMU process is not known yet' : read && !read.ok ? read.error : 'not read';
    ds.errors.push(`CPU time from the cgroup: ${why}`);
  }
  if (d.def === null) return;
  const devs = r.netdev.ok ? r.netdev.value.counters : null;
  if (!r.netdev.ok && d.def.nics.length > 0) ds.errors.push(r.netdev.error);
  ds.nics = d.def.nics
    .filter((n) => n.target !== null)
    .map((n) => {
      const host = isTapOnBridge(n) ? devs?.get(n.target as string) : undefined;
      return nicFromDef(n, host ? guestView(host) : null);
    });
}

/** The host's interface names, to notice one coming or going between ticks. */
export function interfaceSet(r: DirectReadings): string | null {
  return r.netdev.ok ? r.netdev.value.names.join('\n') : null;
}
