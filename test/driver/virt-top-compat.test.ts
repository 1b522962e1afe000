// The virt-top compatible mode end to end, on libvirt's test driver: the
// built CLI started with --virt-top-compat or through a link named virt-top,
// its CSV read by the same by-position reader as virt-top's own file, and
// its figures checked against the counters libvirt gives just before and
// just after the run.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '../../src/libvirt/index.js';
import { assertBuilt, BIN, ROOT, runVirtop, type RunResult } from '../helpers/run.js';
import { readVirtTopCsv } from '../helpers/virt-top-csv.js';
import { DEFAULT_DOMAIN, DEFAULT_URI } from './helpers/env.js';

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'virtop-vt-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The run, with HOME in the temporary directory so no real ~/.virt-toprc is read. */
const compat = (args: string[], env: NodeJS.ProcessEnv = {}) => runVirtop(['--virt-top-compat', ...args], { env: { HOME: dir, ...env }, timeoutMs: 30_000 });

function runAs(program: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(program, args, { cwd: ROOT, env: { ...process.env, HOME: dir }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: unknown }).code : 0;
      resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
    });
  });
}

const fixture = (name: string) => readFileSync(new URL(`../fixtures/virt-top/${name}`, import.meta.url), 'utf8');

describe('virtop --virt-top-compat on test:///default', () => {
  it("--script --csv: virt-top's columns, and deltas that add up to libvirt's counters over the run", async () => {
    const file = join(dir, 'default.csv');
    const c = await Connection.open(DEFAULT_URI, { readonly: true });
    // The test driver's counters follow the wall clock, so one connection's
    // readings before and after bracket everything the run saw.
    const [info0, blk0, net0] = [await c.domainInfo(DEFAULT_DOMAIN.uuid), await c.blockStats(DEFAULT_DOMAIN.uuid, 'vda'), await c.interfaceStats(DEFAULT_DOMAIN.uuid, 'testnet0')];
    const r = await compat(['-c', DEFAULT_URI, '--script', '--csv', file, '-n', '4', '-d', '0.3']);
    const [info1, blk1, net1] = [await c.domainInfo(DEFAULT_DOMAIN.uuid), await c.blockStats(DEFAULT_DOMAIN.uuid, 'vda'), await c.interfaceStats(DEFAULT_DOMAIN.uuid, 'testnet0')];
    await c.close();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(''); // --script: no display at all

    const text = readFileSync(file, 'utf8');
    const ours = readVirtTopCsv(text);
    const theirs = readVirtTopCsv(fixture('lab-default.csv'));
    expect(text.split('\n')[0]).toBe(fixture('lab-default.csv').split('\n')[0]);
    expect(ours.rows).toHaveLength(4);
    const hostRow = ours.rows[1].host;
    expect(Object.keys(hostRow)).toEqual(Object.keys(theirs.rows[1].host));
    // the test driver's host: 16 CPUs, 3 GiB; one running guest with a 2 GiB balloon
    expect(hostRow).toMatchObject({ Hostname: expect.any(String), Arch: 'i686', 'Physical CPUs': '16', Count: '1', Running: '1', Active: '1', Inactive: '0', 'Total hardware memory (KB)': '3145728', 'Total memory (KB)': '2097152' });
    expect(ours.rows[0].domains[0]).toEqual({ 'Domain ID': '1', 'Domain name': 'test', 'CPU (ns)': '0.', '%CPU': '0.', 'Mem (bytes)': '0', '%Mem': '0', 'Block RDRQ': '', 'Block WRRQ': '', 'Net RXBY': '', 'Net TXBY': '' });

    const later = ours.rows.slice(1).map((row) => row.domains[0]);
    const total = (col: string) => later.reduce((s, d) => s + BigInt(d[col].replace(/\.$/, '')), 0n);
    for (const d of later) {
      expect(d['Mem (bytes)']).toBe('2097152'); // the balloon in KiB, as virt-top writes it
      expect(d['%Mem']).toBe('66'); // 2 GiB of 3, whole
      // %CPU is CPU (ns) over 16 CPUs' time in the interval: the interval it implies is the tick's
      const impliedSec = (Number(d['CPU (ns)']) * 100) / (Number(d['%CPU']) * 16) / 1e9;
      expect(impliedSec).toBeGreaterThan(0.2);
      expect(impliedSec).toBeLessThan(1.5);
    }
    // the deltas of ticks 2..4 lie inside the before/after window
    const within = (sum: bigint, before: bigint, after: bigint) => {
      expect(sum).toBeGreaterThan(0n);
      expect(sum).toBeLessThanOrEqual(after - before);
    };
    within(total('CPU (ns)'), info0.cpuTimeNs, info1.cpuTimeNs);
    within(total('Block RDRQ'), blk0.rdReq!, blk1.rdReq!);
    within(total('Net RXBY'), net0.rxBytes!, net1.rxBytes!);
    // and the host's Total CPU time is the guests' sum, row by row
    for (const row of ours.rows) expect(row.host['Total CPU time (ns)']).toBe(row.domains[0]['CPU (ns)'].replace(/\.$/, ''));
  });

  it('--stream: one text block per refresh on stdout; --no-csv-* drop their columns', async () => {
    const file = join(dir, 'narrow.csv');
    const r = await compat(['-c', DEFAULT_URI, '--stream', '--csv', file, '--no-csv-mem', '--no-csv-block', '--no-csv-net', '-n', '2', '-d', '0.3']);
    expect(r.code).toBe(0);
    const blocks = r.stdout.split(/(?=^virt-top time)/m);
    expect(blocks).toHaveLength(2);
    for (const b of blocks) {
      const lines = b.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^virt-top time {2}\d\d:\d\d:\d\d Host \S+ i686 16\/16CPU 1400MHz 3072MB $/);
      expect(lines[1]).toBe(fixture('lab-stream.txt').split('\n')[1]);
      // TIME overflows its 9 characters here as in virt-top: the test driver's CPU time counts from 1970
      expect(lines[2]).toMatch(/^ {4}1 R .{4} .{4} .{4} .{4} .{4} .{4} .{9,} test$/);
    }
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('Hostname,Time,Arch,Physical CPUs,Count,Running,Blocked,Paused,Shutdown,Shutoff,Crashed,Active,Inactive,%CPU,Total hardware memory (KB),Total memory (KB),Total guest memory (KB),Total CPU time (ns),Domain ID,Domain name,CPU (ns),%CPU');
  });

  it('started through a link named virt-top, it is virt-top: its options, its help', async () => {
    const link = join(dir, 'virt-top');
    symlinkSync(BIN, link);
    const r = await runAs(link, ['-c', DEFAULT_URI, '--stream', '-n', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^virt-top time /);
    const help = await runAs(link, ['--help']);
    expect(help.stdout).toContain('--no-csv-block');
    const bad = await runAs(link, ['--json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("virtop: unknown option '--json'\nTry 'virt-top --help' for the options.\n");
  });

  it('~/.virt-toprc is read; an item virtop has no use for is named, the run goes on', async () => {
    writeFileSync(join(dir, '.virt-toprc'), '# written by hand\nconnect test:///default\nstream true\niterations 1\nfancy-colours on\n');
    const r = await compat([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`virtop: ${join(dir, '.virt-toprc')}:5: configuration item 'fancy-colours' ignored\n`);
    expect(r.stdout).toMatch(/^virt-top time /);
    rmSync(join(dir, '.virt-toprc'));
  });

  it('--end-time stops a run that has no -n', async () => {
    const t0 = Date.now();
    const r = await compat(['-c', DEFAULT_URI, '--stream', '-d', '0.3', '--end-time', '+1']);
    expect(r.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.stdout.match(/^virt-top time/gm)!.length).toBeGreaterThanOrEqual(2);
  });

  it('-b prints virtop\'s own text frames, sorted as -o asks', async () => {
    const r = await compat(['-c', DEFAULT_URI, '-b', '-n', '1', '-o', 'name']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ID S RDRQ WRRQ RXBY TXBY/);
    expect(r.stdout).toMatch(/ test$/m);
  });
});
