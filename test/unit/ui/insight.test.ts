// The insight parts of the screen: heat strip and sparklines, the new table
// columns and Irix mode, view 4 (noisy neighbours), the capacity pane and
// header segments, the detail pane's insight section and NIC addresses, and
// the keys that reach them.
import { describe, expect, it } from 'vitest';
import { Command as Act, planCommand } from '../../../src/actions/commands.js';
import type { DomainView } from '../../../src/model/view.js';
import { RingBuffer } from '../../../src/util/ring.js';
import { bucketMeans, heatCell, heatStrip, sparkline } from '../../../src/ui/heat.js';
import { buildKeymap, Command } from '../../../src/ui/keymap.js';
import { capacityLines, capacitySegments } from '../../../src/ui/panes/capacity.js';
import { renderDetail } from '../../../src/ui/panes/detail.js';
import { renderHeader } from '../../../src/ui/panes/header.js';
import { guestStatsText, insightSection, nicAddressText } from '../../../src/ui/panes/insight.js';
import { causedRanks, noisyRows, noisySpec } from '../../../src/ui/panes/noisy.js';
import { renderList } from '../../../src/ui/panes/list.js';
import { handleKey, initialState } from '../../../src/ui/state.js';
import { COLUMN_BY_ID, type CellContext } from '../../../src/ui/table.js';
import { buildModel, makeFrame, plainPalette, strip } from './fixture.js';
import type { ActionContext, Reaction, UiState } from '../../../src/ui/state-types.js';

const { keymap } = buildKeymap();
const cctx = (irix = false): CellContext => ({ io: 'bytes', gauge: (v) => (v >= 85 ? 'gauge.crit' : v >= 60 ? 'gauge.warn' : 'gauge.ok'), irix });

describe('heat strip and sparkline', () => {
  it.each<[number | null, string]>([
    [null, '·'],
    [0, ' '],
    [1.9, ' '],
    [10, '▁'],
    [50, '▅'],
    [99, '█'],
    [250, '█'],
  ])('cell for %j is %j', (v, want) => {
    expect(heatCell(v)).toBe(want);
  });
  it.each<[(number | null)[], number, string]>([
    [[100, 0, null], 8, '█ ·'],
    [[], 8, ''],
    // 16 vCPUs in 8 cells: 7 means of runs, then …
    [Array.from({ length: 16 }, (_, i) => (i < 8 ? 100 : 0)), 8, '███▆   …'],
  ])('strip %j in %i', (loads, w, want) => {
    expect(heatStrip(loads, w)).toBe(want);
  });
  it('bucket means skip unknowns and leave empty runs null', () => {
    expect(bucketMeans([10, null, 30, null], 2)).toEqual([10, 30]);
    expect(bucketMeans([null, null], 2)).toEqual([null, null]);
  });
  it('sparkline: newest on the right, gaps blank, scaled to max', () => {
    const r = new RingBuffer(10);
    for (const v of [0, 50, null, 100]) r.push(v);
    expect(sparkline(r, 6, 100)).toBe('  ▁▄ █');
  });
});

