import { cpuTimeCell } from '../../../src/util/units.js';
import { describe, expect, it } from 'vitest';
import type { DomainView } from '../../../src/model/view.js';
import {
  columnAt,
  COLUMN_BY_ID,
  DEFAULT_COLUMNS,
  normalizeColumns,
  placeColumns,
  sortColumnIndex,
  sortCycle,
  type CellContext,
  type ColumnId,
} from '../../../src/ui/table.js';

function view(over: Partial<DomainView> = {}): DomainView {
  return {
    key: 'qemu:///system#u1',
    host: 'qemu:///system',
    name: 'web-01',
    uuid: 'u1',
    id: 3,
    state: 'running',
    active: true,
    cpuPercent: 12.345,
    vcpuPercent: 49.4,
    vcpus: 4,
    maxVcpus: 8,
    memCurrentKiB: 8 * 1024 * 1024,
    memMaxKiB: 16 * 1024 * 1024,
    memUsedKiB: 3 * 1024 * 1024,
    memPercent: 12.5,
    rssKiB: 8.2 * 1024 * 1024,
    rdBytesPerSec: 1536,
    wrBytesPerSec: 0,
    rdReqPerSec: 12,
    wrReqPerSec: 3.5,
    rxBytesPerSec: 123456789,
    txBytesPerSec: null,
    rxPktsPerSec: 10,
    txPktsPerSec: 10,
    cpuTimeNs: 125_500_000_000n,
    vcpuTimeNs: null,
    statsMonoNs: null,
    uptimeSec: 3725,
    disks: [],
    nics: [],
    vcpuThreads: [],
    hasBalloon: true,
    balloonStatsPeriodSec: 5,
    errors: [],
    initializing: false,
    ...over,
  };
}

const ctx: CellContext = { io: 'bytes', gauge: (v) => (v >= 85 ? 'gauge.crit' : v >= 60 ? 'gauge.warn' : 'gauge.ok') };
const cell = (id: ColumnId, d: DomainView, c: CellContext = ctx) => (COLUMN_BY_ID.get(id)?.cell(d, c) ?? { text: '?', role: null });

describe('domain table cells', () => {
  it.each<[ColumnId, Partial<DomainView>, string, string | null]>([
    ['id', {}, '3', null],
    ['id', { id: null }, '-', 'value.unknown'],
    ['state', {}, 'R', 'state.running'],
    ['state', { state: 'paused' }, 'P', 'state.paused'],
    ['state', { state: 'crashed' }, 'X', 'state.crashed'],
    ['state', { state: 'shutoff' }, 'O', 'state.shutoff'],
    ['state', { state: 'paused', stateReason: 'user' }, 'P', 'state.paused'],
    ['state', { state: 'paused', stateReason: 'ioerror' }, 'P', 'gauge.crit'],
    ['lat', { diskLatencyMs: 0.4237 }, '0.42', null],
    ['lat', { diskLatencyMs: 19.96 }, '20.0', null],
    ['lat', { diskLatencyMs: 20 }, '20.0', 'gauge.warn'],
    ['lat', { diskLatencyMs: 345.6 }, '346', 'gauge.crit'],
    ['lat', { diskLatencyMs: null }, '-', 'value.unknown'],
    ['lat', { diskLatencyMs: null, initializing: true }, 'init', 'value.init'],
    ['cpu', {}, '12.3', null],
    ['cpu', { cpuPercent: null, initializing: true }, 'init', 'value.init'],
    ['cpu', { cpuPercent: null }, '-', 'value.unknown'],
    ['cpu', { cpuPercent: 0 }, '0.0', null],
    ['vcpu', {}, '49.4', 'gauge.ok'],
    ['vcpu', { vcpuPercent: 91 }, '91.0', 'gauge.crit'],
    ['vcpus', {}, '4', null],
    ['memused', {}, '3.0G', null],
    ['memused', { memUsedKiB: null }, '-', 'value.unknown'],
    ['memcur', {}, '8.0G', null],
    ['memmax', {}, '16G', null],
    ['mem', {}, '12.5', null],
    ['rss', {}, '8.2G', null],
    ['rd', {}, '1.5K', null],
    ['wr', {}, '0', null],
    ['rx', {}, '118M', null],
    ['tx', {}, '-', 'value.unknown'],
    ['tx', { txBytesPerSec: null, initializing: true }, 'init', 'value.init'],
    ['time', {}, '2:05.50', null],
    ['uptime', {}, '01:02:05', null],
    ['name', { name: 'evil\x1b]0;pwned\x07' }, 'evil\\x1b]0;pwned\\x07', null],
    ['host', { host: 'qemu+ssh://root@hv2.example/system' }, 'hv2.example', null],
  ])('%s of %j is %j', (id, over, text, role) => {
    expect(cell(id, view(over))).toEqual({ text, role });
  });

  it('marks latency from the config’s thresholds when it has them', () => {
    const strict: CellContext = { ...ctx, latencyMs: { warn: 2, crit: 10 } };
    expect(cell('lat', view({ diskLatencyMs: 1.5 }), strict).role).toBeNull();
    expect(cell('lat', view({ diskLatencyMs: 2 }), strict).role).toBe('gauge.warn');
    expect(cell('lat', view({ diskLatencyMs: 12 }), strict).role).toBe('gauge.crit');
    expect(cell('lat', view({ diskLatencyMs: 12 })).role).toBeNull();
  });

  it('shows requests per second after the I/O toggle', () => {
    const reqs: CellContext = { ...ctx, io: 'reqs' };
    expect(cell('rd', view(), reqs).text).toBe('12');
    expect(cell('wr', view(), reqs).text).toBe('3.5');
    expect(COLUMN_BY_ID.get('rd')?.title('reqs')).toBe('RDRQ');
    expect(COLUMN_BY_ID.get('rd')?.sort?.('reqs')).toBe('blockreq');
  });

  it('keeps CPU time within 9 cells', () => {
    expect(cpuTimeCell(20781n * 86_400_000_000_000n)).toBe('20781d');
    expect(cpuTimeCell(5n * 86_400_000_000_000n)).toBe('5d00:00');
  });
});

