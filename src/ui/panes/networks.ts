// View 6: every libvirt network of the watched hosts, a row each: forward
// mode, bridge and the traffic through it, addresses, how many of the DHCP
// range are taken (marked as it runs out) and the guests on it. Enter opens
// one network: per lease the address, MAC, host name, the domain behind it
// and when it expires.

import type { LeaseView, NetworkView } from '../../model/view.js';
import type { Role } from '../../theme/roles.js';
import { humanBytes } from '../../util/units.js';
import { shortHost } from '../../util/uri.js';
import type { Frame } from '../frame.js';
import { cleanText } from '../text.js';
import { inventoryKey, placeSimple, simpleHeader, simpleRow, type ListSpec, type SimpleColumn } from './list.js';

const byName = new Intl.Collator();

export type NetworkRow = { host: string; net: NetworkView; lease: null } | { host: string; net: NetworkView; lease: LeaseView };

/**
 * One row per network, by name within each host in the hosts' order; with a network opened (Enter),
 * that network alone followed by its leases. A network opened and then gone
 * shows them all again.
 */
export function networkRows(frame: Frame): NetworkRow[] {
  const open = frame.state.opened?.networks?.key ?? null;
  const all: NetworkRow[] = [];
  for (const h of frame.view.hosts) {
    for (const net of [...(h.networks ?? [])].sort((a, b) => byName.compare(a.name, b.name))) {
      if (inventoryKey(h.uri, net.uuid) !== open) {
        all.push({ host: h.uri, net, lease: null });
        continue;
      }
      const rows: NetworkRow[] = [{ host: h.uri, net, lease: null }];
      for (const lease of net.leases ?? []) rows.push({ host: h.uri, net, lease });
      return rows;
    }
  }
  return all;
}

/** Per row, the network Enter opens (or closes, when it is the one open); null for a lease. */
export function networkOpens(rows: readonly NetworkRow[]): (string | null)[] {
  return rows.map((r) => (r.lease === null ? inventoryKey(r.host, r.net.uuid) : null));
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
  { title: 'ADDRESS / MAC', width: 18, align: 'left', priority: 80 },
  { title: 'RX/s', width: 6, align: 'right', priority: 84 },
  { title: 'TX/s', width: 6, align: 'right', priority: 83 },
  { title: 'LEASES', width: 9, align: 'right', priority: 87 },
  { title: 'GUESTS / LEASE', width: 16, align: 'left', priority: 60, flex: true },
];

export function networksSpec(frame: Frame, rows: readonly NetworkRow[], width: number): ListSpec {
  const cols = frame.multiHost ? COLS : COLS.slice(1);
  const off = frame.multiHost ? 0 : 1;
  const placed = placeSimple(cols, width);
  const p = frame.palette;
  const openKey = frame.state.opened?.networks?.key;
  const opened = openKey ? rows.find((r) => inventoryKey(r.host, r.net.uuid) === openKey)?.net : undefined;
  const leases = frame.view.hosts.reduce((n, h) => n + (h.networks ?? []).reduce((k, net) => k + (net.leases?.length ?? 0), 0), 0);
  const waiting = frame.view.hosts.length > 0 && frame.view.hosts.every((h) => h.networks === null || h.networks === undefined);
  return {
    title: opened ? `Network ${cleanText(opened.name)}` : 'Networks',
    info: opened
      ? `${opened.leases === null ? 'no DHCP leases' : `${opened.leases.length} lease(s)`}  Esc: all networks`
      : `${rows.length} network(s), ${leases} lease(s)  Enter: its leases  0/Esc: domains`,
    header: simpleHeader(placed),
    count: rows.length,
    cursor: frame.state.listCursor.networks,
    scroll: frame.state.listScroll.networks,
    empty: waiting ? 'networks not read yet: they are read every 30 s, apart from the ticks' : 'no libvirt networks',
    format: (i, selected) => {
      const r = rows[i];
      const n = r.net;
      let cells: string[];
      if (r.lease === null) {
        cells = [
          cleanText(shortHost(r.host)),
          cleanText(n.name),
          cleanText(n.forward ?? '?'),
          cleanText(n.bridge ?? '-'),
          n.active ? 'active' : 'inactive',
          cleanText(n.addresses[0] ?? '-'),
          humanBytes(n.rxBytesPerSec),
          humanBytes(n.txBytesPerSec),
          n.leasesTotal === null ? '-' : `${n.leasesUsed ?? '?'}/${n.leasesTotal}`,
          cleanText(n.error ? `⚠ ${n.error}` : n.guests.join(', ') || '-'),
        ];
      } else {
        const l = r.lease;
        const expires = l.expiresWallMs === null ? 'never' : formatLeft((l.expiresWallMs - frame.nowMs) / 1000);
        const who = [l.domain ?? 'not a domain here', l.hostname === null ? null : `host name ${l.hostname}`].filter((x) => x !== null).join(', ');
        cells = ['', `  ${cleanText(l.ip)}`, '', '', '', cleanText(l.mac ?? '-'), '', '', '', cleanText(`${who}; expires ${expires}`)];
      }
      const line = simpleRow(placed, off ? cells.slice(off) : cells, width);
      const role = r.lease === null ? leaseRole(n) : null;
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
