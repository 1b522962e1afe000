import { describe, expect, it } from 'vitest';
import { Model } from '../../../src/model/model.js';
import { buildKeymap } from '../../../src/ui/keymap.js';
import { cpuRows, cpusSpec } from '../../../src/ui/panes/cpus.js';
import { renderDetail, stateReasonText, tablesArea, waitRole } from '../../../src/ui/panes/detail.js';
import { diskErrorText, diskRows, disksSpec } from '../../../src/ui/panes/disks.js';
import type { DiskView } from '../../../src/model/view.js';
import type { DiskIoError } from '../../../src/types/sample.js';
import { domainView } from '../../helpers/domain-view.js';
import { renderDomainTable, sortDescending } from '../../../src/ui/panes/domains.js';
import { renderHeader } from '../../../src/ui/panes/header.js';
import { statusText } from '../../../src/ui/panes/hosts.js';
import { helpLines } from '../../../src/ui/panes/help.js';
import { renderList } from '../../../src/ui/panes/list.js';
import { nicRows, nicsSpec } from '../../../src/ui/panes/nics.js';
import { renderStatus } from '../../../src/ui/panes/status.js';
import { columnChooserLines } from '../../../src/ui/panes/columns.js';
import { displayWidth } from '../../../src/ui/text.js';
import { snapshot } from '../../helpers/samples.js';
import { buildModel, domainSample, hostSample, makeFrame, palette, plainPalette, strip } from './fixture.js';

const label = (u: string) => u;

function expectWidth(lines: string[], width: number) {
  for (const l of lines) expect(displayWidth(strip(l))).toBe(width);
}

describe('header', () => {
  it('shows time, totals, host hardware, meters, overcommit and interval', () => {
    const { model, view } = buildModel(20);
    const lines = renderHeader(makeFrame(model, view), 160, 2).map(strip);
    expectWidth(lines, 160);
    expect(lines[0]).toMatch(/^virtop \d\d:\d\d:\d\d │ 20 domains: 15 running, 3 paused, 2 inactive/);
    expect(lines[0]).toContain('every 2s');
    expect(lines[1]).toMatch(/● hv1 8×2400MHz 64G │ CPU \[\|*\s*[\d.]+%\] host 33\.3% │/);
    expect(lines[1]).toMatch(/MEM \[\|+\s*36G\/64G\]/);
    expect(lines[1]).toMatch(/vCPU:pCPU 44:8 5\.50/);
  });

  it('says PAUSED and shows hosts that are not connected with their error', () => {
    const { model, view } = buildModel(3);
    const down = { ...view.hosts[0], uri: 'qemu+ssh://hv2/system', hostname: null, status: 'reconnecting' as const, downForSec: 12, error: 'connection reset\x1b[31m' };
    const v2 = { ...view, hosts: [view.hosts[0], down] };
    const lines = renderHeader(makeFrame(model, v2, { paused: true }), 120, 3).map(strip);
    expect(lines[0]).toMatch(/ PAUSED $/);
    expect(lines[0]).toContain('2 hosts');
    expect(lines[2]).toBe('● hv2 reconnecting (lost 12s ago): connection reset\\x1b[31m'.padEnd(120));
  });

  it('an unresponsive host says how long it has not answered; view H says hung', () => {
    const { model, view } = buildModel(3);
    const hung = { ...view.hosts[0], uri: 'qemu+ssh://hv3/system', hostname: null, status: 'unresponsive' as const, unresponsiveSec: 9.4, downForSec: 9.6 };
    const lines = renderHeader(makeFrame(model, { ...view, hosts: [view.hosts[0], hung] }), 120, 3).map(strip);
    expect(lines[2]).toBe('● hv3 unresponsive: no answer for 9s'.padEnd(120));
    expect(statusText(hung)).toBe('hung 9s');
  });

  it('collapses many hosts into a "+N more" line', () => {
    const { model, view } = buildModel(2);
    const hosts = Array.from({ length: 7 }, (_, i) => ({ ...view.hosts[0], uri: `qemu+ssh://h${i}/system`, status: i === 6 ? ('failed' as const) : ('connected' as const) }));
    const lines = renderHeader(makeFrame(model, { ...view, hosts }), 120, 6).map(strip);
    expect(lines[5]).toMatch(/\+3 more hosts \(1 not connected\)/);
  });
});

