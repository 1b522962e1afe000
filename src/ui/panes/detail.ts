// Detail pane of the selected domain: four history charts (CPU, memory,
// disk, network) and tables of its vCPU threads, disks and NICs. Charts sit
// left of the tables on wide terminals, above them otherwise.

import type { HistoryMetric } from '../../model/model.js';
import type { DomainView } from '../../model/view.js';
import { shortHost } from '../../util/uri.js';
import type { Palette } from '../../theme/palette.js';
import type { Role } from '../../theme/roles.js';
import { formatDuration, formatPercent, humanBytes, humanCount, humanKiB } from '../../util/units.js';
import { brailleChart, chartLines, seriesMax, slotCell, type ChartSeries, type SeriesSource } from '../chart.js';
import type { Frame } from '../frame.js';
import { latencyRole, stateRole } from '../table.js';
import { cleanText, LineBuilder, padEnd, padStart, truncateStart } from '../text.js';
import { insightSection, nicAddressText } from './insight.js';
import { DISK_FIGURE_COLS, diskErrorText, diskFigures } from './disks.js';
import { placeSimple, simpleHeader, simpleRow, type SimpleColumn } from './list.js';
import { rewindPoint, type RewindPoint } from '../rewind.js';
import { domainAt, rewindBar, selectedRewind } from './timebar.js';
import { bootKind } from '../../model/boot.js';

const EMPTY: SeriesSource = { length: 0, at: () => null };

