// Header: clock, totals over all hosts, refresh state; then one line per
// host with its hardware, guest CPU and memory meters, vCPU overcommit and
// connection status.

import type { HostView } from '../../model/view.js';
import { shortHost } from '../../util/uri.js';
import type { Palette } from '../../theme/palette.js';
import { clockText, formatPercent, humanKiB } from '../../util/units.js';
import { formatInterval } from '../../config/interval.js';
import type { Frame } from '../frame.js';
import { gauge } from '../gauge.js';
import { MAX_HOST_LINES } from '../layout.js';
import { cleanText, LineBuilder } from '../text.js';
import type { DomainView } from '../../model/view.js';
import { capacitySegments } from './capacity.js';
import { headerClockMs, timeBadge } from './timebar.js';

function ago(sec: number | null): string {
  if (sec === null) return '';
  if (sec < 90) return `${Math.round(sec)}s`;
  if (sec < 5400) return `${Math.round(sec / 60)}m`;
  return `${(sec / 3600).toFixed(1)}h`;
}

export function hostLine(h: HostView, width: number, p: Palette, selected: DomainView | null = null, multiHost = false): string {
  const lb = new LineBuilder(width, p.reset);
  // Several URIs can reach the same machine (or report the same hostname): show the URI's short form too.
  const short = shortHost(h.uri);
  const name = cleanText(h.hostname ? (multiHost && h.hostname !== short ? `${h.hostname} (${short})` : h.hostname) : short);
  const statusRole = h.status === 'connected' ? 'host.connected' : h.status === 'reconnecting' || h.status === 'unresponsive' ? 'host.reconnecting' : 'host.failed';
  lb.add('● ', p.open(statusRole)).add(name, p.open('header.value')).add(' ');
  if (h.status === 'unresponsive') {
    // Connected, but its daemon has not answered: the figures below it are its last ones.
    lb.add(`unresponsive: no answer for ${ago(h.unresponsiveSec ?? 0)}`, p.open(statusRole));
    return lb.toString();
  }
  if (h.status !== 'connected') {
    const since = h.downForSec !== null ? ` (lost ${ago(h.downForSec)} ago)` : '';
    lb.add(`${h.status}${since}`, p.open(statusRole));
    if (h.error) lb.add(': ').add(cleanText(h.error), p.open('status.error'));
    return lb.toString();
  }
  const label = p.open('header.label');
  const value = p.open('header.value');
  const hw = `${h.cpus ?? '-'}×${h.mhz ?? '-'}MHz ${h.memoryKiB === null ? '-' : humanKiB(h.memoryKiB)}`;
  lb.add(hw, p.open('header.fg'));

  const cpuText = `${formatPercent(h.guestCpuPercent)}%`;
  const memPct = h.memoryKiB ? (h.guestMemKiB / h.memoryKiB) * 100 : null;
  const memText = `${humanKiB(h.guestMemKiB)}/${h.memoryKiB === null ? '-' : humanKiB(h.memoryKiB)}`;
  const ratio = h.cpus ? h.vcpusActive / h.cpus : null;
  const overcommit = `${h.vcpusActive}:${h.cpus ?? '-'}${ratio === null ? '' : ` ${ratio.toFixed(2)}`}`;
  const hostBusy = h.hostCpuPercent === null ? '' : ` host ${formatPercent(h.hostCpuPercent)}%`;

  // Meters share what is left after the fixed parts; they shrink first.
  const fixed = ' │ vCPU:pCPU '.length + overcommit.length + ' │ CPU '.length + hostBusy.length + ' │ MEM '.length + 2;
  // Capacity (memory committed, headroom, PSI, KSM) gets the room meters of 20 leave, as many parts as fit.
  const capRoom = Math.max(0, lb.remaining - fixed - 2 * 20);
  const cap: string[] = [];
  let capLen = 0;
  for (const seg of capacitySegments(h, selected)) {
    if (capLen + 3 + seg.length > capRoom) break;
    cap.push(seg);
    capLen += 3 + seg.length;
  }
  const meter = Math.max(0, Math.min(30, Math.floor((lb.remaining - fixed - capLen) / 2)));
  lb.add(' │ ', p.open('pane.border')).add('CPU ', label);
  if (meter >= 10) lb.raw(gauge(h.guestCpuPercent, meter, cpuText, p), meter);
  else lb.add(cpuText, value);
  if (hostBusy) lb.add(hostBusy, label);
  lb.add(' │ ', p.open('pane.border')).add('MEM ', label);
  if (meter >= 12) lb.raw(gauge(memPct, meter, memText, p), meter);
  else lb.add(memText, value);
  lb.add(' │ ', p.open('pane.border')).add('vCPU:pCPU ', label);
  lb.add(overcommit, ratio !== null && ratio > 1 ? p.open(p.gauge(Math.min(100, ratio * 50))) : value);
  for (const seg of cap) lb.add(' │ ', p.open('pane.border')).add(seg, label);
  if (h.error) lb.add(' │ ', p.open('pane.border')).add(cleanText(h.error), p.open('status.warn'));
  return lb.toString();
}