describe('domain table', () => {
  it('marks the sort column and lists active domains first, inactive at the bottom', () => {
    const { model, view } = buildModel(20);
    const f = makeFrame(model, view);
    const t = renderDomainTable(f, 160, 30, label);
    const lines = t.lines.map(strip);
    expectWidth(t.lines, 160);
    expect(lines[0]).toMatch(/^\s+ID S ▼%CPU %VCPU VCPU MEMUSE MEMCUR  %MEM   ST%  OVH%  RDBY  WRBY  RXBY  TXBY      TIME NAME\s*$/);
    expect(lines[19]).toMatch(/^\s+- O\s+-\s+-\s+\d\s+-\s+-\s+-\s+-\s+-\s+-\s+-\s+-\s+-\s+- vm-\d+/);
    expect(lines[20]).toMatch(/^\s+- O .* vm-\d+/);
    expect(lines[21].trim()).toBe('');
    expect(t.pageSize).toBe(29);
  });

  it('hostile names keep every row aligned and reach the terminal as text, not control', () => {
    const names = ['bidi \u202Eevil\u202C x', 'zero\u200Bwidth', 'two\nlines', 'esc \u001b[31mred\u001b[0m', `${'长'.repeat(150)}`, 'x'.repeat(300), "$(rm -rf ~) `id`; 'q'"];
    const { model, view } = buildModel(names.length, 2, Object.fromEntries(names.map((n, i) => [i, n])));
    for (const width of [80, 160]) {
      const t = renderDomainTable(makeFrame(model, view), width, names.length + 2, label);
      expectWidth(t.lines, width);
      for (const line of t.lines.map(strip)) {
        // no ESC, newline, bidi override or zero-width character left raw for the terminal to act on
        expect(line).not.toMatch(/[\u001b\n\r\u202a-\u202e\u2066-\u2069\u200b-\u200f]/);
      }
    }
  });

  it('shows "init" before a second sample and "-" for unknowns', () => {
    const { model, view } = buildModel(3, 1);
    const lines = renderDomainTable(makeFrame(model, view), 120, 6, label).lines.map(strip);
    expect(lines[1]).toMatch(/^\s+\d R\s+init\s+init\s+\d/);
  });

  it('formats only the visible rows of a big table and highlights the selection', () => {
    const { model, view } = buildModel(1000, 2);
    const p = palette();
    const f = makeFrame(model, view, {}, p);
    const t = renderDomainTable({ ...f, state: { ...f.state, selectedKey: f.rows[2].key, scroll: 0 } }, 200, 40, label);
    expect(t.lines).toHaveLength(40);
    expect(t.lines[3].startsWith(p.combo('selection.fg', 'selection.bg'))).toBe(true);
    expectWidth(t.lines, 200);
  });

  it('cuts long names with … and escapes hostile ones', () => {
    const long = 'x'.repeat(300);
    const { model, view } = buildModel(3, 2, { 0: long, 1: 'evil\x1b[2J\u202ename' });
    const lines = renderDomainTable(makeFrame(model, view, { sort: 'name' }), 120, 5, label).lines.map(strip);
    expectWidth(lines, 120);
    expect(lines.some((l) => l.endsWith('x…'))).toBe(true);
    expect(lines.some((l) => l.includes('evil\\x1b[2J\\u202ename'))).toBe(true);
  });

  it('says why the table is empty', () => {
    const { model, view } = buildModel(3);
    const lines = renderDomainTable(makeFrame(model, view, { filter: 'nomatch' }), 100, 4, label).lines.map(strip);
    expect(lines[1]).toContain("no domain matches 'nomatch' (Esc clears the filter)");
    const empty = renderDomainTable(makeFrame(new Model(), new Model().view()), 100, 4, label).lines.map(strip);
    expect(empty[1]).toContain('waiting for the first sample');
  });

  it('knows which way the sort goes', () => {
    expect(sortDescending('cpu', false)).toBe(true);
    expect(sortDescending('cpu', true)).toBe(false);
    expect(sortDescending('name', false)).toBe(false);
  });
});