const pctOrDash = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${formatPercent(v)}%`);

function spanLabel(times: SeriesSource): string {
  const n = times.length;
  if (n < 2) return '';
  const first = times.at(0);
  const last = times.at(n - 1);
  if (first === null || last === null) return '';
  return `last ${formatDuration(Math.max(0, (last - first) / 1000))}`;
}

interface ChartSpec {
  title: string;
  legend: { text: string; role: Role }[];
  series: ChartSeries[];
  max: number;
  scale: string;
}

function chartSpecs(d: DomainView, metrics: Record<HistoryMetric, SeriesSource> | null): ChartSpec[] {
  const m = (k: HistoryMetric) => metrics?.[k] ?? EMPTY;
  const rate = (v: number | null) => (v === null ? '-' : `${humanBytes(v)}/s`);
  const memMax = d.memMaxKiB ?? Math.max(seriesMax(m('memCurrentKiB')), seriesMax(m('rssKiB')), 1);
  const diskMax = Math.max(seriesMax(m('rdBytesPerSec')), seriesMax(m('wrBytesPerSec')), 1);
  const netMax = Math.max(seriesMax(m('rxBytesPerSec')), seriesMax(m('txBytesPerSec')), 1);
  const vcpuText = d.vcpuPercent === null ? (d.initializing ? 'init' : '-') : `${formatPercent(d.vcpuPercent)}%`;
  return [
    {
      title: 'CPU',
      legend: [
        { text: `${vcpuText} of ${d.vcpus ?? '-'} vCPUs`, role: 'chart.cpu' },
        { text: `host ${formatPercent(d.cpuPercent)}%`, role: 'chart.label' },
        { text: `st ${pctOrDash(d.stealPercent)}`, role: 'chart.label' },
        { text: `ovh ${pctOrDash(d.overheadPercent)}`, role: 'chart.label' },
      ],
      series: [{ data: m('vcpuPercent'), role: 'chart.cpu', area: true }],
      max: 100,
      scale: '100%',
    },
    {
      title: 'MEM',
      legend: [
        { text: `cur ${humanKiB(d.memCurrentKiB)}`, role: 'chart.mem' },
        { text: `used ${d.memUsedKiB === null && d.hasBalloon === false ? '- (no balloon)' : humanKiB(d.memUsedKiB)}`, role: 'chart.mem.used' },
        { text: `rss ${humanKiB(d.rssKiB)}`, role: 'chart.mem.rss' },
      ],
      series: [
        { data: m('memCurrentKiB'), role: 'chart.mem' },
        { data: m('rssKiB'), role: 'chart.mem.rss' },
        { data: m('memUsedKiB'), role: 'chart.mem.used' },
      ],
      max: memMax,
      scale: humanKiB(memMax),
    },
    {
      title: 'DISK',
      legend: [
        { text: `rd ${rate(d.rdBytesPerSec)}`, role: 'chart.disk' },
        { text: `wr ${rate(d.wrBytesPerSec)}`, role: 'chart.disk.write' },
      ],
      series: [
        { data: m('rdBytesPerSec'), role: 'chart.disk' },
        { data: m('wrBytesPerSec'), role: 'chart.disk.write' },
      ],
      max: diskMax,
      scale: `${humanBytes(diskMax)}/s`,
    },
    {
      title: 'NET',
      legend: [
        { text: `rx ${rate(d.rxBytesPerSec)}`, role: 'chart.net' },
        { text: `tx ${rate(d.txBytesPerSec)}`, role: 'chart.net.tx' },
      ],
      series: [
        { data: m('rxBytesPerSec'), role: 'chart.net' },
        { data: m('txBytesPerSec'), role: 'chart.net.tx' },
      ],
      max: netMax,
      scale: `${humanBytes(netMax)}/s`,
    },
  ];
}

function chartBlock(spec: ChartSpec, width: number, height: number, span: string, p: Palette, slot: RewindPoint | null = null): string[] {
  const title = new LineBuilder(width, p.reset);
  title.add(spec.title, p.open('pane.title'));
  for (const l of spec.legend) title.add(' ').add(l.text, p.open(l.role));
  title.addRight(` ${span ? `${span}, ` : ''}max ${spec.scale}`, p.open('chart.label'));
  const rows = Math.max(0, height - 1);
  const grid = brailleChart(spec.series, width, rows, spec.max);
  // The rewind cursor: a marked column at the slot shown.
  const marker = slot ? { cell: slotCell(slot.length, slot.index, width), role: 'header.paused' as const } : null;
  return [title.toString(), ...chartLines(grid, p, marker)];
}

function joinColumns(left: string[], right: string[], height: number, leftWidth: number, rightWidth: number, sep: string): string[] {
  const out: string[] = [];
  const lb = ' '.repeat(leftWidth);
  const rb = ' '.repeat(rightWidth);
  for (let i = 0; i < height; i++) out.push(`${left[i] ?? lb}${sep}${right[i] ?? rb}`);
  return out;
}

function chartsArea(frame: Frame, d: DomainView, width: number, height: number): string[] {
  const p = frame.palette;
  const hist = frame.history.history(d.key);
  // Rewound: the legends give the figures at the cursor, and each chart marks it.
  const slot = hist ? rewindPoint(hist.times, frame.state.rewindAt) : null;
  const specs = chartSpecs(slot && hist ? domainAt(d, hist.metrics, slot.index) : d, hist?.metrics ?? null);
  const span = hist ? spanLabel(hist.times) : '';
  const blank = ' '.repeat(width);
  if (height < 2 || width < 20) return new Array(Math.max(0, height)).fill(blank);
  // 2x2 grid when each chart still gets a title and a row of dots; else a row of four.
  const lw = Math.floor((width - 1) / 2);
  const rw = width - 1 - lw;
  const sep = p.paint('pane.border', '│');
  if (height >= 4) {
    const th = Math.floor(height / 2);
    const bh = height - th;
    const top = joinColumns(chartBlock(specs[0], lw, th, span, p, slot), chartBlock(specs[1], rw, th, span, p, slot), th, lw, rw, sep);
    const bottom = joinColumns(chartBlock(specs[2], lw, bh, span, p, slot), chartBlock(specs[3], rw, bh, span, p, slot), bh, lw, rw, sep);
    return [...top, ...bottom];
  }
  const qw = Math.floor((width - 3) / 4);
  const last = width - 3 - qw * 3;
  const blocks = specs.map((s, i) => chartBlock(s, i === 3 ? last : qw, height, '', p, slot));
  const out: string[] = [];
  for (let r = 0; r < height; r++) out.push(blocks.map((b) => b[r]).join(sep));
  return out;
}

interface Section {
  title: string;
  header: string;
  rows: string[];
  empty: string;
}

/** Run-queue wait is bad long before CPU use is: warn from 5 %, critical from 20 %. */
export function waitRole(wait: number | null): Role | null {
  if (wait === null) return null;
  if (wait >= 20) return 'gauge.crit';
  if (wait >= 5) return 'gauge.warn';
  return null;
}

function vcpuSection(d: DomainView, width: number, p: Palette): Section {
  const cols = (a: string, b: string, c: string, e: string, f: string) =>
    padEnd(`${padStart(a, 4)} ${padStart(b, 8)} ${padStart(c, 4)} ${padStart(e, 6)} ${padStart(f, 6)}`, width);
  const rows = d.vcpuThreads.map((t) => {
    const wait = t.waitPercent === null ? '-' : formatPercent(t.waitPercent);
    const line = cols(
      String(t.vcpu),
      t.tid === null ? '-' : String(t.tid),
      t.lastCpu === null ? '-' : String(t.lastCpu),
      t.cpuPercent === null ? '-' : formatPercent(t.cpuPercent),
      wait,
    );
    const role = waitRole(t.waitPercent);
    return role ? p.paint(role, line) : line;
  });
  return {
    title: `vCPU threads (${d.vcpuThreads.length})`,
    header: cols('VCPU', 'TID', 'PCPU', '%CPU', 'WAIT%'),
    rows,
    empty: d.active ? 'no per-vCPU data' : 'not running',
  };
}

// The detail pane's disk table: the device and its source, then the figures view 3 shows.
const DISK_COLS: SimpleColumn[] = [
  { title: 'DEV', width: 5, align: 'left', priority: 100 },
  { title: 'SOURCE', width: 24, align: 'left', priority: 90, flex: true },
  ...DISK_FIGURE_COLS,
];

function diskSection(d: DomainView, width: number, p: Palette, latencyMs?: { warn: number; crit: number }): Section {
  const placed = placeSimple(DISK_COLS, width);
  const sourceW = placed.find((c) => c.title === 'SOURCE')?.w ?? 0;
  return {
    title: `disks (${d.disks.length})`,
    header: padEnd(simpleHeader(placed), width),
    rows: d.disks.map((k) => {
      const line = simpleRow(
        placed,
        [cleanText(k.name), truncateStart(cleanText(k.path ?? '-'), sourceW), ...diskFigures(k)],
        width,
      );
      const role = latencyRole(k.latencyMs ?? null, latencyMs);
      return role ? p.paint(role, line) : line;
    }),
    empty: 'no disks',
  };
}

function sumErr(a: number | null, b: number | null): string {
  if (a === null && b === null) return '-';
  return humanCount((a ?? 0) + (b ?? 0), 5);
}

function nicSection(d: DomainView, width: number): Section {
  const ipW = d.addresses ? 24 : 0;
  const fixed = 8 + 17 + 6 * 6 + 9 + (ipW ? ipW + 1 : 0);
  const srcW = Math.max(6, width - fixed - 1);
  const cols = (dev: string, src: string, mac: string, v: string[], ip = '') =>
    padEnd(`${padEnd(dev, 8)} ${padEnd(src, srcW)} ${padEnd(mac, 17)} ${v.map((x) => padStart(x, 6)).join(' ')}${ipW ? ` ${padEnd(ip, ipW)}` : ''}`, width);
  return {
    title: `network interfaces (${d.nics.length})`,
    header: cols('DEV', 'SOURCE', 'MAC', ['RX/s', 'TX/s', 'RXPK/s', 'TXPK/s', 'DROPS', 'ERRS'], 'IP (source)'),
    rows: d.nics.map((n) =>
      cols(cleanText(n.name), cleanText(n.source ?? '-'), cleanText(n.mac ?? '-'), [
        humanBytes(n.rxBytesPerSec),
        humanBytes(n.txBytesPerSec),
        humanCount(n.rxPktsPerSec, 5),
        humanCount(n.txPktsPerSec, 5),
        sumErr(n.rxDrop, n.txDrop),
        sumErr(n.rxErrs, n.txErrs),
      ], nicAddressText(n)),
    ),
    empty: 'no network interfaces',
  };
}

/** Shares `height` lines between sections: each gets its title, column header and as many rows as fit. */
export function tablesArea(sections: Section[], width: number, height: number, p: Palette): string[] {
  const need = sections.map((s) => 2 + Math.max(1, s.rows.length));
  const alloc = [...need];
  let total = alloc.reduce((a, b) => a + b, 0);
  while (total > height) {
    let big = -1;
    for (let i = 0; i < alloc.length; i++) if (alloc[i] > 3 && (big < 0 || alloc[i] > alloc[big])) big = i;
    if (big < 0) break;
    alloc[big]--;
    total--;
  }
  const out: string[] = [];
  sections.forEach((s, i) => {
    const room = Math.min(alloc[i], height - out.length);
    if (room <= 0) return;
    out.push(new LineBuilder(width, p.reset).add(s.title, p.open('pane.title')).toString());
    if (room === 1) return;
    out.push(`${p.open('table.header')}${padEnd(s.header, width)}${p.reset}`);
    const rowsRoom = room - 2;
    if (rowsRoom <= 0) return;
    if (s.rows.length === 0) {
      out.push(p.paint('value.unknown', padEnd(`  ${s.empty}`, width)));
      return;
    }
    const fits = s.rows.length <= rowsRoom;
    const shown = fits ? s.rows.length : rowsRoom - 1;
    for (let r = 0; r < shown; r++) out.push(s.rows[r]);
    if (!fits) out.push(p.paint('value.unknown', padEnd(`  … ${s.rows.length - shown} more`, width)));
  });
  const blank = ' '.repeat(width);
  while (out.length < height) out.push(blank);
  return out.slice(0, height);
}

/** The state's reason; for an I/O-error pause, the disks libvirt names and why: "ioerror: vda no space". */
export function stateReasonText(d: DomainView): string {
  const reason = d.stateReason ?? '';
  const hit = reason === 'ioerror' ? d.disks.filter((k) => k.ioError) : [];
  if (!hit.length) return reason;
  return `${reason}: ${hit.map((k) => `${cleanText(k.name)} ${diskErrorText(k.ioError ?? null)}`).join(', ')}`;
}

/** Whether it comes back after a host reboot: "autostart", "no autostart", "transient"; null while unknown. */
export function bootText(d: Pick<DomainView, 'autostart' | 'persistent'>): string | null {
  const k = bootKind(d);
  return k === null ? null : { transient: 'transient', autostart: 'autostart', 'no-autostart': 'no autostart' }[k];
}

function titleLine(d: DomainView, width: number, p: Palette): string {
  const lb = new LineBuilder(width, p.reset);
  const sep = p.open('pane.border');
  lb.add('▌', p.open(stateRole(d.state))).add(cleanText(d.name), p.open('pane.title')).add(' ');
  lb.add(d.state, p.open(stateRole(d.state)));
  // Why, where it matters: a pause (an I/O error above all), a crash, a shut-off guest.
  const reason = d.stateReason ?? null;
  if (reason !== null && reason !== 'unknown' && d.state !== 'running') lb.add(` (${stateReasonText(d)})`, p.open(reason === 'ioerror' ? 'gauge.crit' : stateRole(d.state)));
  if (d.id !== null) lb.add(` id ${d.id}`);
  const boot = bootText(d);
  if (boot) lb.add(' │ ', sep).add(boot, p.open(d.persistent === false ? 'status.warn' : 'header.label'));
  lb.add(' │ ', sep).add(`${d.vcpus ?? '-'}/${d.maxVcpus ?? '-'} vCPUs`);
  lb.add(' │ ', sep).add(`mem ${humanKiB(d.memCurrentKiB)} of ${humanKiB(d.memMaxKiB)}`);
  if (d.uptimeSec !== null) lb.add(' │ ', sep).add(`up ${formatDuration(d.uptimeSec)}`);
  lb.add(' │ ', sep).add(cleanText(shortHost(d.host)), p.open('header.label'));
  if (d.errors.length) lb.add(' │ ', sep).add(`⚠ ${cleanText(d.errors[0])}`, p.open('status.warn'));
  return lb.toString(p.open('pane.border'));
}

/** An OpenStack instance's identity, under the title: what Nova calls it, its flavor, project and user. */
function openstackLine(d: DomainView, width: number, p: Palette): string | null {
  const os = d.openstack;
  if (!os) return null;
  const lb = new LineBuilder(width, p.reset);
  const sep = p.open('pane.border');
  const label = p.open('header.label');
  lb.add(' OpenStack ', label).add(cleanText(os.instanceName ?? '-'), p.open('pane.title'));
  if (os.flavor) {
    const f = os.flavor;
    const parts = [f.vcpus !== null ? `${f.vcpus} vCPUs` : null, f.memoryMiB !== null ? humanKiB(f.memoryMiB * 1024) : null, f.diskGiB !== null ? `${f.diskGiB}G disk` : null].filter(Boolean);
    lb.add(' │ ', sep).add('flavor ', label).add(cleanText(f.name ?? '-')).add(parts.length ? ` (${parts.join(', ')})` : '');
  }
  if (os.projectName || os.projectId) lb.add(' │ ', sep).add('project ', label).add(cleanText(os.projectName ?? os.projectId ?? '-'));
  if (os.userName || os.userId) lb.add(' │ ', sep).add('user ', label).add(cleanText(os.userName ?? os.userId ?? '-'));
  return lb.toString(p.open('pane.border'));
}

export function renderDetail(frame: Frame, d: DomainView | null, width: number, height: number): string[] {
  const p = frame.palette;
  const blank = ' '.repeat(width);
  if (height <= 0) return [];
  if (!d) {
    const lines = [p.paint('value.unknown', padEnd('  no domain selected', width))];
    while (lines.length < height) lines.push(blank);
    return lines;
  }
  // Rewound: a line under the title says when the figures are from; an OpenStack instance's identity goes there too.
  const rw = selectedRewind(frame);
  const os = height >= 8 ? openstackLine(d, width, p) : null;
  const bar = [...(os ? [os] : []), ...(rw && height >= 6 ? [rewindBar(rw, width, p)] : [])];
  const body = height - 1 - bar.length;
  let lines: string[];
  if (width >= 140) {
    const cw = Math.floor(width * 0.5);
    const tw = width - cw - 1;
    const sectionsW = [insightSection(d, tw, p), vcpuSection(d, tw, p), diskSection(d, tw, p, frame.state.latencyMs), nicSection(d, tw)];
    lines = joinColumns(chartsArea(frame, d, cw, body), tablesArea(sectionsW, tw, body, p), body, cw, tw, p.paint('pane.border', '│'));
  } else {
    const tablesH = body >= 12 ? Math.floor(body * 0.45) : 0;
    const sections = tablesH ? [insightSection(d, width, p), vcpuSection(d, width, p), diskSection(d, width, p, frame.state.latencyMs), nicSection(d, width)] : [];
    lines = [...chartsArea(frame, d, width, body - tablesH), ...tablesArea(sections, width, tablesH, p)];
  }
  return [titleLine(d, width, p), ...bar, ...lines].slice(0, height);
}
