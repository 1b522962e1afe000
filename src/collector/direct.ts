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
//
// The vCPU group is planned apart, as it rests on other files: libvirt's
// vcpu.N.time and vcpu.N.delay are each vCPU thread's /proc stat and
// schedstat, which the collector reads anyway when it shows vCPU threads.
// It is left out when the last tick found every active domain's vCPU
// threads (as many as libvirt counted, when it was asked), and the online
// count is then theirs. libvirt's vcpu.N.wait (from the threads' sched
// files) has no stand-in: whoever publishes it (the exporter) keeps asking.

import type { DomainDef, NicDef } from '../libvirt/domain-xml.js';
import { StatsGroup, type InterfaceStats } from '../libvirt/types.js';
import type { CgroupCpu } from '../procfs/cgroup-cpu.js';
import type { NetDev, NetDevCounters } from '../procfs/netdev.js';
import type { ParseResult } from '../procfs/parse.js';
import type { DomainSample, Draft, ProcessSample } from '../types/sample.js';
import { nicFromDef } from './bulk.js';
import type { ProcProbe } from './proc-probe.js';

/** The bulk stats groups direct readings stand in for. */
export const DIRECT_GROUPS = StatsGroup.CpuTotal | StatsGroup.Interface;

/** The bulk stats group a local QEMU's vCPU threads in /proc stand in for. */
export const VCPU_GROUP = StatsGroup.Vcpu;

/** Ask libvirt for everything at least this often, as a check on what the cached XML says. */
export const FULL_EVERY = 30;

/**
 * Whether a group the kernel stands in for may be left out of this tick's
 * bulk call: the last tick showed it could be (`covered`), and this is not
 * one of the full ticks, every FULL_EVERY of the ticks it could be.
 */
export class DirectPlan {
  covered = false;
  private ticks = 0;

  leaveOut(): boolean {
    return this.covered && ++this.ticks % FULL_EVERY !== 0;
  }
}

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

/** Online vCPUs as a QEMU's threads show them (one "CPU n/KVM" thread each); 0 when none was read. */
export function vcpuThreadCount(p: ProcessSample | null | undefined): number {
  let n = 0;
  for (const t of p?.threads ?? []) if (t.vcpu !== null) n++;
  return n;
}

/**
 * The online vCPU count for a bulk record without the vCPU group: the
 * threads'. Where none was read this tick the XML's count stays, said why,
 * and the next tick asks libvirt again (vcpusCoveredByProc).
 */
export function applyVcpuThreads(ds: Draft<DomainSample>): void {
  const n = vcpuThreadCount(ds.process);
  if (n > 0) ds.vcpusCurrent = n;
  else ds.errors.push('online vCPUs: no vCPU thread was read from /proc this tick; the count is the XML\'s');
}

/**
 * Whether /proc showed this domain's vCPUs: its vCPU threads were read and,
 * when this tick asked libvirt, they are as many as libvirt's vcpu.current.
 */
export function vcpusCoveredByProc(ds: Pick<DomainSample, 'process' | 'vcpusCurrent'>, askedLibvirt: boolean): boolean {
  const n = vcpuThreadCount(ds.process);
  return n > 0 && (!askedLibvirt || ds.vcpusCurrent === n);
}
