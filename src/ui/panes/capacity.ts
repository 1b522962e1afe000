// Capacity pane (c): per host, how committed it is and how much room is
// left — vCPU:pCPU, guest memory committed (current and maximum) against
// total and available, KSM, hugepages, free memory per NUMA node, pressure
// (PSI) — and how many more guests the size of the selected one would fit.
// Plus the one-line summary the header shows per host.

import { headroom, type CapacityView, type PressureView } from '../../model/capacity.js';
import type { DomainView, HostView } from '../../model/view.js';
import { shortHost } from '../../util/uri.js';
import type { Palette } from '../../theme/palette.js';
import { formatPercent, humanKiB } from '../../util/units.js';
import type { Frame } from '../frame.js';
import { cleanText, LineBuilder, padEnd } from '../text.js';

function psi(p: PressureView | null): string {
  if (p === null) return 'n/a';
  return `some ${p.some10.toFixed(1)}%${p.full10 === null ? '' : ` full ${p.full10.toFixed(1)}%`} (10 s), some ${p.some60.toFixed(1)}% (60 s)`;
}

function fitsText(n: number | null): string {
  if (n === null) return '?';
  return n >= 999 ? '999+' : String(n);
}

/** Short capacity segments for the header's host line, most important first. */
export function capacitySegments(h: HostView, selected: DomainView | null): string[] {
  const c = h.capacity;
  if (!c) return [];
  const out: string[] = [];
  if (c.memTotalKiB !== null) out.push(`commit ${humanKiB(c.memCurrentSumKiB)}/${humanKiB(c.memMaxSumKiB)} max`);
  if (c.memAvailableKiB !== null) out.push(`avail ${humanKiB(c.memAvailableKiB)}`);
  if (h.runningNoAutostart) out.push(`${h.runningNoAutostart} no autostart`);
  if (selected && selected.host === h.uri && selected.active) {
    const r = headroom(c, { vcpus: selected.vcpus, memCurrentKiB: selected.memCurrentKiB, cpuCorePercent: selected.cpuCorePercent ?? null });
    if (r.fits !== null) out.push(`+${fitsText(r.fits)} like sel.`);
  }
  if (c.pressure) {
    const v = (p: PressureView | null) => (p === null ? '-' : p.some10.toFixed(0));
    out.push(`PSI ${v(c.pressure.cpu)}/${v(c.pressure.memory)}/${v(c.pressure.io)}`);
  }
  if (c.ksm?.running && c.ksm.savedKiB) out.push(`KSM ${humanKiB(c.ksm.savedKiB)}`);
  return out;
}

