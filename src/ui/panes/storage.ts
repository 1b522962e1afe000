// View 5: every storage pool of the watched hosts, a row each: how full, how
// overcommitted by thin volumes, how fast it fills and when it will be full.
// Enter opens one pool: its volumes, their sizes and the domains using them.
// A pool over POOL_CRIT_PERCENT used, or projected full within a day, is
// marked as the fault it is about to be.

import type { PoolView, VolumeView } from '../../model/view.js';
import type { Role } from '../../theme/roles.js';
import { shortHost } from '../../util/uri.js';
import { formatDuration, formatPercent, humanBytes } from '../../util/units.js';
import type { Frame } from '../frame.js';
import { cleanText, truncateStart } from '../text.js';
import { autostartText } from '../table.js';
import { inventoryKey, placeSimple, simpleHeader, simpleRow, type ListSpec, type SimpleColumn } from './list.js';
import { byName } from '../../model/sort.js';

export const POOL_WARN_PERCENT = 80;
export const POOL_CRIT_PERCENT = 90;
/** projected full within this: as urgent as a full pool */
export const POOL_FULL_SOON_SEC = 24 * 3600;

export type StorageRow = { host: string; pool: PoolView; volume: null } | { host: string; pool: PoolView; volume: VolumeView };


/**
 * One row per pool, by name within each host in the hosts' order; with a pool opened (Enter), that pool
 * alone followed by its volumes by name. A pool opened and then gone shows
 * them all again.
 */
export function storageRows(frame: Frame): StorageRow[] {
  const open = frame.state.opened?.storage?.key ?? null;
  const all: StorageRow[] = [];
  for (const h of frame.view.hosts) {
    for (const pool of [...(h.pools ?? [])].sort(byName)) {
      if (inventoryKey(h.uri, pool.uuid) !== open) {
        all.push({ host: h.uri, pool, volume: null });
        continue;
      }
      const rows: StorageRow[] = [{ host: h.uri, pool, volume: null }];
      const volumes = [...(pool.volumes ?? [])].sort(byName);
      for (const volume of volumes) rows.push({ host: h.uri, pool, volume });
      return rows;
    }
  }
  return all;
}

/** Per row, the pool Enter opens (or closes, when it is the one open); null for a volume. */
export function storageOpens(rows: readonly StorageRow[]): (string | null)[] {
  return rows.map((r) => (r.volume === null ? inventoryKey(r.host, r.pool.uuid) : null));
}

export function poolRole(p: PoolView): Role | null {
  if (p.state !== 'running' && p.state !== 'degraded') return p.state === 'inactive' ? null : 'gauge.crit';
  if ((p.usedPercent ?? 0) >= POOL_CRIT_PERCENT || (p.fullInSec !== null && p.fullInSec < POOL_FULL_SOON_SEC)) return 'gauge.crit';
  if ((p.usedPercent ?? 0) >= POOL_WARN_PERCENT || p.state === 'degraded') return 'gauge.warn';
  return null;
}

const COLS: SimpleColumn[] = [
  { title: 'HOST', width: 12, align: 'left', priority: 50 },
  { title: 'POOL / VOLUME', width: 26, align: 'left', priority: 100 },
  { title: 'TYPE', width: 7, align: 'left', priority: 60 },
  { title: 'STATE', width: 8, align: 'left', priority: 90 },
  { title: 'AUTO', width: 4, align: 'left', priority: 38 },
  { title: 'SIZE', width: 6, align: 'right', priority: 95 },
  { title: 'USED', width: 6, align: 'right', priority: 94 },
  { title: 'FREE', width: 6, align: 'right', priority: 93 },
  { title: 'USE%', width: 5, align: 'right', priority: 92 },
  { title: 'OVERC', width: 5, align: 'right', priority: 80 },
  { title: 'GROW/h', width: 6, align: 'right', priority: 70 },
  { title: 'FULL IN', width: 11, align: 'right', priority: 85 },
  { title: 'PATH / USED BY', width: 16, align: 'left', priority: 40, flex: true },
];

export function storageSpec(frame: Frame, rows: readonly StorageRow[], width: number): ListSpec {
  const cols = frame.multiHost ? COLS : COLS.slice(1);
  const off = frame.multiHost ? 0 : 1;
  const placed = placeSimple(cols, width);
  const lastW = placed.find((c) => c.flex)?.w ?? 0;
  const p = frame.palette;
  const opened = frame.state.opened?.storage ? rows.find((r) => inventoryKey(r.host, r.pool.uuid) === frame.state.opened?.storage?.key)?.pool : undefined;
  const volumes = frame.view.hosts.reduce((n, h) => n + (h.pools ?? []).reduce((k, pool) => k + (pool.volumes?.length ?? 0), 0), 0);
  const waiting = frame.view.hosts.length > 0 && frame.view.hosts.every((h) => h.pools === null || h.pools === undefined);
  return {
    title: opened ? `Storage pool ${cleanText(opened.name)}` : 'Storage pools',
    info: opened
      ? `${opened.volumes === null ? 'volumes not listed (pool not running)' : `${opened.volumes.length} volume(s)`}  Esc: all pools`
      : `${rows.length} pool(s), ${volumes} volume(s)  Enter: its volumes  0/Esc: domains`,
    header: simpleHeader(placed),
    count: rows.length,
    cursor: frame.state.listCursor.storage,
    scroll: frame.state.listScroll.storage,
    empty: waiting ? 'pools not read yet: they are read every 30 s, apart from the ticks' : 'no storage pools',
    format: (i, selected) => {
      const r = rows[i];
      const pool = r.pool;
      let cells: string[];
      if (r.volume === null) {
        cells = [
          cleanText(shortHost(r.host)),
          cleanText(pool.name),
          cleanText(pool.type ?? '?'),
          pool.state,
          autostartText(pool),
          pool.state === 'inactive' ? '-' : humanBytes(pool.capacityBytes),
          pool.state === 'inactive' ? '-' : humanBytes(pool.allocationBytes),
          pool.state === 'inactive' ? '-' : humanBytes(pool.availableBytes),
          formatPercent(pool.usedPercent),
          pool.overcommitRatio === null ? '-' : `${pool.overcommitRatio.toFixed(1)}x`,
          pool.growthBytesPerHour === null ? '-' : humanBytes(pool.growthBytesPerHour),
          pool.fullInSec === null ? '-' : pool.fullInSec === 0 ? 'full' : formatDuration(pool.fullInSec),
          truncateStart(cleanText(pool.error ? `⚠ ${pool.error}` : (pool.targetPath ?? pool.source ?? '')), lastW),
        ];
      } else {
        const v = r.volume;
        cells = [
          '',
          `  ${cleanText(v.name)}`,
          // The format says more than "file" (qcow2 grows, raw does not).
          cleanText(v.format ?? v.type),
          '',
          '',
          humanBytes(v.capacityBytes),
          humanBytes(v.allocationBytes),
          '',
          formatPercent(v.capacityBytes > 0 ? (v.allocationBytes / v.capacityBytes) * 100 : null),
          '',
          '',
          '',
          cleanText(v.usedBy.length ? v.usedBy.join(', ') : 'unused'),
        ];
      }
      const line = simpleRow(placed, off ? cells.slice(off) : cells, width);
      const role = r.volume === null ? poolRole(pool) : null;
      return role && !selected ? p.paint(role, line) : line;
    },
  };
}
