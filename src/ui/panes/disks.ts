// View 3: every block device of every shown domain, in the domain table's
// order: throughput, requests, latency (ms per read, write, flush request
// over the tick) and sizes.

import type { DiskView, DomainView } from '../../model/view.js';
import type { DiskIoError } from '../../types/sample.js';
import { shortHost } from '../../util/uri.js';
import { formatMs, humanBytes, humanCount } from '../../util/units.js';
import type { Frame } from '../frame.js';
import { cleanText, truncateStart } from '../text.js';
import { placeSimple, simpleHeader, simpleRow, type ListSpec, type SimpleColumn } from './list.js';

export interface DiskRef {
  d: DomainView;
  i: number;
}

export function diskRows(rows: readonly DomainView[]): DiskRef[] {
  const out: DiskRef[] = [];
  for (const d of rows) for (let i = 0; i < d.disks.length; i++) out.push({ d, i });
  return out;
}

/** A disk's figures, as the disk tables show them (view 3 and the detail pane). */
export const DISK_FIGURE_COLS: readonly SimpleColumn[] = [
  { title: 'RD/s', width: 6, align: 'right', priority: 95 },
  { title: 'WR/s', width: 6, align: 'right', priority: 94 },
  { title: 'RDIO/s', width: 6, align: 'right', priority: 70 },
  { title: 'WRIO/s', width: 6, align: 'right', priority: 69 },
  { title: 'RDms', width: 5, align: 'right', priority: 80 },
  { title: 'WRms', width: 5, align: 'right', priority: 79 },
  { title: 'FLms', width: 5, align: 'right', priority: 35 },
  { title: 'CAP', width: 6, align: 'right', priority: 50 },
  { title: 'ALLOC', width: 6, align: 'right', priority: 45 },
  { title: 'PHYS', width: 6, align: 'right', priority: 30 },
  { title: 'POOL', width: 10, align: 'left', priority: 25 },
];

/** The cells of DISK_FIGURE_COLS for one disk. */
export function diskFigures(b: DiskView): string[] {
  return [
    humanBytes(b.rdBytesPerSec),
    humanBytes(b.wrBytesPerSec),
    humanCount(b.rdReqPerSec, 6),
    humanCount(b.wrReqPerSec, 6),
    formatMs(b.rdLatencyMs ?? null),
    formatMs(b.wrLatencyMs ?? null),
    formatMs(b.flLatencyMs ?? null),
    humanBytes(b.capacityBytes),
    humanBytes(b.allocationBytes),
    humanBytes(b.physicalBytes ?? null),
    // the storage pool holding it (view 5); '-' for none of the host's pools, or not read yet
    cleanText(b.pool ?? '-'),
  ];
}

const DISK_ERROR_TEXT: Readonly<Record<DiskIoError, [long: string, short: string]>> = { nospace: ['no space', 'NOSPC'], unspec: ['I/O error', 'IOERR'] };

/** The error that paused the guest on a disk, in words, or in at most `max` cells. */
export function diskErrorText(e: DiskIoError | null, max = Infinity): string {
  if (e === null) return '-';
  const [long, short] = DISK_ERROR_TEXT[e];
  return long.length <= max ? long : short;
}

const COLS: SimpleColumn[] = [
  { title: 'HOST', width: 12, align: 'left', priority: 50 },
  { title: 'DOMAIN', width: 14, align: 'left', priority: 100 },
  { title: 'DEV', width: 6, align: 'left', priority: 90 },
  { title: 'SOURCE', width: 24, align: 'left', priority: 85, flex: true },
  ...DISK_FIGURE_COLS,
  { title: 'ERRS', width: 5, align: 'right', priority: 40 },
];

export function disksSpec(frame: Frame, refs: readonly DiskRef[], width: number): ListSpec {
  const cols = frame.multiHost ? COLS : COLS.slice(1);
  const off = frame.multiHost ? 0 : 1;
  const placed = placeSimple(cols, width);
  const sourceW = placed.find((c) => c.title === 'SOURCE')?.w ?? 0;
  const { state } = frame;
  return {
    title: 'Block devices',
    info: `${refs.length} devices${state.filter ? ` (filter: ${cleanText(state.filter)})` : ''}  0/Esc: domains`,
    header: simpleHeader(placed),
    count: refs.length,
    cursor: state.listCursor.disks,
    scroll: state.listScroll.disks,
    empty: 'no block devices',
    format: (i, selected) => {
      const { d, i: k } = refs[i];
      const b = d.disks[k];
      const all = [
        cleanText(shortHost(d.host)),
        cleanText(d.name),
        cleanText(b.name),
        truncateStart(cleanText(b.path ?? '-'), sourceW),
        ...diskFigures(b),
        b.ioError ? diskErrorText(b.ioError, 5) : b.errors === null ? '-' : humanCount(b.errors, 5),
      ];
      const line = simpleRow(placed, off ? all.slice(off) : all, width);
      // The disk that paused its guest stands out (the theme's critical role).
      return b.ioError && !selected ? frame.palette.paint('gauge.crit', line) : line;
    },
  };
}