function hostSection(h: HostView, c: CapacityView | null, selected: DomainView | null, width: number, p: Palette): string[] {
  const line = () => new LineBuilder(width, p.reset);
  const label = p.open('header.label');
  const value = p.open('header.value');
  const row = (name: string, text: string, role = value) => line().add('  ').add(padEnd(name, 14), label).add(text, role).toString();
  const out: string[] = [line().add(cleanText(h.hostname ?? shortHost(h.uri)), p.open('pane.title')).add(`  ${cleanText(h.uri)}`, p.open('chart.label')).toString()];
  if (!c) {
    out.push(row('status', h.status === 'connected' ? 'no data yet' : `${h.status}: no capacity figures`, p.open('value.unknown')));
    return out;
  }
  const ratio = c.overcommit === null ? '' : ` = ${c.overcommit.toFixed(2)} vCPUs per CPU`;
  out.push(row('CPU', `${c.vcpusActive} vCPUs on ${c.cpus ?? '?'} CPUs${ratio}; host busy ${formatPercent(c.hostCpuPercent)}%`));
  const of = (v: number | null) => (v === null ? '' : ` (${formatPercent(v)}% of host)`);
  out.push(row('memory', `total ${humanKiB(c.memTotalKiB)}, available ${humanKiB(c.memAvailableKiB)}, free ${humanKiB(c.memFreeKiB)}`));
  out.push(row('committed', `current ${humanKiB(c.memCurrentSumKiB)}${of(c.memCurrentPercent)}, maximum ${humanKiB(c.memMaxSumKiB)}${of(c.memMaxPercent)}`));
  if (c.ksm === null) out.push(row('KSM', 'n/a (no /sys/kernel/mm/ksm, or a remote host)', p.open('value.unknown')));
  else {
    const state = c.ksm.running === null ? '?' : c.ksm.running ? 'running' : 'stopped';
    out.push(row('KSM', `${state}; shared ${humanKiB(c.ksm.sharedKiB)}, saving ${humanKiB(c.ksm.savedKiB)}`));
  }
  out.push(
    row(
      'hugepages',
      c.hugepages === null
        ? 'none configured (or unknown)'
        : `${c.hugepages.total} × ${humanKiB(c.hugepages.pageSizeKiB)} = ${humanKiB(c.hugepages.totalKiB)}, free ${humanKiB(c.hugepages.freeKiB)}`,
    ),
  );
  out.push(
    row(
      'NUMA free',
      c.numa === null ? 'n/a (remote host)' : c.numa.map((n) => `node${n.node} ${humanKiB(n.freeKiB)}/${humanKiB(n.totalKiB)}`).join('  '),
    ),
  );
  if (c.pressure === null) out.push(row('pressure', 'n/a (no PSI in this kernel, or a remote host)', p.open('value.unknown')));
  else {
    out.push(row('pressure cpu', psi(c.pressure.cpu)));
    out.push(row('pressure mem', psi(c.pressure.memory)));
    out.push(row('pressure io', psi(c.pressure.io)));
  }
  // Running guests a host reboot would leave off (no autostart, or transient).
  const off = h.runningNoAutostart ?? null;
  if (off !== null) {
    const text = off === 0 ? 'every running guest autostarts' : `${off} running guest(s) would stay off: no autostart (toggle with a)`;
    out.push(row('after reboot', text, p.open(off === 0 ? 'status.ok' : 'status.warn')));
  }
  if (selected && selected.host === h.uri && selected.active) {
    const r = headroom(c, { vcpus: selected.vcpus, memCurrentKiB: selected.memCurrentKiB, cpuCorePercent: selected.cpuCorePercent ?? null });
    const size = `${selected.vcpus ?? '?'} vCPU, ${humanKiB(selected.memCurrentKiB)}`;
    out.push(row('headroom', `more guests like ${cleanText(selected.name)} (${size}):`, label));
    out.push(row('  by CPU use', `${fitsText(r.byCpuUse)} (its ${formatPercent(selected.cpuCorePercent ?? null)}% of a core in the idle CPU)`));
    out.push(row('  by vCPUs', `${fitsText(r.byVcpus)} (keeping vCPU:pCPU at most 1)`));
    out.push(row('  by memory', `${fitsText(r.byMemory)} (its current size in MemAvailable)`));
    out.push(row('  fits', fitsText(r.fits), p.open(r.fits === 0 ? 'status.warn' : 'status.ok')));
  } else {
    out.push(row('headroom', 'select a running domain on this host to see how many more like it fit', p.open('value.unknown')));
  }
  return out;
}

/** Every line of the pane (the app scrolls them). */
export function capacityLines(frame: Frame, selected: DomainView | null, width: number): string[] {
  const p = frame.palette;
  const lines: string[] = [
    new LineBuilder(width, p.reset).add('Capacity', p.open('pane.title')).addRight('↑/↓ scroll, c or Esc closes ', p.open('chart.label')).toString(),
  ];
  for (const h of frame.view.hosts) {
    lines.push(new LineBuilder(width, p.reset).toString());
    lines.push(...hostSection(h, h.capacity ?? null, selected, width, p));
  }
  if (frame.view.hosts.length === 0) lines.push(p.paint('value.unknown', padEnd('  waiting for the first sample…', width)));
  return lines;
}