describe('placeColumns', () => {
  it('lays out the default columns with NAME taking the rest', () => {
    const p = placeColumns(DEFAULT_COLUMNS, 160, { multiHost: false });
    expect(p.map((c) => c.def.id)).toEqual(DEFAULT_COLUMNS.filter((c) => c !== 'host'));
    const name = p[p.length - 1];
    expect(name.def.id).toBe('name');
    expect(name.x + name.width).toBe(160);
    for (let i = 1; i < p.length; i++) expect(p[i].x).toBe(p[i - 1].x + p[i - 1].width + 1);
  });

  it('drops low-priority columns on narrow terminals, never NAME or %CPU', () => {
    const p = placeColumns(DEFAULT_COLUMNS, 80, { multiHost: true, hostWidth: 10 });
    const ids = p.map((c) => c.def.id);
    expect(ids).toContain('name');
    expect(ids).toContain('cpu');
    expect(ids).toContain('host');
    expect(ids).not.toContain('memused');
    const name = p[p.length - 1];
    expect(name.width).toBeGreaterThanOrEqual(10);
    expect(name.x + name.width).toBe(80);
  });

  it('shows HOST only with several hosts', () => {
    expect(placeColumns(DEFAULT_COLUMNS, 200, { multiHost: false }).some((c) => c.def.id === 'host')).toBe(false);
    expect(placeColumns(DEFAULT_COLUMNS, 200, { multiHost: true }).some((c) => c.def.id === 'host')).toBe(true);
  });

  it('knows the sort columns and where a click lands', () => {
    const p = placeColumns(DEFAULT_COLUMNS, 160, { multiHost: false });
    expect(sortCycle(p, 'bytes')).toEqual(['id', 'state', 'cpu', 'vcpu', 'vcpus', 'mem', 'steal', 'block', 'net', 'time', 'name']);
    expect(p[sortColumnIndex(p, 'block', 'bytes')].def.id).toBe('rd');
    expect(columnAt(p, 0)?.def.id).toBe('id');
    expect(columnAt(p, 159)?.def.id).toBe('name');
  });
});

describe('normalizeColumns', () => {
  it('keeps known columns in table order and always NAME', () => {
    expect(normalizeColumns(['name', 'cpu', 'bogus', 'id'])).toEqual({ columns: ['id', 'cpu', 'name'], unknown: ['bogus'] });
    expect(normalizeColumns([])).toEqual({ columns: ['name'], unknown: [] });
    expect(normalizeColumns(null).columns).toEqual([...DEFAULT_COLUMNS]);
  });
});
