// The CLI end to end: the built program against libvirt's test driver
// (the demo host), checking stdout, stderr and exit codes.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runVirtop, runVirtopClosingPipe } from '../helpers/run.js';

beforeAll(() => assertBuilt());

const ROW = /^\s+(\d+|-) [RBPDOXS?] /;

describe('virtop CLI argument errors', () => {
  it.each([
    [['-d', '0'], /--delay must be/],
    [['-d', '-1'], /delay/],
    [['-n', 'abc'], /--iterations must be a positive whole number/],
    [['--no-such-option'], /Unknown argument/i],
    [['-c', 'nonsense'], /not a libvirt URI/],
  ])('%j → one-line error, usage hint, exit 2', async (args, msg) => {
    const r = await runVirtop(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^virtop: /);
    expect(lines[0]).toMatch(msg);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('--help');
  });

  it('--help prints usage and exits 0', async () => {
    const r = await runVirtop(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--connect');
    expect(r.stdout).toContain('--iterations');
  });

  it('an unreachable host is reported with libvirt’s reason, exit 1', async () => {
    const r = await runVirtop(['-b', '-n', '1', '-c', 'test:///no/such/file.xml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/test:\/\/\/no\/such\/file\.xml: cannot connect: .+/);
  });

  it('an unwritable CSV path is a clear error', async () => {
    const r = await runVirtop(['--demo', '-n', '1', '--csv', '/nonexistent-dir/x.csv']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/cannot write CSV to '\/nonexistent-dir\/x.csv'/);
  });
});

describe('virtop --demo batch output', () => {
  it('prints at least 10 domains with rates on the second frame', async () => {
    const r = await runVirtop(['--demo', '-b', '-n', '2', '-d', '0.5']);
    expect(r.code).toBe(0);
    const frames = r.stdout.split(/^virtop \d\d:\d\d:\d\d/m).filter((f) => f.trim());
    expect(frames).toHaveLength(2);
    const rows = frames[1].split('\n').filter((l) => ROW.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(10);
    // Running domains have a %CPU number (not "-") on the second frame.
    const running = rows.filter((l) => / R /.test(l));
    expect(running.length).toBeGreaterThanOrEqual(8);
    for (const l of running) expect(l).toMatch(/ \d+\.\d /);
    expect(frames[1]).toMatch(/\d+ domains, \d+ active/);
  });

  it('--json gives one parseable object per tick with the documented fields', async () => {
    const r = await runVirtop(['--demo', '--json', '-n', '2', '-d', '0.5']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l));
    expect(first.hosts[0]).toMatchObject({ cpus: 32, mhz: 2600 });
    expect(typeof first.hosts[0].hostname).toBe('string');
    const web1 = (tick: { domains: { name: string }[] }) => tick.domains.find((d) => d.name === 'web-01') as Record<string, unknown>;
    expect(web1(first).cpuPercent).toBeNull(); // no rate before the second sample
    const d = web1(second);
    expect(typeof d.cpuPercent).toBe('number');
    expect(typeof d.rdBytesPerSec).toBe('number');
    expect(typeof d.rxBytesPerSec).toBe('number');
    expect(d.state).toBe('running');
    expect((d.disks as unknown[]).length).toBeGreaterThan(0);
    expect((d.nics as unknown[]).length).toBeGreaterThan(0);
    const off = second.domains.find((x: { state: string }) => x.state === 'shutoff');
    expect(off.cpuPercent).toBeNull();
    expect(off.id).toBeNull();

    // Each demo guest follows its role's workload (src/demo), not the test driver's shared clock.
    type Row = { name: string; state: string; cpuPercent: number; rdBytesPerSec: number; txBytesPerSec: number };
    const rows = second.domains as Row[];
    const byName = (n: string) => rows.find((x) => x.name === n)!;
    const running = rows.filter((x) => x.state === 'running');
    expect(new Set(running.map((x) => x.cpuPercent.toFixed(1))).size).toBeGreaterThanOrEqual(running.length - 3);
    expect(byName('db-primary').cpuPercent).toBeGreaterThan(10 * byName('mail-relay').cpuPercent);
    expect(byName('db-primary').rdBytesPerSec).toBeGreaterThan(byName('web-01').rdBytesPerSec);
    expect(byName('web-01').txBytesPerSec).toBeGreaterThan(byName('win2019-ad').txBytesPerSec);
    const paused = rows.find((x) => x.state === 'paused')!;
    expect(paused.cpuPercent).toBe(0);
  });

  it('--csv FILE writes a header and one row per domain per tick', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtop-csv-'));
    const file = join(dir, 'out.csv');
    const r = await runVirtop(['--demo', '-n', '2', '-d', '0.3', '--csv', file]);
    expect(r.code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0].startsWith('time,host,id,name,uuid,state,cpuPercent')).toBe(true);
    const domains = JSON.parse((await runVirtop(['--demo', '--json', '-n', '1'])).stdout).domains.length;
    expect(lines.length).toBe(1 + 2 * domains);
  });

  it('a reader closing the pipe ends virtop quietly with status 0', async () => {
    const r = await runVirtopClosingPipe(['--demo', '--json', '-d', '0.2'], 10);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