describe('domain table: insight columns', () => {
  const { view } = buildModel(12, 3);
  const d = view.domains.find((x) => x.active && x.state === 'running') as DomainView;
  const cell = (id: Parameters<typeof COLUMN_BY_ID.get>[0], x: Partial<DomainView>, irix = false) => COLUMN_BY_ID.get(id)?.cell({ ...d, ...x }, cctx(irix));
  it.each<[string, Partial<DomainView>, string, string | null]>([
    ['steal', { stealPercent: 3.2 }, '3.2', null],
    ['steal', { stealPercent: 12 }, '12.0', 'gauge.warn'],
    ['steal', { stealPercent: 25, stealAlert: true }, '25.0!', 'gauge.crit'],
    ['steal', { stealPercent: 100, stealAlert: true }, '100!', 'gauge.crit'],
    ['steal', { stealPercent: null, initializing: true }, 'init', 'value.init'],
    ['ovh', { overheadPercent: 1.25, overheadCorePercent: 10 }, '1.3', null],
    ['memused', { guestStats: 'off', memUsedKiB: null }, 'm?', 'value.unknown'],
    ['memused', { guestStats: 'stale', memUsedKiB: 28 * 1024 }, '~28M', 'status.warn'],
    ['memused', { guestStats: 'ok', memUsedKiB: 28 * 1024 }, '28M', null],
    ['ip', { addresses: null }, '-', 'value.unknown'],
    ['ip', { addresses: { source: 'lease', atWallMs: 0, error: null, interfaces: [{ name: 'vnet0', hwaddr: null, addrs: [{ type: 'ipv4', addr: '10.1.2.3', prefix: 24 }] }] } }, '10.1.2.3', null],
  ])('%s of %j', (id, x, text, role) => {
    expect(cell(id as never, x)).toEqual({ text, role });
  });
  it('Irix mode: %CPU and OVH% with 100 % = one core', () => {
    expect(cell('cpu', { cpuPercent: 12.5, cpuCorePercent: 100 })?.text).toBe('12.5');
    expect(cell('cpu', { cpuPercent: 12.5, cpuCorePercent: 100 }, true)?.text).toBe('100.0');
    expect(cell('ovh', { overheadPercent: 1.25, overheadCorePercent: 10 }, true)?.text).toBe('10.0');
  });
  it('heat: one cell per vCPU thread, coloured by the busiest', () => {
    const threads = [0, 1, 2].map((v) => ({ vcpu: v, tid: v, cpuPercent: [95, 40, 0][v], waitPercent: 0, stealPercent: 0, lastCpu: 0 }));
    expect(cell('heat', { vcpuThreads: threads })).toEqual({ text: '█▄ ', role: 'gauge.crit' });
    expect(cell('heat', { vcpuThreads: [] })?.text).toBe('-');
  });
});

