// View H: one row per watched host — CPU, memory used and committed to
// guests, domains by state (and how many running ones a host reboot would
// leave off: NOAUTO), vCPU overcommit, connection status and how long
// its last tick took.

import type { HostView } from '../../model/view.js';
import { shortHost } from '../../util/uri.js';
import { formatPercent, humanKiB } from '../../util/units.js';
import type { Frame } from '../frame.js';
import { cleanText } from '../text.js';
import { placeSimple, simpleHeader, simpleRow, type ListSpec, type SimpleColumn } from './list.js';

const COLS: SimpleColumn[] = [
  { title: 'HOST', width: 16, align: 'left', priority: 100 },
  { title: 'HOSTNAME', width: 12, align: 'left', priority: 55 },
  { title: 'STATUS', width: 12, align: 'left', priority: 95 },
  { title: 'TICK', width: 7, align: 'right', priority: 60 },
  { title: 'CPUS', width: 4, align: 'right', priority: 50 },
  { title: 'HOST%', width: 5, align: 'right', priority: 90 },
  { title: 'GUEST%', width: 6, align: 'right', priority: 85 },
  { title: 'MEMUSED', width: 7, align: 'right', priority: 80 },
  { title: 'COMMIT', width: 7, align: 'right', priority: 79 },
  { title: 'MEM', width: 6, align: 'right', priority: 70 },
  { title: 'RUN', width: 4, align: 'right', priority: 75 },
  { title: 'NOAUTO', width: 6, align: 'right', priority: 42 },
  { title: 'PAUSE', width: 5, align: 'right', priority: 40 },
  { title: 'OFF', width: 4, align: 'right', priority: 45 },
  { title: 'vCPU:pCPU', width: 9, align: 'right', priority: 65 },
  { title: 'PROBLEM', width: 10, align: 'left', priority: 30, flex: true },
];

export function statusText(h: HostView): string {
  if (h.status === 'reconnecting') return h.downForSec === null ? 'reconnecting' : `lost ${Math.round(h.downForSec)}s`;
  if (h.status === 'failed') return 'failed';
  if (h.status === 'unresponsive') return `hung ${Math.round(h.unresponsiveSec ?? 0)}s`;
  return h.error ? 'slow' : 'connected';
}

export function hostsSpec(frame: Frame, width: number): ListSpec {
  const hosts = frame.view.hosts;
  const placed = placeSimple(COLS, width);
  const p = frame.palette;
  return {
    title: 'Hosts',
    info: `${hosts.length} host(s)  0/Esc: domains`,
    header: simpleHeader(placed),
    count: hosts.length,
    cursor: frame.state.listCursor.hosts,
    scroll: frame.state.listScroll.hosts,
    empty: 'no hosts',
    format: (i, selected) => {
      const h = hosts[i];
      const memUsed = h.memoryKiB !== null && h.memAvailableKiB !== null ? h.memoryKiB - h.memAvailableKiB : null;
      const cells = [
        cleanText(shortHost(h.uri)),
        cleanText(h.hostname ?? '-'),
        statusText(h),
        h.status === 'connected' ? `${Math.round(h.tickLatencyMs)}ms` : '-',
        h.cpus === null ? '-' : String(h.cpus),
        formatPercent(h.hostCpuPercent),
        formatPercent(h.guestCpuPercent),
        humanKiB(memUsed),
        humanKiB(h.guestMemKiB),
        humanKiB(h.memoryKiB),
        String(h.domainsRunning),
        h.runningNoAutostart === null || h.runningNoAutostart === undefined ? '-' : String(h.runningNoAutostart),
        String(h.domainsPaused),
        String(h.domainsInactive),
        h.cpus ? `${h.vcpusActive}:${h.cpus}` : '-',
        cleanText(h.error ?? ''),
      ];
      const line = simpleRow(placed, cells, width);
      if (selected || h.status === 'connected') return line;
      return p.paint(h.status === 'failed' ? 'status.error' : 'status.warn', line);
    },
  };
}
