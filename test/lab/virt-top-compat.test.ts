// virt-top's CSV from virtop --virt-top-compat on real guests: each figure
// against libvirt's own counters (`virsh domstats`) read just before the run
// and just after it. The CSV's deltas cover ticks 2..N, a window inside the
// two readings, so their sums lie between 0 and the readings' difference;
// the memory columns are the balloon at any moment, so they equal it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readVirtTopCsv } from '../helpers/virt-top-csv.js';
import { describeLab, domstats, ensureLab, LAB_CONNECT, LAB_GUESTS, statNum, teardownLab, virsh, type LabHandle } from './lab.js';

const ROOT = resolve(import.meta.dirname, '../..');
const GUESTS = [LAB_GUESTS.disk, LAB_GUESTS.net];

function runCompat(args: string[], home: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [join(ROOT, 'bin/virtop'), '--virt-top-compat', ...args], { cwd: ROOT, env: { ...process.env, HOME: home }, timeout: 60_000 }, (err, _out, stderr) => {
      const code = err ? (err as { code?: unknown }).code : 0;
      res({ code: typeof code === 'number' ? code : null, stderr });
    });
  });
}

/** A counter summed over a group's devices (block.N.rd.reqs, net.N.rx.bytes). */
function deviceSum(stats: Record<string, string>, group: 'block' | 'net', field: string): number {
  let sum = 0;
  for (let i = 0; i < statNum(stats, `${group}.count`); i++) sum += statNum(stats, `${group}.${i}.${field}`);
  return sum;
}

describeLab("virt-top's CSV on the lab", () => {
  let lab: LabHandle;
  let home: string;
  beforeAll(async () => {
    lab = await ensureLab(GUESTS);
    home = mkdtempSync(join(tmpdir(), 'virtop-vt-lab-'));
  });
  afterAll(async () => {
    rmSync(home, { recursive: true, force: true });
    if (lab) await teardownLab(lab);
  });

  test('CPU, block and network deltas lie inside the counters read around the run; memory is the balloon', async () => {
    const file = join(home, 'vt.csv');
    const before = new Map(await Promise.all(GUESTS.map(async (g) => [g, await domstats(g)] as const)));
    const r = await runCompat(['-c', LAB_CONNECT, '--script', '--csv', file, '-n', '4', '-d', '1'], home);
    const after = new Map(await Promise.all(GUESTS.map(async (g) => [g, await domstats(g)] as const)));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const csv = readVirtTopCsv(readFileSync(file, 'utf8'));
    expect(csv.rows).toHaveLength(4);
    const hostKiB = Number(/Memory size:\s+(\d+) KiB/.exec(await virsh(['-c', LAB_CONNECT, 'nodeinfo']))?.[1]);
    expect(csv.rows[1].host['Total hardware memory (KB)']).toBe(String(hostKiB));

    for (const g of GUESTS) {
      const a = before.get(g)!;
      const b = after.get(g)!;
      const rows = csv.rows.slice(1).map((row) => row.domains.find((d) => d['Domain name'] === g));
      for (const d of rows) expect(d, `${g} in every row`).toBeDefined();
      const sum = (col: string) => rows.reduce((s, d) => s + Number(d![col]), 0);
      const inside = (what: string, got: number, lo: number, hi: number) => {
        expect(got, `${g} ${what}`).toBeGreaterThanOrEqual(0);
        expect(got, `${g} ${what}`).toBeLessThanOrEqual(hi - lo);
      };
      inside('CPU (ns)', sum('CPU (ns)'), statNum(a, 'cpu.time'), statNum(b, 'cpu.time'));
      inside('Block RDRQ', sum('Block RDRQ'), deviceSum(a, 'block', 'rd.reqs'), deviceSum(b, 'block', 'rd.reqs'));
      inside('Block WRRQ', sum('Block WRRQ'), deviceSum(a, 'block', 'wr.reqs'), deviceSum(b, 'block', 'wr.reqs'));
      inside('Net RXBY', sum('Net RXBY'), deviceSum(a, 'net', 'rx.bytes'), deviceSum(b, 'net', 'rx.bytes'));
      inside('Net TXBY', sum('Net TXBY'), deviceSum(a, 'net', 'tx.bytes'), deviceSum(b, 'net', 'tx.bytes'));
      expect(sum('CPU (ns)'), `${g} ran`).toBeGreaterThan(0);
      for (const d of rows) {
        // the balloon in KiB under virt-top's "bytes" header, and its whole percent of the host
        expect(d!['Mem (bytes)']).toBe(String(statNum(b, 'balloon.current')));
        expect(d!['%Mem']).toBe(String(Math.floor((100 * statNum(b, 'balloon.current')) / hostKiB)));
        expect(d!['Domain ID']).toBe(String(statNum(b, 'state.state') === 1 ? Number((await virsh(['-c', LAB_CONNECT, 'domid', g])).trim()) : ''));
      }
    }
    // each guest's load shows in its own columns
    const busy = (g: string, col: string) => csv.rows.slice(1).reduce((s, row) => s + Number(row.domains.find((d) => d['Domain name'] === g)![col]), 0);
    expect(busy(LAB_GUESTS.disk, 'Block RDRQ') + busy(LAB_GUESTS.disk, 'Block WRRQ')).toBeGreaterThan(0);
    expect(busy(LAB_GUESTS.net, 'Net TXBY')).toBeGreaterThan(0);
  }, 120_000);
});