describe('detail pane', () => {
  it('renders charts and tables at several sizes, lines exactly the width', () => {
    const { model, view } = buildModel(10, 8);
    for (const [w, h] of [
      [200, 30],
      [120, 14],
      [80, 12],
      [80, 6],
    ]) {
      const f = makeFrame(model, view, {}, palette());
      const lines = renderDetail(f, f.rows[0], w, h);
      expect(lines).toHaveLength(h);
      expectWidth(lines, w);
    }
  });

  it('shows title, vCPU threads, disks and NICs of the domain', () => {
    const { model, view } = buildModel(10, 8);
    const f = makeFrame(model, view);
    const d = f.rows.find((x) => x.name === 'vm-0003') ?? f.rows[0];
    const text = renderDetail(f, d, 200, 30).map(strip).join('\n');
    expect(text).toMatch(/▌vm-0003 paused id 4 │ 4\/8 vCPUs │ mem 2\.0G of 4\.0G/);
    expect(text).toMatch(/CPU .*of 4 vCPUs/);
    expect(text).toMatch(/MEM cur 2\.0G used/);
    expect(text).toMatch(/vCPU threads \(4\)/);
    expect(text).toMatch(/\s+0\s+10030\s+3\s+/);
    // The path keeps its end (the file) when the column is narrower than it.
    expect(text).toMatch(/vda +…\S*\/images\/vm-3\.qcow2 +800K +80K +200 +20 +- +- +- +20G/);
    expect(text).toMatch(/DEV +SOURCE +RD\/s +WR\/s +RDIO\/s +WRIO\/s +RDms +WRms +FLms +CAP/);
    expect(text).toContain('vnet3');
    expect(text).toMatch(/[⠀-⣿]/);
  });

  it('draws a history gap as nothing, not a drop to zero', () => {
    const model = new Model({ historySize: 50 });
    let view = model.view();
    for (let t = 0; t < 6; t++) view = model.ingest(snapshot(t, [hostSample([domainSample(0, t)], t)]));
    // the host goes away for a while: gaps in the history
    for (let t = 6; t < 12; t++) view = model.ingest(snapshot(t, [{ ...hostSample([], t), status: 'reconnecting', error: 'gone' }]));
    const f = makeFrame(model, view);
    const hist = model.history(view.domains[0].key);
    expect(hist?.metrics.cpuPercent.at(hist.metrics.cpuPercent.length - 1)).toBeNull();
    const lines = renderDetail(f, view.domains[0], 80, 12).map(strip);
    // 6 known samples then 6 gaps, newest on the right: in the CPU chart (top
    // left, 39 cells) dots end 3 cells before the right edge.
    const cpuChartRows = lines.slice(2, 6);
    expect(cpuChartRows[3].slice(33, 36)).toMatch(/^[⠁-⣿]{3}$/);
    for (const row of cpuChartRows) expect(row.slice(36, 39)).toBe('   ');
  });

  it('says when nothing is selected', () => {
    const { model, view } = buildModel(2);
    expect(strip(renderDetail(makeFrame(model, view), null, 40, 3)[0])).toContain('no domain selected');
  });

  it('shares lines between sections and says how many rows did not fit', () => {
    const sec = (n: number) => ({ title: 't', header: 'h', rows: Array.from({ length: n }, (_, i) => `r${i}`), empty: 'none' });
    const lines = tablesArea([sec(20), sec(2), sec(0)], 20, 12, plainPalette()).map((l) => strip(l).trim());
    expect(lines).toHaveLength(12);
    expect(lines.slice(0, 5)).toEqual(['t', 'h', 'r0', 'r1', '… 18 more']);
    expect(lines.slice(5, 9)).toEqual(['t', 'h', 'r0', 'r1']);
    expect(lines).toContain('none');
    expect(waitRole(null)).toBeNull();
    expect(waitRole(6)).toBe('gauge.warn');
    expect(waitRole(25)).toBe('gauge.crit');
  });
});

describe('a guest paused on an I/O error', () => {
  const { model, view } = buildModel(1, 1);
  const disk = (name: string, ioError: DiskIoError | null): DiskView => ({
    name,
    path: `/pool/${name}.qcow2`,
    rdBytesPerSec: null,
    wrBytesPerSec: null,
    rdReqPerSec: null,
    wrReqPerSec: null,
    errors: null,
    capacityBytes: 1 << 30,
    allocationBytes: 1 << 29,
    ioError,
  });
  const d = domainView({ state: 'paused', stateReason: 'ioerror', disks: [disk('vda', null), disk('vdb', 'nospace')] });
  const f = makeFrame(model, { ...view, domains: [d] });

  it('the detail title names the disk and why', () => {
    expect(stateReasonText(d)).toBe('ioerror: vdb no space');
    expect(stateReasonText({ ...d, disks: [disk('vda', 'unspec'), disk('vdb', 'nospace')] })).toBe('ioerror: vda I/O error, vdb no space');
    // libvirt named no disk: the reason alone
    expect(stateReasonText({ ...d, disks: [disk('vda', null)] })).toBe('ioerror');
    expect(strip(renderDetail(f, d, 120, 4)[0])).toContain('paused (ioerror: vdb no space)');
  });

  it('view 3 marks that disk: its ERRS cell says why, its row in the critical role', () => {
    const refs = diskRows([d]);
    const lines = renderList(disksSpec(f, refs, 160), 160, 5, f.palette);
    expect(strip(lines[2])).not.toContain('NOSPC');
    expect(strip(lines[3])).toMatch(/vdb .* NOSPC$/);
    const colored = renderList(disksSpec({ ...f, palette: palette() }, refs, 160), 160, 5, palette());
    expect(colored[3]).not.toBe(strip(colored[3]));
    expect(diskErrorText('nospace')).toBe('no space');
    expect(diskErrorText(null)).toBe('-');
  });
});

