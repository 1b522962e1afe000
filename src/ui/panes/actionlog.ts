// View L: the actions run from this screen, newest first, with libvirt's
// answer in full. The same entries are in the log file named in the title.

import type { ActionLogEntry } from '../../actions/log.js';
import { shortHost } from '../../util/uri.js';
import type { Frame } from '../frame.js';
import { cleanText } from '../text.js';
import { placeSimple, simpleHeader, simpleRow, type ListSpec, type SimpleColumn } from './list.js';

const COLS: SimpleColumn[] = [
  { title: 'TIME', width: 8, align: 'left', priority: 100 },
  { title: 'HOST', width: 14, align: 'left', priority: 60 },
  { title: 'DOMAIN', width: 18, align: 'left', priority: 95 },
  { title: 'ACTION', width: 12, align: 'left', priority: 90 },
  { title: 'ARGS', width: 16, align: 'left', priority: 50 },
  { title: 'OK', width: 3, align: 'left', priority: 85 },
  { title: 'RESULT', width: 20, align: 'left', priority: 80, flex: true },
];

function args(a: ActionLogEntry['args']): string {
  return Object.entries(a)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

export function logSpec(frame: Frame, entries: readonly ActionLogEntry[], path: string | null, width: number): ListSpec {
  const placed = placeSimple(COLS, width);
  const p = frame.palette;
  const newestFirst = [...entries].reverse();
  return {
    title: 'Action log',
    info: `${entries.length} this session${path ? ` │ ${cleanText(path)}` : ''}  0/Esc: domains`,
    header: simpleHeader(placed),
    count: newestFirst.length,
    cursor: frame.state.listCursor.log,
    scroll: frame.state.listScroll.log,
    empty: 'no actions yet (s S R F p b v m on a domain, or on tagged domains)',
    format: (i, selected) => {
      const e = newestFirst[i];
      const line = simpleRow(
        placed,
        [
          new Date(e.time).toTimeString().slice(0, 8),
          cleanText(shortHost(e.host)),
          cleanText(e.domain),
          e.action,
          cleanText(args(e.args)),
          e.ok ? 'ok' : 'ERR',
          cleanText(e.result),
        ],
        width,
      );
      return selected || e.ok ? line : p.paint('status.error', line);
    },
  };
}
