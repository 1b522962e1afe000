// View 1: physical CPUs of each host, how busy each is, and which vCPU
// threads last ran on it (from /proc: local hosts only).

import type { HostView } from '../../model/view.js';
import { shortHost } from '../../util/uri.js';
import { formatPercent } from '../../util/units.js';
import type { Frame } from '../frame.js';
import { gauge } from '../gauge.js';
import { cleanText, LineBuilder, padEnd, padStart } from '../text.js';
import type { ListSpec } from './list.js';

export type CpuRow =
  | { kind: 'host'; host: HostView; note: string }
  | { kind: 'cpu'; host: HostView; cpu: number; percent: number | null; vcpus: string[] };

/** Rows of view 1: a title row per host when several are watched, then one per CPU. */
export function cpuRows(frame: Frame): CpuRow[] {
  const out: CpuRow[] = [];
  for (const h of frame.view.hosts) {
    const ran = new Map<number, string[]>();
    let threadsKnown = false;
    for (const d of frame.rows) {
      if (d.host !== h.uri) continue;
      for (const t of d.vcpuThreads) {
        if (t.lastCpu === null) continue;
        threadsKnown = true;
        const list = ran.get(t.lastCpu) ?? [];
        list.push(`${cleanText(d.name)}/${t.vcpu}`);
        ran.set(t.lastCpu, list);
      }
    }
    const cpus = h.perCpuPercent.length
      ? h.perCpuPercent.map((c) => ({ cpu: c.cpu, percent: c.percent }))
      : Array.from({ length: h.cpus ?? 0 }, (_, cpu) => ({ cpu, percent: null as number | null }));
    const notes: string[] = [];
    if (!h.perCpuPercent.length) notes.push('no per-CPU usage for this host');
    if (!threadsKnown) notes.push('no vCPU thread placement (remote host or no /proc access)');
    if (frame.multiHost || notes.length) out.push({ kind: 'host', host: h, note: notes.join('; ') });
    for (const c of cpus) out.push({ kind: 'cpu', host: h, cpu: c.cpu, percent: c.percent, vcpus: ran.get(c.cpu) ?? [] });
  }
  return out;
}

export function cpusSpec(frame: Frame, rows: readonly CpuRow[], width: number): ListSpec {
  const p = frame.palette;
  const { state } = frame;
  const gw = Math.max(10, Math.min(32, Math.floor(width / 4)));
  const nCpus = rows.filter((r) => r.kind === 'cpu').length;
  return {
    title: 'Physical CPUs',
    info: `${nCpus} CPUs  0/Esc: domains`,
    header: `${padStart('CPU', 5)} ${padStart('%USE', 6)} ${padEnd('', gw)} vCPU threads that last ran here (domain/vcpu)`,
    count: rows.length,
    cursor: state.listCursor.cpus,
    scroll: state.listScroll.cpus,
    empty: 'no hosts',
    format: (i, selected) => {
      const r = rows[i];
      const lb = new LineBuilder(width, p.reset);
      if (r.kind === 'host') {
        const name = cleanText(r.host.hostname ?? shortHost(r.host.uri));
        lb.add(`${name} (${cleanText(r.host.uri)})`, selected ? '' : p.open('pane.title'));
        if (r.note) lb.add(`  ${r.note}`, selected ? '' : p.open('value.unknown'));
        return lb.toString();
      }
      lb.add(`${padStart(String(r.cpu), 5)} ${padStart(r.percent === null ? '-' : formatPercent(r.percent), 6)} `);
      lb.raw(gauge(r.percent, gw, '', p, 'header.value', selected), gw);
      lb.add(' ');
      const list = r.vcpus.join(' ');
      lb.add(list, selected ? '' : p.open('text.fg'));
      return lb.toString();
    },
  };
}
