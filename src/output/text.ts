// virt-top style batch frame: a header block and one fixed-width row per
// domain. Pure: ModelView in, string out.

import { stateLetter } from '../types/state.js';
import type { DomainView, HostView, ModelView } from '../model/view.js';
import { sortDomains, type SortKey } from '../model/sort.js';
import { clockText, cpuTimeCell, formatPercent, humanBytes, humanCount, humanKiB } from '../util/units.js';
import { sanitizeForTerminal } from './sanitize.js';
import { shortHost } from '../util/uri.js';

export interface TextOptions {
  sort: SortKey;
  reverse: boolean;
  /** show the HOST column (several hosts watched) */
  showHost?: boolean;
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : ' '.repeat(w - s.length) + s;
}

export function hostHeader(h: HostView, wallMs: number): string[] {
  const name = sanitizeForTerminal(h.hostname ?? h.uri);
  const lines: string[] = [];
  if (h.status !== 'connected') {
    const since = h.downForSec === null ? '' : ` for ${Math.round(h.downForSec)}s`;
    lines.push(`virtop ${clockText(wallMs)} - ${name} (${sanitizeForTerminal(h.uri)}) ${h.status}${since}: ${sanitizeForTerminal(h.error ?? 'no data')}`);
    return lines;
  }
  const mem = h.memoryKiB === null ? '-' : humanKiB(h.memoryKiB, 6);
  lines.push(
    `virtop ${clockText(wallMs)} - ${name} (${sanitizeForTerminal(h.uri)}) ${h.model ?? '-'} ${h.cpus ?? '-'} CPUs ${h.mhz ?? '-'} MHz ${mem} memory` +
      (h.libvirtVersion ? ` libvirt ${h.libvirtVersion}` : ''),
  );
  lines.push(
    `${h.domainsTotal} domains, ${h.domainsActive} active, ${h.domainsRunning} running, ${h.domainsPaused} paused, ${h.domainsInactive} inactive`,
  );
  const given = humanKiB(h.guestMemKiB, 6);
  const memPct = h.memoryKiB ? ` (${formatPercent((h.guestMemKiB / h.memoryKiB) * 100)}% of host)` : '';
  const overcommit = h.cpus ? (h.vcpusActive / h.cpus).toFixed(2) : '-';
  const hostCpu = h.hostCpuPercent === null ? '' : `  host busy: ${formatPercent(h.hostCpuPercent)}%`;
  lines.push(
    `CPU: ${formatPercent(h.guestCpuPercent)}% by guests${hostCpu}  Mem: ${given} given to guests${memPct}  vCPU:pCPU ${overcommit}`,
  );
  if (h.error) lines.push(`warning: ${sanitizeForTerminal(h.error)}`);
  return lines;
}

const COLUMNS = '   ID S RDRQ WRRQ RXBY TXBY  %CPU  %MEM VCPU MEMUSED MEMCUR      TIME NAME';

export function domainRow(d: DomainView, showHost: boolean): string {
  const cells = [
    pad(d.id === null ? '-' : String(d.id), 5),
    stateLetter(d.state),
    pad(humanCount(d.rdReqPerSec, 4), 4),
    pad(humanCount(d.wrReqPerSec, 4), 4),
    pad(humanBytes(d.rxBytesPerSec, 4), 4),
    pad(humanBytes(d.txBytesPerSec, 4), 4),
    pad(formatPercent(d.cpuPercent), 5),
    pad(formatPercent(d.memPercent), 5),
    pad(d.vcpus === null ? '-' : String(d.vcpus), 4),
    pad(humanKiB(d.memUsedKiB, 6), 7),
    pad(humanKiB(d.memCurrentKiB, 6), 6),
    pad(cpuTimeCell(d.cpuTimeNs), 9),
  ];
  const host = showHost ? `${sanitizeForTerminal(shortHost(d.host))}:` : '';
  return `${cells.join(' ')} ${host}${sanitizeForTerminal(d.name)}`;
}

export function formatTextFrame(view: ModelView, opts: TextOptions): string {
  const lines: string[] = [];
  for (const h of view.hosts) lines.push(...hostHeader(h, view.wallMs));
  lines.push('');
  lines.push(COLUMNS);
  const showHost = opts.showHost ?? view.hosts.length > 1;
  for (const d of sortDomains(view.domains, opts.sort, opts.reverse)) lines.push(domainRow(d, showHost));
  lines.push('');
  return lines.join('\n');
}
