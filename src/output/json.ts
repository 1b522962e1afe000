// NDJSON: one object per tick. Schema documented in README ("JSON schema").
// Rates are null when unknown, never 0. Cumulative counters (cpuTimeNs,
// rdBytes, ...) are decimal strings because they can exceed 2^53 and JSON
// readers in JS would round them.
//
// Schema 2 added fields (guest CPU, raw counters, stamps, insight figures)
// and redefined vcpuPercent as the guest's own vCPU time; no field was
// renamed or removed.

import type { CapacityView } from '../model/capacity.js';
import type { DomainView, HostView, ModelView, NetworkView, PoolView, TapView } from '../model/view.js';
import type { DomainAddresses } from '../types/sample.js';
import { counterText as str, domainCounters, procMonoMs, statsMonoMs } from './counters.js';

export const JSON_SCHEMA_VERSION = 3;

function hostJson(h: HostView) {
  return {
    uri: h.uri,
    hostname: h.hostname,
    model: h.model,
    cpus: h.cpus,
    mhz: h.mhz,
    memoryKiB: h.memoryKiB,
    libvirtVersion: h.libvirtVersion,
    status: h.status,
    error: h.error,
    tickLatencyMs: round(h.tickLatencyMs, 3),
    // schema 3: how long an unresponsive host's call has waited
    sinceSec: round(h.unresponsiveSec ?? null, 1),
    domains: {
      total: h.domainsTotal,
      active: h.domainsActive,
      running: h.domainsRunning,
      paused: h.domainsPaused,
      inactive: h.domainsInactive,
    },
    guestCpuPercent: round(h.guestCpuPercent),
    hostCpuPercent: round(h.hostCpuPercent),
    guestMemKiB: h.guestMemKiB,
    memAvailableKiB: h.memAvailableKiB,
    vcpusActive: h.vcpusActive,
    // ---- schema 2: what the capacity pane shows
    capacity: h.capacity ? capacityJson(h.capacity) : null,
    // ---- schema 3: storage pools and libvirt networks, from the slow loop
    pools: h.pools ? h.pools.map(poolJson) : null,
    networks: h.networks ? h.networks.map(networkJson) : null,
    inventoryTime: h.inventoryWallMs ? new Date(h.inventoryWallMs).toISOString() : null,
    inventoryError: h.inventoryError ?? null,
    bridges: (h.bridges ?? []).map((b) => ({
      name: b.name,
      guests: b.guests,
      taps: b.taps.map(tapJson),
      rxBytesPerSec: round(b.rxBytesPerSec),
      txBytesPerSec: round(b.txBytesPerSec),
    })),
  };
}

function tapJson(t: TapView) {
  return { tap: t.tap, domain: t.domain, mac: t.mac };
}

function poolJson(p: PoolView) {
  return {
    name: p.name,
    uuid: p.uuid,
    type: p.type,
    state: p.state,
    targetPath: p.targetPath,
    capacityBytes: p.capacityBytes,
    allocationBytes: p.allocationBytes,
    availableBytes: p.availableBytes,
    usedPercent: round(p.usedPercent),
    overcommitRatio: round(p.overcommitRatio, 3),
    growthBytesPerHour: round(p.growthBytesPerHour, 0),
    fullInSec: round(p.fullInSec, 0),
    autostart: p.autostart,
    persistent: p.persistent,
    volumes: p.volumes
      ? p.volumes.map((v) => ({ name: v.name, path: v.path, type: v.type, format: v.format, capacityBytes: v.capacityBytes, allocationBytes: v.allocationBytes, usedBy: v.usedBy }))
      : null,
    error: p.error,
  };
}

function networkJson(n: NetworkView) {
  return {
    name: n.name,
    uuid: n.uuid,
    active: n.active,
    forward: n.forward,
    bridge: n.bridge,
    addresses: n.addresses,
    leasesUsed: n.leasesUsed,
    leasesTotal: n.leasesTotal,
    leases: n.leases ? n.leases.map((l) => ({ mac: l.mac, ip: l.ip, hostname: l.hostname, domain: l.domain, expires: l.expiresWallMs === null ? null : new Date(l.expiresWallMs).toISOString() })) : null,
    guests: n.guests,
    taps: n.taps.map(tapJson),
    rxBytesPerSec: round(n.rxBytesPerSec),
    txBytesPerSec: round(n.txBytesPerSec),
    autostart: n.autostart,
    persistent: n.persistent,
    error: n.error,
  };
}

function capacityJson(c: CapacityView) {
  return {
    vcpusActive: c.vcpusActive,
    overcommit: round(c.overcommit, 3),
    memTotalKiB: c.memTotalKiB,
    memAvailableKiB: c.memAvailableKiB,
    memFreeKiB: c.memFreeKiB,
    memCommittedKiB: c.memCurrentSumKiB,
    memMaxCommittedKiB: c.memMaxSumKiB,
    memCommittedPercent: round(c.memCurrentPercent),
    memMaxCommittedPercent: round(c.memMaxPercent),
    ksm: c.ksm,
    hugepages: c.hugepages,
    numa: c.numa,
    pressure: c.pressure,
  };
}

/** Every guest address with the NIC (MAC) it is on and the source that gave it. */
function addressesJson(a: DomainAddresses | null | undefined) {
  if (!a) return null;
  return a.interfaces.flatMap((i) =>
    i.addrs.map((x) => ({ address: x.addr, prefix: x.prefix, type: x.type, mac: i.hwaddr, interface: i.name, source: a.source })),
  );
}

