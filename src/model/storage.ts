// Storage and network capacity from the slow loop's inventory: per pool how
// full it is, how far its thin volumes overcommit it, how fast it fills and
// when it will be full; which volume each guest disk is; per network how
// many of its DHCP addresses are taken and which guests are on it. Pure:
// the growth history is kept by the caller (PoolGrowth) and handed in.

import type { BridgeReading, HostInventory, NetworkSample } from '../types/sample.js';
import { counterRate, scanElapsedNs } from './rates.js';
import type { DomainView, HostBridgeView, NetworkView, PoolView, TapView } from './view.js';
import { compareNames } from './sort.js';


/** The growth rate needs this much history: a minute of a slow loop's rounds says little. */
export const GROWTH_MIN_SPAN_MS = 10 * 60_000;
/** and looks back at most this far */
export const GROWTH_WINDOW_MS = 6 * 3600_000;

export interface GrowthPoint {
  wallMs: number;
  allocationBytes: number;
}

/**
 * Least-squares slope of allocation over time, bytes per hour, over the
 * points of the last GROWTH_WINDOW_MS; null when they span less than
 * GROWTH_MIN_SPAN_MS.
 */
export function growthPerHour(points: readonly GrowthPoint[]): number | null {
  if (points.length < 2) return null;
  const last = points[points.length - 1].wallMs;
  const pts = points.filter((p) => p.wallMs >= last - GROWTH_WINDOW_MS);
  if (pts.length < 2 || last - pts[0].wallMs < GROWTH_MIN_SPAN_MS) return null;
  const t0 = pts[0].wallMs;
  const n = pts.length;
  let sx = 0;
  let sy = 0;
  for (const p of pts) {
    sx += p.wallMs - t0;
    sy += p.allocationBytes;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of pts) {
    const dx = p.wallMs - t0 - mx;
    sxy += dx * (p.allocationBytes - my);
    sxx += dx * dx;
  }
  return sxx === 0 ? null : (sxy / sxx) * 3600_000;
}

/** Seconds until `availableBytes` are used up at `bytesPerHour`; 0 when none are left; null when not growing. */
export function fullInSec(availableBytes: number, bytesPerHour: number | null): number | null {
  // A full pool is full now, whatever its history says (often too short to tell a growth).
  if (availableBytes <= 0) return 0;
  if (bytesPerHour === null || bytesPerHour <= 0) return null;
  return (availableBytes / bytesPerHour) * 3600;
}

/** Per pool, its allocation over time (one point per slow-loop round), bounded. */
export class PoolGrowth {
  private readonly points = new Map<string, GrowthPoint[]>();
  private lastRoundMs: number | null = null;

  constructor(private readonly maxPoints = 1000) {}

  /** Takes a round's pools once (each tick hands in the same round until the next). */
  add(inv: HostInventory): void {
    if (inv.atWallMs === this.lastRoundMs) return;
    this.lastRoundMs = inv.atWallMs;
    const seen = new Set<string>();
    for (const p of inv.pools) {
      seen.add(p.uuid);
      if (p.state !== 'running' && p.state !== 'degraded') continue;
      let pts = this.points.get(p.uuid);
      if (!pts) this.points.set(p.uuid, (pts = []));
      pts.push({ wallMs: inv.atWallMs, allocationBytes: Number(p.allocationBytes) });
      if (pts.length > this.maxPoints) pts.splice(0, pts.length - this.maxPoints);
    }
    for (const k of [...this.points.keys()]) if (!seen.has(k)) this.points.delete(k);
  }

  of(uuid: string): readonly GrowthPoint[] {
    return this.points.get(uuid) ?? [];
  }
}

function pct(a: number, b: number): number | null {
  return b > 0 ? (a / b) * 100 : null;
}

/** Volume paths to the names of the domains whose disks use them. */
function diskUsers(domains: readonly DomainView[]): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const d of domains) {
    for (const k of d.disks) {
      if (!k.path) continue;
      const list = users.get(k.path);
      if (list) {
        if (!list.includes(d.name)) list.push(d.name);
      } else users.set(k.path, [d.name]);
    }
  }
  // By name: the domains' order changes from tick to tick, the lists should not.
  for (const list of users.values()) list.sort(compareNames);
  return users;
}

export function poolViews(inv: HostInventory, growth: PoolGrowth, domains: readonly DomainView[]): PoolView[] {
  const users = diskUsers(domains);
  return inv.pools.map((p) => {
    const capacity = Number(p.capacityBytes);
    const allocation = Number(p.allocationBytes);
    const available = Number(p.availableBytes);
    const active = p.state === 'running' || p.state === 'degraded';
    const volumes =
      p.volumes?.map((v) => ({
        name: v.name,
        path: v.path,
        type: v.type,
        format: v.format ?? null,
        capacityBytes: Number(v.capacityBytes),
        allocationBytes: Number(v.allocationBytes),
        usedBy: users.get(v.path) ?? [],
      })) ?? null;
    const promised = volumes ? volumes.reduce((acc, v) => acc + v.capacityBytes, 0) : null;
    const g = active ? growthPerHour(growth.of(p.uuid)) : null;
    return {
      name: p.name,
      uuid: p.uuid,
      state: p.state,
      type: p.type,
      targetPath: p.targetPath,
      source: p.source,
      capacityBytes: capacity,
      allocationBytes: allocation,
      availableBytes: available,
      usedPercent: active ? pct(allocation, capacity) : null,
      overcommitRatio: active && promised !== null && capacity > 0 ? promised / capacity : null,
      growthBytesPerHour: g,
      fullInSec: active ? fullInSec(available, g) : null,
      autostart: p.autostart,
      persistent: p.persistent,
      volumes,
      error: p.error,
    };
  });
}

