// View 6: every libvirt network of the watched hosts, a row each: forward
// mode, bridge and the traffic through it, addresses, how many of the DHCP
// range are taken (marked as it runs out) and the guests on it; then the host
// bridges guests are plugged into directly (br0), which no network owns.
// Enter opens one: a network's DHCP leases (address, MAC, host name, the
// domain behind it, expiry) and its guests' tap devices; a bridge's taps.

import type { HostBridgeView, LeaseView, NetworkView, TapView } from '../../model/view.js';
import type { Role } from '../../theme/roles.js';
import { humanBytes } from '../../util/units.js';
import { shortHost } from '../../util/uri.js';
import type { Frame } from '../frame.js';
import { cleanText } from '../text.js';
import { autostartText } from '../table.js';
import { inventoryKey, placeSimple, simpleHeader, simpleRow, type ListSpec, type SimpleColumn } from './list.js';
import { byName } from '../../model/sort.js';


export type NetworkRow =
  | { kind: 'network'; host: string; net: NetworkView }
  | { kind: 'lease'; host: string; net: NetworkView; lease: LeaseView }
  | { kind: 'bridge'; host: string; bridge: HostBridgeView }
  | { kind: 'tap'; host: string; tap: TapView };

/** The key a network's or host bridge's row opens by. */
function rowKey(r: NetworkRow): string | null {
  if (r.kind === 'network') return inventoryKey(r.host, r.net.uuid);
  if (r.kind === 'bridge') return inventoryKey(r.host, `bridge:${r.bridge.name}`);
  return null;
}

/**
 * One row per network, by name, then one per host bridge, within each host
 * in the hosts' order. With one opened (Enter), it alone followed by its
 * leases and taps. One opened and then gone shows them all again.
 */
export function networkRows(frame: Frame): NetworkRow[] {
  const open = frame.state.opened?.networks?.key ?? null;
  const all: NetworkRow[] = [];
  for (const h of frame.view.hosts) {
    const host = h.uri;
    const heads: NetworkRow[] = [
      ...[...(h.networks ?? [])].sort(byName).map((net): NetworkRow => ({ kind: 'network', host, net })),
      ...(h.bridges ?? []).map((bridge): NetworkRow => ({ kind: 'bridge', host, bridge })),
    ];
    for (const head of heads) {
      if (rowKey(head) !== open) {
        all.push(head);
        continue;
      }
      const rows: NetworkRow[] = [head];
      if (head.kind === 'network') for (const lease of head.net.leases ?? []) rows.push({ kind: 'lease', host, net: head.net, lease });
      const taps = head.kind === 'network' ? head.net.taps : head.kind === 'bridge' ? head.bridge.taps : [];
      for (const tap of taps) rows.push({ kind: 'tap', host, tap });
      return rows;
    }
  }
  return all;
}

/** Per row, the network or bridge Enter opens (or closes, when it is the one open); null for a lease or a tap. */
export function networkOpens(rows: readonly NetworkRow[]): (string | null)[] {
  return rows.map(rowKey);
}

/** The domain a row stands for (a lease's or a tap's), by name; null for the others. */
export function networkRowDomain(r: NetworkRow): string | null {
  return r.kind === 'lease' ? r.lease.domain : r.kind === 'tap' ? r.tap.domain : null;
}

/** A DHCP range 90 % taken is about to turn guests away. */
export function leaseRole(n: NetworkView): Role | null {
  if (n.leasesUsed === null || !n.leasesTotal) return null;
  const share = n.leasesUsed / n.leasesTotal;
  return share >= 0.9 ? 'gauge.crit' : share >= 0.75 ? 'gauge.warn' : null;
}

const COLS: SimpleColumn[] = [
  { title: 'HOST', width: 12, align: 'left', priority: 50 },
  { title: 'NETWORK / LEASE', width: 18, align: 'left', priority: 100 },
  { title: 'FORWARD', width: 8, align: 'left', priority: 90 },
  { title: 'BRIDGE', width: 8, align: 'left', priority: 85 },
  { title: 'STATE', width: 8, align: 'left', priority: 88 },
  { title: 'AUTO', width: 4, align: 'left', priority: 38 },
  { title: 'ADDRESS / MAC', width: 18, align: 'left', priority: 80 },
  { title: 'RX/s', width: 6, align: 'right', priority: 84 },
  { title: 'TX/s', width: 6, align: 'right', priority: 83 },
  { title: 'LEASES', width: 9, align: 'right', priority: 87 },
  { title: 'GUESTS / LEASE', width: 16, align: 'left', priority: 60, flex: true },
];

