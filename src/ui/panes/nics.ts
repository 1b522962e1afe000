// View 2: every network interface of every shown domain, in the domain
// table's order (so the filter and sort apply here too).

import type { DomainView } from '../../model/view.js';
import { shortHost } from '../../util/uri.js';
import { humanBytes, humanCount } from '../../util/units.js';
import type { Frame } from '../frame.js';
import { cleanText } from '../text.js';
import { placeSimple, simpleHeader, simpleRow, type ListSpec, type SimpleColumn } from './list.js';
import { nicAddressText } from './insight.js';

export interface NicRef {
  d: DomainView;
  i: number;
}

export function nicRows(rows: readonly DomainView[]): NicRef[] {
  const out: NicRef[] = [];
  for (const d of rows) for (let i = 0; i < d.nics.length; i++) out.push({ d, i });
  return out;
}

const COLS: SimpleColumn[] = [
  { title: 'HOST', width: 12, align: 'left', priority: 50 },
  { title: 'DOMAIN', width: 16, align: 'left', priority: 100 },
  { title: 'DEV', width: 8, align: 'left', priority: 90 },
  { title: 'SOURCE', width: 12, align: 'left', priority: 60 },
  { title: 'MAC', width: 17, align: 'left', priority: 20 },
  { title: 'RXBY/s', width: 6, align: 'right', priority: 95 },
  { title: 'TXBY/s', width: 6, align: 'right', priority: 94 },
  { title: 'RXPK/s', width: 6, align: 'right', priority: 40 },
  { title: 'TXPK/s', width: 6, align: 'right', priority: 39 },
  { title: 'RXDROP', width: 6, align: 'right', priority: 30 },
  { title: 'TXDROP', width: 6, align: 'right', priority: 29 },
  { title: 'RXERR', width: 5, align: 'right', priority: 28 },
  { title: 'TXERR', width: 5, align: 'right', priority: 27 },
  { title: 'IP (source)', width: 24, align: 'left', priority: 55 },
];

const count = (v: number | null) => (v === null ? '-' : humanCount(v, 6));

export function nicsSpec(frame: Frame, refs: readonly NicRef[], width: number): ListSpec {
  const cols = frame.multiHost ? COLS : COLS.slice(1);
  const off = frame.multiHost ? 0 : 1;
  const placed = placeSimple(cols, width);
  const { state } = frame;
  return {
    title: 'Network interfaces',
    info: `${refs.length} interfaces${state.filter ? ` (filter: ${cleanText(state.filter)})` : ''}  0/Esc: domains`,
    header: simpleHeader(placed),
    count: refs.length,
    cursor: state.listCursor.nics,
    scroll: state.listScroll.nics,
    empty: 'no network interfaces',
    format: (i) => {
      const { d, i: k } = refs[i];
      const n = d.nics[k];
      const all = [
        cleanText(shortHost(d.host)),
        cleanText(d.name),
        cleanText(n.name),
        cleanText(n.source ?? '-'),
        cleanText(n.mac ?? '-'),
        humanBytes(n.rxBytesPerSec),
        humanBytes(n.txBytesPerSec),
        count(n.rxPktsPerSec),
        count(n.txPktsPerSec),
        count(n.rxDrop),
        count(n.txDrop),
        count(n.rxErrs),
        count(n.txErrs),
        nicAddressText(n) || '-',
      ];
      return simpleRow(placed, off ? all.slice(off) : all, width);
    },
  };
}