/** Which pool and volume each disk path is on (the DiskView's pool column). */
export function volumeIndex(pools: readonly PoolView[]): Map<string, { pool: string; volume: string }> {
  const idx = new Map<string, { pool: string; volume: string }>();
  for (const p of pools) for (const v of p.volumes ?? []) idx.set(v.path, { pool: p.name, volume: v.name });
  return idx;
}

/** Bytes per second through each bridge between two readings; a bridge missing from either has none. */
export function bridgeRates(prev: BridgeReading | undefined, cur: BridgeReading | undefined): Map<string, { rx: number | null; tx: number | null }> {
  const out = new Map<string, { rx: number | null; tx: number | null }>();
  if (!cur) return out;
  // Several files read one after another: their offsets inside the spans do not cancel.
  const elapsed = prev ? scanElapsedNs(prev, cur, 0n) : null;
  for (const b of cur.bridges) {
    const p = prev?.bridges.find((x) => x.name === b.name);
    out.set(b.name, {
      rx: p && elapsed !== null ? counterRate(p.rxBytes, b.rxBytes, elapsed) : null,
      tx: p && elapsed !== null ? counterRate(p.txBytes, b.txBytes, elapsed) : null,
    });
  }
  return out;
}

type Rates = Map<string, { rx: number | null; tx: number | null }>;

/** The guests and taps whose NICs `on` says are on it, both by name. */
function attached(domains: readonly DomainView[], on: (nic: DomainView['nics'][number]) => boolean): { guests: string[]; taps: TapView[] } {
  // a Set: a bridge can carry a thousand guests, and a list's includes() made that quadratic
  const seen = new Set<string>();
  const taps: TapView[] = [];
  for (const d of domains) {
    for (const nic of d.nics) {
      if (!on(nic)) continue;
      seen.add(d.name);
      taps.push({ tap: nic.name, domain: d.name, mac: nic.mac });
    }
  }
  const guests = [...seen].sort(compareNames);
  taps.sort((a, b) => compareNames(a.tap, b.tap) || compareNames(a.domain, b.domain));
  return { guests, taps };
}

function networkView(n: NetworkSample, domains: readonly DomainView[], rates: Rates): NetworkView {
  const byMac = new Map<string, string>();
  for (const d of domains) for (const nic of d.nics) if (nic.mac) byMac.set(nic.mac.toLowerCase(), d.name);
  const { guests, taps } = attached(
    domains,
    (nic) => (nic.source !== null && (nic.source === n.name || nic.source === n.bridge)) || (n.bridge !== null && nic.bridge === n.bridge),
  );
  const leases =
    n.leases?.map((l) => ({ mac: l.mac, ip: l.ip, hostname: l.hostname, domain: l.mac ? (byMac.get(l.mac) ?? null) : null, expiresWallMs: l.expiresWallMs })) ?? null;
  return {
    name: n.name,
    uuid: n.uuid,
    active: n.active,
    forward: n.forward,
    bridge: n.bridge,
    addresses: [...n.addresses],
    // IPv4 leases only count against the IPv4 ranges that dhcpSize sums.
    leasesUsed: n.leases === null || n.dhcpSize === null ? null : n.leases.filter((l) => l.type === 'ipv4').length,
    leasesTotal: n.dhcpSize,
    leases,
    guests,
    taps,
    rxBytesPerSec: n.bridge === null ? null : (rates.get(n.bridge)?.rx ?? null),
    txBytesPerSec: n.bridge === null ? null : (rates.get(n.bridge)?.tx ?? null),
    autostart: n.autostart,
    persistent: n.persistent,
    error: n.error,
  };
}

/** Networks with their guests, leases and, where the bridges were read twice, their traffic. */
export function networkViews(inv: HostInventory, domains: readonly DomainView[], traffic: { prev?: BridgeReading; cur?: BridgeReading } = {}): NetworkView[] {
  const rates = bridgeRates(traffic.prev, traffic.cur);
  return inv.networks.map((n) => networkView(n, domains, rates));
}

/**
 * The host bridges guests are plugged into directly (<interface
 * type='bridge'>: br0 on a real LAN) that none of the libvirt networks owns,
 * by name, with their guests, taps and traffic.
 */
export function hostBridgeViews(
  domains: readonly DomainView[],
  networks: readonly NetworkView[] | null,
  traffic: { prev?: BridgeReading; cur?: BridgeReading } = {},
): HostBridgeView[] {
  const owned = new Set((networks ?? []).map((n) => n.bridge).filter((b) => b !== null));
  const names = new Set<string>();
  for (const d of domains) for (const nic of d.nics) if (nic.type === 'bridge' && nic.bridge && !owned.has(nic.bridge)) names.add(nic.bridge);
  const rates = bridgeRates(traffic.prev, traffic.cur);
  return [...names].sort(compareNames).map((name) => ({
    name,
    ...attached(domains, (nic) => nic.bridge === name),
    rxBytesPerSec: rates.get(name)?.rx ?? null,
    txBytesPerSec: rates.get(name)?.tx ?? null,
  }));
}