function cellsOf(r: NetworkRow, nowMs: number): string[] {
  switch (r.kind) {
    case 'network': {
      const n = r.net;
      return [
        cleanText(shortHost(r.host)),
        cleanText(n.name),
        cleanText(n.forward ?? '?'),
        cleanText(n.bridge ?? '-'),
        n.active ? 'active' : 'inactive',
        autostartText(n),
        cleanText(n.addresses[0] ?? '-'),
        humanBytes(n.rxBytesPerSec),
        humanBytes(n.txBytesPerSec),
        n.leasesTotal === null ? '-' : `${n.leasesUsed ?? '?'}/${n.leasesTotal}`,
        cleanText(n.error ? `⚠ ${n.error}` : n.guests.join(', ') || '-'),
      ];
    }
    case 'bridge': {
      const b = r.bridge;
      // Not a libvirt network: no forward mode, state, addresses or leases of libvirt's.
      return [cleanText(shortHost(r.host)), cleanText(b.name), 'host', cleanText(b.name), '-', '-', '-', humanBytes(b.rxBytesPerSec), humanBytes(b.txBytesPerSec), '-', cleanText(b.guests.join(', ') || '-')];
    }
    case 'lease': {
      const l = r.lease;
      const expires = l.expiresWallMs === null ? 'never' : formatLeft((l.expiresWallMs - nowMs) / 1000);
      const who = [l.domain ?? 'not a domain here', l.hostname === null ? null : `host name ${l.hostname}`].filter((x) => x !== null).join(', ');
      return ['', `  ${cleanText(l.ip)}`, '', '', '', '', cleanText(l.mac ?? '-'), '', '', '', cleanText(`${who}; expires ${expires}`)];
    }
    case 'tap':
      return ['', `  ${cleanText(r.tap.tap)}`, 'tap', '', '', '', cleanText(r.tap.mac ?? '-'), '', '', '', cleanText(r.tap.domain)];
  }
}

function openedInfo(r: NetworkRow): string {
  if (r.kind === 'network') {
    const leases = r.net.leases === null ? 'no DHCP leases' : `${r.net.leases.length} lease(s)`;
    return `${leases}, ${r.net.taps.length} tap(s)  Esc: all networks`;
  }
  return `${r.kind === 'bridge' ? r.bridge.taps.length : 0} tap(s)  Esc: all networks`;
}

export function networksSpec(frame: Frame, rows: readonly NetworkRow[], width: number): ListSpec {
  const cols = frame.multiHost ? COLS : COLS.slice(1);
  const off = frame.multiHost ? 0 : 1;
  const placed = placeSimple(cols, width);
  const p = frame.palette;
  const openKey = frame.state.opened?.networks?.key;
  const opened = openKey ? rows.find((r) => rowKey(r) === openKey) : undefined;
  const nets = frame.view.hosts.reduce((n, h) => n + (h.networks?.length ?? 0), 0);
  const bridges = frame.view.hosts.reduce((n, h) => n + (h.bridges?.length ?? 0), 0);
  const leases = frame.view.hosts.reduce((n, h) => n + (h.networks ?? []).reduce((k, net) => k + (net.leases?.length ?? 0), 0), 0);
  const waiting = frame.view.hosts.length > 0 && frame.view.hosts.every((h) => h.networks === null || h.networks === undefined);
  const title = opened?.kind === 'network' ? `Network ${cleanText(opened.net.name)}` : opened?.kind === 'bridge' ? `Host bridge ${cleanText(opened.bridge.name)}` : 'Networks';
  return {
    title,
    info: opened
      ? openedInfo(opened)
      : `${nets} network(s)${bridges ? `, ${bridges} host bridge(s)` : ''}, ${leases} lease(s)  Enter: its leases and taps  0/Esc: domains`,
    header: simpleHeader(placed),
    count: rows.length,
    cursor: frame.state.listCursor.networks,
    scroll: frame.state.listScroll.networks,
    empty: waiting ? 'networks not read yet: they are read every 30 s, apart from the ticks' : 'no libvirt networks',
    format: (i, selected) => {
      const r = rows[i];
      const cells = cellsOf(r, frame.nowMs);
      const line = simpleRow(placed, off ? cells.slice(off) : cells, width);
      const role = r.kind === 'network' ? leaseRole(r.net) : null;
      return role && !selected ? p.paint(role, line) : line;
    },
  };
}

function formatLeft(sec: number): string {
  if (sec <= 0) return 'already (expired)';
  if (sec < 3600) return `in ${Math.ceil(sec / 60)} min`;
  if (sec < 86400) return `in ${Math.floor(sec / 3600)} h ${Math.floor((sec % 3600) / 60)} min`;
  return `in ${Math.floor(sec / 86400)} d`;
}