describe('views 1, 2, 3', () => {
  const { model, view } = buildModel(12, 3);
  const f = makeFrame(model, view);

  it('1: physical CPUs with usage and the vCPU threads that last ran there', () => {
    const rows = cpuRows(f);
    expect(rows.filter((r) => r.kind === 'cpu')).toHaveLength(8);
    const lines = renderList(cpusSpec(f, rows, 120), 120, 12, f.palette).map(strip);
    expectWidth(lines, 120);
    expect(lines[0]).toMatch(/^Physical CPUs\s+8 CPUs/);
    expect(lines[2]).toMatch(/^\s+0\s+11\.1 \[\|+\s*\] (vm-\d+\/\d )+/);
    expect(lines[2]).toContain('vm-0000/0');
  });

  it('2: every NIC of the shown domains', () => {
    const refs = nicRows(f.rows);
    expect(refs).toHaveLength(12);
    const lines = renderList(nicsSpec(f, refs, 160), 160, 8, f.palette).map(strip);
    expect(lines[1]).toMatch(/^DOMAIN\s+DEV\s+SOURCE\s+MAC\s+RXBY\/s/);
    expect(lines[2]).toMatch(/vm-\d+\s+vnet\d+\s+default\s+52:54:00:00:00:01/);
    expectWidth(lines, 160);
    const narrow = renderList(nicsSpec(f, refs, 80), 80, 8, f.palette).map(strip);
    expectWidth(narrow, 80);
    expect(narrow[1]).not.toContain('MAC');
  });

  it('3: every disk of the shown domains, filter applied', () => {
    const ff = makeFrame(model, view, { filter: 'vm-0001' });
    const refs = diskRows(ff.rows);
    expect(refs).toHaveLength(1);
    // 140 columns: room for the whole path beside the rates, latencies and sizes.
    const lines = renderList(disksSpec(ff, refs, 140), 140, 6, ff.palette).map(strip);
    expect(lines[0]).toMatch(/1 devices \(filter: vm-0001\)/);
    expect(lines[2]).toMatch(/vm-0001\s+vda\s+\/var\/lib\/libvirt\/images\/vm-1\.qcow2\s+[\d.]+K/);
  });
});

describe('status line, help and column chooser', () => {
  const { model, view } = buildModel(5);

  it('shows the prompt while one is open', () => {
    const f = makeFrame(model, view, { overlay: { kind: 'prompt', purpose: 'interval', text: 'abc', error: 'interval must be a number', previous: '2' } });
    expect(strip(renderStatus(f, 100))).toMatch(/^Refresh interval \(seconds\): abc█  interval must be a number/);
  });

  it('shows a message, then the hints; sort and position on the right', () => {
    const f = makeFrame(model, view, { status: { text: 'settings written', level: 'ok', atMs: view.wallMs } });
    const line = strip(renderStatus(f, 100));
    expect(line).toMatch(/^settings written\s+sort %CPU ▼ │ 1\/5 $/);
    expect(displayWidth(line)).toBe(100);
    const later = { ...f, nowMs: f.nowMs + 60_000 };
    expect(strip(renderStatus(later, 120))).toMatch(/^\? help/);
  });

  it('help lists every bound key', () => {
    const { keymap } = buildKeymap();
    const text = helpLines(keymap, plainPalette(), 100).map(strip).join('\n');
    for (const k of ['P ', 'M ', 'T ', 'N ', 'B ', 'I ', '< ', '> ', 'r ', '/ ', 'f ', 'd ', 'Z ', 'Space ', 't ', 'u ', 'H ', 'L ', '= ', 'W ', '? h F1', 'q F10 Ctrl-C', 'Enter Tab', 'Esc', '0 ', '1 ', '2 ', '3 ', 'i ']) {
      expect(text).toContain(k);
    }
    expect(text).toMatch(/s +start the selected \(shut off\) domain/);
    expect(text).toMatch(/b +balloon memory live/);
  });

  it('the column chooser checks shown columns', () => {
    const lines = columnChooserLines(['id', 'name'], 1, plainPalette(), 60).map(strip);
    expect(lines[1]).toMatch(/^ \[x\] ID/);
    expect(lines[2]).toMatch(/^ \[ \] S /);
    expect(lines[lines.length - 1]).toMatch(/\[x\] NAME .*always shown/);
  });
});
