// CSV: a header row once, then one row per domain per tick. Empty field =
// unknown. Quoting per RFC 4180; a field a spreadsheet would run as a
// formula (=, +, -, @ at the start of a name) is quoted with a leading
// apostrophe so opening the file never executes anything.

import type { DomainView, ModelView } from '../model/view.js';
import { counterText, domainCounters, statsMonoMs } from './counters.js';

export const CSV_COLUMNS = [
  'time',
  'host',
  'id',
  'name',
  'uuid',
  'state',
  'cpuPercent',
  'vcpuPercent',
  'vcpus',
  'maxVcpus',
  'memCurrentKiB',
  'memMaxKiB',
  'memUsedKiB',
  'memPercent',
  'rssKiB',
  'rdBytesPerSec',
  'wrBytesPerSec',
  'rdReqPerSec',
  'wrReqPerSec',
  'rxBytesPerSec',
  'txBytesPerSec',
  'rxPktsPerSec',
  'txPktsPerSec',
  'cpuTimeNs',
  // Added with JSON schema 2, after the first columns so old readers keep working.
  'stealPercent',
  'overheadPercent',
  'vcpuTimeNs',
  'statsMonoMs',
  'rdBytes',
  'wrBytes',
  'rdReqs',
  'wrReqs',
  'rxBytes',
  'txBytes',
  'rxPkts',
  'txPkts',
  'memStatsAgeSec',
  'swapInKiBPerSec',
  'swapOutKiBPerSec',
  'majorFaultsPerSec',
  'stealSumPercent',
  'memUsableKiB',
  // Added with JSON schema 3.
  'stateReason',
  'diskLatencyMs',
  'persistent',
  'autostart',
  // Added later (additive): what people call the domain.
  'title',
  'openstackInstance',
  'openstackProject',
  'openstackFlavor',
] as const;

/** A yes/no column: 1, 0, or empty when unknown (as numbers are). */
function flag(v: boolean | null | undefined): number | null {
  return v === undefined || v === null ? null : v ? 1 : 0;
}

export function csvField(v: string | number | bigint | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(Math.round(v * 100) / 100) : '';
  if (typeof v === 'bigint') return v.toString();
  let s = v;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  if (/[",\r\n']/.test(s)) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

export function csvHeader(): string {
  return CSV_COLUMNS.join(',');
}

export function csvRows(view: ModelView, domains: readonly DomainView[] = view.domains): string[] {
  const time = new Date(view.wallMs).toISOString();
  return domains.map((d) => {
    const c = domainCounters(d);
    return [
      time,
      d.host,
      d.id,
      d.name,
      d.uuid,
      d.state,
      d.cpuPercent,
      d.vcpuPercent,
      d.vcpus,
      d.maxVcpus,
      d.memCurrentKiB,
      d.memMaxKiB,
      d.memUsedKiB,
      d.memPercent,
      d.rssKiB,
      d.rdBytesPerSec,
      d.wrBytesPerSec,
      d.rdReqPerSec,
      d.wrReqPerSec,
      d.rxBytesPerSec,
      d.txBytesPerSec,
      d.rxPktsPerSec,
      d.txPktsPerSec,
      d.cpuTimeNs,
      d.stealPercent ?? null,
      d.overheadPercent ?? null,
      counterText(d.vcpuTimeNs),
      statsMonoMs(d),
      c.rdBytes,
      c.wrBytes,
      c.rdReqs,
      c.wrReqs,
      c.rxBytes,
      c.txBytes,
      c.rxPkts,
      c.txPkts,
      d.guestStatsAgeSec ?? null,
      d.swapInKiBPerSec ?? null,
      d.swapOutKiBPerSec ?? null,
      d.majorFaultsPerSec ?? null,
      d.stealSumPercent ?? null,
      d.memUsableKiB ?? null,
      d.stateReason ?? null,
      d.diskLatencyMs ?? null,
      flag(d.persistent),
      flag(d.autostart),
      d.title ?? null,
      d.openstack?.instanceName ?? null,
      d.openstack?.projectName ?? null,
      d.openstack?.flavor?.name ?? null,
    ]
      .map(csvField)
      .join(',');
  });
}