describe('view 4: noisy neighbours', () => {
  const v = (key: string, steal: number | null, caused: number | null, alert = false, active = true) =>
    ({ key, name: key, host: 'qemu:///system', active, stealPercent: steal, contentionCausedPercent: caused, stealAlert: alert, vcpuThreads: [], vcpus: 1, cpuCorePercent: 10, initializing: false }) as unknown as DomainView;
  it('marked first, then most steal, then most caused; inactive left out', () => {
    const rows = noisyRows([v('a', 5, 1), v('b', 30, 0), v('c', 12, 9, true), v('d', null, 50), v('e', 90, 0, false, false), v('f', 5, 2)]);
    expect(rows.map((d) => d.key)).toEqual(['c', 'b', 'f', 'a', 'd']);
    expect([...causedRanks(rows)]).toEqual([['d', 1], ['c', 2], ['f', 3], ['a', 4], ['b', 5]]);
  });
  it('renders a row per running domain with sparklines from history', () => {
    const { model, view } = buildModel(6, 6);
    const f = makeFrame(model, view, { view: 'noisy' });
    const rows = noisyRows(f.rows);
    const lines = renderList(noisySpec(f, rows, 140), 140, 10, plainPalette()).map(strip);
    expect(lines[0]).toMatch(/^Noisy neighbours .*marked \(steal > 10% for 5 ticks\)/);
    expect(lines[1]).toMatch(/DOMAIN\s+! STEAL% steal history\s+CAUSED\s+# caused history\s+CPU% VCPU WORST VCPU/);
    expect(lines.slice(2, 2 + rows.length).every((l) => /vm-\d+/.test(l))).toBe(true);
    expect(lines[2]).toMatch(/[▁▂▃▄▅▆▇█]/);
    for (const l of lines) expect(l.length).toBe(140);
  });
});

describe('capacity pane and header', () => {
  const { model, view } = buildModel(10, 3);
  it('lists CPU, memory, committed, KSM, hugepages, NUMA, pressure and headroom for the selected domain', () => {
    const f = makeFrame(model, view);
    const sel = f.rows[0];
    const lines = capacityLines(f, sel, 110).map(strip);
    const text = lines.join('\n');
    expect(lines[0]).toMatch(/^Capacity\s+↑\/↓ scroll, c or Esc closes $/);
    expect(text).toMatch(/CPU\s+\d+ vCPUs on 8 CPUs = [\d.]+ vCPUs per CPU; host busy [\d.]+%/);
    expect(text).toMatch(/committed\s+current [\d.]+[KMG] \([\d.]+% of host\), maximum/);
    expect(text).toMatch(/KSM\s+n\/a/);
    expect(text).toMatch(/NUMA free\s+n\/a/);
    expect(text).toMatch(/pressure\s+n\/a/);
    expect(text).toMatch(new RegExp(`more guests like ${sel.name}`));
    expect(text).toMatch(/by memory\s+\d+ \(its current size in MemAvailable\)/);
    for (const l of lines) expect(l.length).toBe(110);
  });
  it('the header line carries committed memory and the headroom of the selected domain when there is room', () => {
    const f = makeFrame(model, view);
    const segs = capacitySegments(view.hosts[0], f.rows[0]);
    expect(segs[0]).toMatch(/^commit [\d.]+[KMG]\/[\d.]+[KMG] max$/);
    expect(segs.some((s) => /^\+\d+\+? like sel\.$/.test(s))).toBe(true);
    const wide = renderHeader(f, 240, 2).map(strip);
    expect(wide[1]).toMatch(/│ commit /);
    expect(wide[0]).toMatch(/│ %CPU=host/);
    const irix = renderHeader(makeFrame(model, view, { irix: true }), 240, 2).map(strip);
    expect(irix[0]).toMatch(/│ %CPU=1 core/);
    const narrow = renderHeader(f, 100, 2).map(strip);
    expect(narrow[1]).not.toMatch(/commit/); // the meters keep their room
  });
});

describe('detail pane: insight section and addresses', () => {
  const { model, view } = buildModel(4, 3);
  it('shows the four CPU numbers and the memory chain', () => {
    const f = makeFrame(model, view);
    const d = f.rows.find((x) => x.state === 'running') as DomainView;
    const s = insightSection(d, 150, plainPalette());
    const rows = s.rows.map(strip);
    expect(rows[0]).toMatch(/^CPU {3}host [\d.]+% \([\d.]+% of a core\) │ guest [\d.]+% of \d vCPUs │ steal [\d.]+%\/vCPU \([\d.]+% sum\) │ overhead/);
    expect(rows[1]).toMatch(/^MEM {3}max [\d.]+[KMG] → cur [\d.]+[KMG] → used .* → rss .* │ /);
    expect(rows[2]).toMatch(/^GUEST swap in/);
    const lines = renderDetail(f, d, 200, 40).map(strip).join('\n');
    expect(lines).toMatch(/insight/);
    expect(lines).toMatch(/CPU {3}host /);
    expect(lines).toMatch(/CPU [\d.]+% of \d vCPUs host [\d.]+% st [\d.]+% ovh (-|[\d.]+%)/);
  });
  it.each<[Partial<DomainView>, RegExp, boolean]>([
    [{ guestStats: 'off' }, /no guest stats — press m/, true],
    [{ guestStats: 'stale', guestStatsAgeSec: 45 }, /STALE guest stats \(0:45 old/, true],
    [{ guestStats: 'ok', guestStatsAgeSec: 1 }, /guest stats 0:01 old/, false],
    [{ guestStats: 'waiting' }, /no report from the guest yet/, true],
  ])('guest stats %j', (over, re, warn) => {
    const d = { ...view.domains[0], ...over } as DomainView;
    const g = guestStatsText(d);
    expect(g.text).toMatch(re);
    expect(g.warn).toBe(warn);
  });
  it.each<[Partial<DomainView['nics'][number]>, string]>([
    [{}, ''],
    [{ addrs: [], addrSource: null }, '-'],
    [{ addrs: [], addrSource: 'arp' }, '- (arp)'],
    [{ addrs: [{ type: 'ipv4', addr: '10.0.0.2', prefix: 24 }, { type: 'ipv6', addr: 'fe80::2', prefix: null }], addrSource: 'agent' }, '10.0.0.2/24 fe80::2 (agent)'],
  ])('NIC addresses %j', (over, want) => {
    expect(nicAddressText({ ...view.domains[0].nics[0], ...over })).toBe(want);
  });
});

describe('keys', () => {
  const ctx = (over: Partial<ActionContext> = {}): ActionContext => ({ rowKeys: ['a'], pageSize: 3, listKeys: [], sortCycle: [], nowMs: 1000, ...over });
  const press = (s: UiState, keys: string[], c: ActionContext = ctx()): [UiState, Reaction[]] => {
    const rs: Reaction[] = [];
    for (const k of keys) {
      const [n, r] = handleKey(s, k, keymap, c);
      s = n;
      rs.push(r);
    }
    return [s, rs];
  };
  const start = () => ({ ...initialState({ sort: 'cpu', reverse: false, intervalSec: 2 }), selectedKey: 'a' });

  it('binds 4, c and % without clashes', () => {
    expect(buildKeymap().problems).toEqual([]);
    expect(keymap.get('4')).toBe(Command.ViewNoisy);
    expect(keymap.get('c')).toBe(Command.ToggleCapacity);
    expect(keymap.get('%')).toBe(Command.ToggleIrix);
  });
  it('% toggles Irix mode and says so', () => {
    const [s] = press(start(), ['%']);
    expect(s.irix).toBe(true);
    expect(s.status?.text).toMatch(/100 % = one core/);
    expect(press(s, ['%'])[0].irix).toBe(false);
  });
  it('4 opens the noisy view; Esc goes back', () => {
    const [s] = press(start(), ['4']);
    expect(s.view).toBe('noisy');
    expect(press(s, ['escape'])[0].view).toBe('domains');
  });
  it('c opens the capacity pane, arrows scroll it, c or Esc closes it, another key closes it and acts', () => {
    let [s] = press(start(), ['c', 'down', 'down', 'up']);
    expect(s.overlay).toEqual({ kind: 'capacity', scroll: 1 });
    expect(press(s, ['c'])[0].overlay).toBeNull();
    expect(press(s, ['escape'])[0].overlay).toBeNull();
    [s] = press(s, ['4']);
    expect(s.overlay).toBeNull();
    expect(s.view).toBe('noisy');
  });

  it('ballooning below what the guest uses + margin asks twice; n at either question cancels', () => {
    const { view } = buildModel(3, 3);
    const d = { ...(view.domains.find((x) => x.state === 'running') as DomainView), memUsedKiB: 1024 * 1024, memCurrentKiB: 2 * 1024 * 1024, memMaxKiB: 4 * 1024 * 1024 };
    const c = ctx({ rowKeys: [d.key], selected: d, domain: () => d });
    const s0 = { ...start(), selectedKey: d.key };
    // 1.05 GiB is above use (1 GiB) but inside the margin (10 % = ~102 MiB): still asks twice
    let [s, r] = press(s0, ['b', ...'1075M'.split(''), 'enter'], c);
    expect(s.overlay).toMatchObject({ kind: 'confirm', question: expect.stringMatching(/uses 1 GiB; shrink it to 1075 MiB\? That leaves less than/) });
    [s, r] = press(s, ['y'], c);
    expect(r[0].runPlan).toBeUndefined();
    expect(s.overlay).toMatchObject({ kind: 'confirm', second: true, question: expect.stringMatching(/^Really shrink .* below its use \+ 102\.4 MiB\? Press y once more/) });
    [s, r] = press(s, ['y'], c);
    expect(r[0].runPlan?.summary).toMatch(/set memory of .* to 1075 MiB/);
    expect(s.overlay).toBeNull();
    // n at the second question sends nothing
    [s, r] = press(s0, ['b', ...'512M'.split(''), 'enter', 'y', 'n'], c);
    expect(r.some((x) => x.runPlan)).toBe(false);
    expect(s.status?.text).toMatch(/^cancelled/);
    // well above use + margin: no question at all
    [s, r] = press(s0, ['b', ...'1500M'.split(''), 'enter'], c);
    expect(r[r.length - 1].runPlan).toBeDefined();
  });

  it('the margin is 10 % of use, at least 64 MiB; without guest stats no double question', () => {
    const { view } = buildModel(3, 3);
    const base = view.domains.find((x) => x.state === 'running') as DomainView;
    const plan = (used: number | null, text: string) => {
      const p = planCommand(Act.Balloon, { ...base, memUsedKiB: used, memCurrentKiB: 2 * 1024 * 1024, memMaxKiB: 4 * 1024 * 1024 }, { text });
      return p.ok ? { confirm: p.plan.confirm !== null, again: (p.plan.confirmAgain ?? null) !== null } : p.error;
    };
    expect(plan(100 * 1024, '150M')).toEqual({ confirm: true, again: true }); // 100 MiB + 64 MiB floor
    expect(plan(100 * 1024, '170M')).toEqual({ confirm: false, again: false });
    expect(plan(null, '64M')).toEqual({ confirm: false, again: false });
  });
});