function round(v: number | null, digits = 2): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function domainJson(d: DomainView) {
  return {
    host: d.host,
    name: d.name,
    uuid: d.uuid,
    id: d.id,
    state: d.state,
    cpuPercent: round(d.cpuPercent),
    vcpuPercent: round(d.vcpuPercent),
    vcpus: d.vcpus,
    maxVcpus: d.maxVcpus,
    memCurrentKiB: d.memCurrentKiB,
    memMaxKiB: d.memMaxKiB,
    memUsedKiB: d.memUsedKiB,
    memPercent: round(d.memPercent),
    rssKiB: d.rssKiB,
    rdBytesPerSec: round(d.rdBytesPerSec),
    wrBytesPerSec: round(d.wrBytesPerSec),
    rdReqPerSec: round(d.rdReqPerSec),
    wrReqPerSec: round(d.wrReqPerSec),
    rxBytesPerSec: round(d.rxBytesPerSec),
    txBytesPerSec: round(d.txBytesPerSec),
    rxPktsPerSec: round(d.rxPktsPerSec),
    txPktsPerSec: round(d.txPktsPerSec),
    cpuTimeNs: d.cpuTimeNs === null ? null : d.cpuTimeNs.toString(),
    uptimeSec: round(d.uptimeSec, 0),
    // ---- schema 2
    guestCpuPercent: round(d.vcpuPercent),
    guestCpuSource: d.guestCpuSource ?? null,
    cpuCorePercent: round(d.cpuCorePercent ?? null),
    stealPercent: round(d.stealPercent ?? null),
    stealSumPercent: round(d.stealSumPercent ?? null),
    overheadPercent: round(d.overheadPercent ?? null),
    overheadSource: d.overheadSource ?? null,
    vcpuTimeNs: str(d.vcpuTimeNs),
    statsMonoMs: statsMonoMs(d),
    ...domainCounters(d),
    memUsableKiB: d.memUsableKiB ?? null,
    memStatsAgeSec: round(d.guestStatsAgeSec ?? null, 1),
    guestStats: d.guestStats ?? null,
    swapInKiBPerSec: round(d.swapInKiBPerSec ?? null),
    swapOutKiBPerSec: round(d.swapOutKiBPerSec ?? null),
    majorFaultsPerSec: round(d.majorFaultsPerSec ?? null),
    addresses: addressesJson(d.addresses),
    // ---- schema 3
    stateReason: d.stateReason ?? null,
    persistent: d.persistent ?? null,
    autostart: d.autostart ?? null,
    title: d.title ?? null,
    openstack: d.openstack ?? null,
    diskLatencyMs: round(d.diskLatencyMs ?? null, 3),
    procMonoMs: procMonoMs(d),
    disks: d.disks.map((k) => ({
      name: k.name,
      path: k.path,
      rdBytesPerSec: round(k.rdBytesPerSec),
      wrBytesPerSec: round(k.wrBytesPerSec),
      rdReqPerSec: round(k.rdReqPerSec),
      wrReqPerSec: round(k.wrReqPerSec),
      errors: k.errors,
      capacityBytes: k.capacityBytes,
      allocationBytes: k.allocationBytes,
      rdBytes: str(k.rdBytes),
      wrBytes: str(k.wrBytes),
      rdReqs: str(k.rdReqs),
      wrReqs: str(k.wrReqs),
      // schema 3
      physicalBytes: k.physicalBytes ?? null,
      pool: k.pool ?? null,
      rdLatencyMs: round(k.rdLatencyMs ?? null, 3),
      wrLatencyMs: round(k.wrLatencyMs ?? null, 3),
      flLatencyMs: round(k.flLatencyMs ?? null, 3),
      latencyMs: round(k.latencyMs ?? null, 3),
      rdTimesNs: str(k.rdTimesNs),
      wrTimesNs: str(k.wrTimesNs),
      flReqs: str(k.flReqs),
      flTimesNs: str(k.flTimesNs),
      ioError: k.ioError ?? null,
    })),
    nics: d.nics.map((n) => ({
      name: n.name,
      mac: n.mac,
      source: n.source,
      rxBytesPerSec: round(n.rxBytesPerSec),
      txBytesPerSec: round(n.txBytesPerSec),
      rxPktsPerSec: round(n.rxPktsPerSec),
      txPktsPerSec: round(n.txPktsPerSec),
      rxErrs: n.rxErrs,
      txErrs: n.txErrs,
      rxDrop: n.rxDrop,
      txDrop: n.txDrop,
      rxBytes: str(n.rxBytes),
      txBytes: str(n.txBytes),
      rxPkts: str(n.rxPkts),
      txPkts: str(n.txPkts),
      // schema 3
      type: n.type ?? null,
      bridge: n.bridge ?? null,
    })),
    vcpuThreads: d.vcpuThreads.map((t) => ({
      vcpu: t.vcpu,
      tid: t.tid,
      cpuPercent: round(t.cpuPercent),
      waitPercent: round(t.waitPercent),
      lastCpu: t.lastCpu,
      stealPercent: round(t.stealPercent ?? t.waitPercent),
      cpuTimeNs: str(t.cpuTimeNs),
    })),
    errors: d.errors,
  };
}

export function formatJsonLine(view: ModelView, domains: readonly DomainView[] = view.domains): string {
  return JSON.stringify({
    schema: JSON_SCHEMA_VERSION,
    time: new Date(view.wallMs).toISOString(),
    intervalSec: round(view.intervalSec, 3),
    hosts: view.hosts.map(hostJson),
    domains: domains.map(domainJson),
  });
}
