// Hostile names on every kind of object (test/fixtures/libvirt/odd-names.xml):
// quotes, $(...), backticks, ;, a bidi override, zero-width characters, wide
// CJK text and a 300-character name. Machine output (JSON, CSV) carries each
// name exactly; what goes to a terminal (-b) carries no control, bidi or
// invisible character raw, and its columns stay put (#17, item 5).
import { describe, expect, it, beforeAll } from 'vitest';
import { assertBuilt, runVirtop } from '../helpers/run.js';
import { parseFrames } from '../helpers/schema.js';
import { ODD_URI } from './helpers/env.js';

beforeAll(() => assertBuilt());

const NAMES = {
  invoice: 'inv\u202eoice.exe\u200b\u200d 請求書 "x"; $(reboot)',
  web: "web \"prod\" 'α' $(x) `id`; rm -rf & <ü> 日本",
  long: `long-${'ж'.repeat(100)}-${'x'.repeat(100)}-${'名'.repeat(93)}`,
  network: 'net "q" $(id) `x`; \u202eten',
  pool: "pool 'p' $(id); `x` 池\u200b",
  volume: '`id`; \u202egpj.qcow2',
  diskPath: '/var/lib/virtop-odd/`id`; \u202egpj.qcow2',
};
// eslint-disable-next-line no-control-regex
const RAW_HOSTILE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/;

/** RFC 4180 rows: quoted fields may hold commas, quotes ("") and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  return rows;
}

describe('hostile names', () => {
  it('the 300-character name is 300 characters (the fixture is what it claims)', () => {
    expect([...NAMES.long]).toHaveLength(300);
  });

  it('JSON carries every name byte for byte: domains, disk paths, NIC networks, pools, volumes, networks', async () => {
    const r = await runVirtop(['-c', ODD_URI, '--json', '-n', '4', '-d', '0.3']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const frame = parseFrames(r.stdout)[3] as unknown as {
      domains: { name: string; disks: { path: string; pool: string | null }[]; nics: { source: string | null }[] }[];
      hosts: { pools: { name: string; volumes: { name: string }[] }[] | null; networks: { name: string }[] | null }[];
    };
    const names = frame.domains.map((d) => d.name);
    for (const n of [NAMES.invoice, NAMES.web, NAMES.long]) expect(names).toContain(n);
    const invoice = frame.domains.find((d) => d.name === NAMES.invoice)!;
    expect(invoice.disks.map((d) => [d.path, d.pool])).toEqual([[NAMES.diskPath, NAMES.pool]]);
    expect(invoice.nics.map((n) => n.source)).toEqual([NAMES.network]);
    const host = frame.hosts[0];
    expect(host.pools?.map((p) => p.name)).toEqual([NAMES.pool]);
    expect(host.pools?.[0].volumes.map((v) => v.name)).toEqual([NAMES.volume]);
    expect(host.networks?.map((n) => n.name).sort()).toEqual(['default', NAMES.network].sort());
  });

  it('CSV quotes them so a CSV reader gets each name back exactly, one row per domain', async () => {
    const r = await runVirtop(['-c', ODD_URI, '--csv', '-', '-n', '1']);
    expect(r.code).toBe(0);
    const rows = parseCsv(r.stdout);
    const header = rows[0];
    const at = header.indexOf('name');
    expect(rows.slice(1).every((row) => row.length === header.length)).toBe(true);
    expect(rows.slice(1).map((row) => row[at]).sort()).toEqual(
      [NAMES.invoice, NAMES.web, NAMES.long, 'ephemeral', 'stopped ünïcødé'].sort(),
    );
  });

  it('-b text: nothing raw a terminal would act on, each name shown with its escapes, every column where the header says', async () => {
    const r = await runVirtop(['-c', ODD_URI, '-b', '-n', '2', '-d', '0.3']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    for (const l of lines) expect(l).not.toMatch(RAW_HOSTILE);
    const shown = 'inv\\u202eoice.exe\\u200b\\u200d 請求書 "x"; $(reboot)';
    expect(lines.some((l) => l.endsWith(` ${shown}`))).toBe(true);
    // the table of the last frame: NAME is last, so every row's earlier cells end where the header's do
    const head = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s+ID S /.test(l)).pop()!;
    const nameAt = head[0].indexOf('NAME');
    const rows = lines.slice(head[1] + 1).filter((l) => l.trim() !== '');
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(row[nameAt - 1]).toBe(' ');
    for (const row of rows) expect(row.slice(0, nameAt)).not.toMatch(/[^\x20-\x7e]/);
  });
});