function summary(frame: Frame, width: number): string {
  const p = frame.palette;
  const { view, state } = frame;
  let total = 0;
  let running = 0;
  let paused = 0;
  let inactive = 0;
  let guestCpu: number | null = null;
  for (const h of view.hosts) {
    total += h.domainsTotal;
    running += h.domainsRunning;
    paused += h.domainsPaused;
    inactive += h.domainsInactive;
    if (h.guestCpuPercent !== null && h.cpus) guestCpu = (guestCpu ?? 0) + (h.guestCpuPercent * h.cpus) / 100;
  }
  const sep = p.open('pane.border');
  // The badge shows whatever the width: the rest gets what is left of the line.
  const time = timeBadge(frame);
  // A replay's badge says PAUSED itself (with where and how fast it plays).
  const live = time !== null && state.replay ? null : state.paused ? ' PAUSED ' : null;
  const badge =
    time !== null || live !== null
      ? { text: `${time ?? ''}${live ?? ''}`, role: 'header.paused' as const }
      : view.seq < 0
        ? { text: ' connecting…', role: 'host.reconnecting' as const }
        : null;
  const lb = new LineBuilder(Math.max(0, width - (badge?.text.length ?? 0)), p.reset);
  lb.add('virtop', p.open('header.title')).add(' ').add(clockText(headerClockMs(frame)), p.open('header.title'));
  lb.add(' │ ', sep);
  if (view.hosts.length > 1) lb.add(`${view.hosts.length} hosts `, p.open('header.fg'));
  lb.add(String(total), p.open('header.value')).add(' domains: ', p.open('header.label'));
  lb.add(`${running} running`, p.open('state.running')).add(', ');
  lb.add(`${paused} paused`, p.open('state.paused')).add(', ');
  lb.add(`${inactive} inactive`, p.open('state.shutoff'));
  lb.add(' │ ', sep).add('every ', p.open('header.label')).add(formatInterval(state.intervalSec), p.open('header.value'));
  lb.add(' │ ', sep).add('%CPU=', p.open('header.label')).add(state.irix ? '1 core' : 'host', p.open('header.value'));
  if (guestCpu !== null) {
    lb.add(' │ ', sep).add('guest CPU ', p.open('header.label')).add(`${guestCpu.toFixed(2)} CPUs`, p.open('header.value'));
  }
  const line = lb.toString();
  return badge ? line + p.paint(badge.role, badge.text) : line;
}

export function renderHeader(frame: Frame, width: number, height: number): string[] {
  const lines = [summary(frame, width)];
  const hosts = frame.view.hosts;
  const shown = hosts.length > MAX_HOST_LINES ? MAX_HOST_LINES : hosts.length;
  const selected = frame.state.selectedKey === null ? null : (frame.view.domains.find((d) => d.key === frame.state.selectedKey) ?? null);
  for (let i = 0; i < shown && lines.length < height; i++) lines.push(hostLine(hosts[i], width, frame.palette, selected, hosts.length > 1));
  if (hosts.length > shown && lines.length < height) {
    const rest = hosts.slice(shown);
    const bad = rest.filter((h) => h.status !== 'connected').length;
    const lb = new LineBuilder(width, frame.palette.reset);
    lb.add(`  +${rest.length} more hosts`, frame.palette.open('header.label'));
    if (bad) lb.add(` (${bad} not connected)`, frame.palette.open('host.reconnecting'));
    lines.push(lb.toString());
  }
  while (lines.length < height) lines.push(new LineBuilder(width, frame.palette.reset).toString());
  return lines.slice(0, height);
}
