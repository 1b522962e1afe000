// The CLI end to end: the built program against libvirt's test driver
// (the demo host), checking stdout, stderr and exit codes.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { assertBuilt, ROOT, runVirtop, runVirtopClosingPipe } from '../helpers/run.js';
import { parseFrames } from '../helpers/schema.js';

beforeAll(() => assertBuilt());

const ROW = /^\s+(\d+|-) [RBPDOXS?] /;

describe('virtop --version', () => {
  it('says the version and git revision, the libvirt loaded at run time, where the addon comes from, and Node', async () => {
    const r = await runVirtop(['--version']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    const lines = r.stdout.trimEnd().split('\n');
    // a checkout's build records its revision; a copy outside git has none to record
    const inGit = spawnSync('git', ['-C', ROOT, 'rev-parse', 'HEAD']).status === 0;
    const made = inGit ? 'git [0-9a-f]{12}(-dirty)?, built \\d{4}-\\d\\d-\\d\\d' : 'git revision unknown';
    expect(lines[0]).toMatch(new RegExp(`^virtop ${version.replaceAll('.', '\\.')} \\(${made}\\)$`));
    const libvirt = spawnSync('pkg-config', ['--modversion', 'libvirt'], { encoding: 'utf8' }).stdout.trim();
    expect(lines[1]).toBe(`libvirt ${libvirt} (the library loaded at run time)`);
    expect(lines[2]).toBe(`addon: built on this machine (${join(ROOT, 'native', 'build', 'Release', 'virtop_libvirt.node')})`);
    expect(lines[3]).toBe(`node ${process.versions.node} (Node-API ${process.versions.napi})`);
    expect(lines).toHaveLength(4);
  });
});

describe('titles and OpenStack metadata in --json', () => {
  it('the demo k8s nodes: their Nova instance, flavor, project and user; a plain guest: its title, openstack null', async () => {
    const r = await runVirtop(['--demo', '--json', '-n', '1']);
    expect(r.code).toBe(0);
    const doms = parseFrames(r.stdout)[0].domains as unknown as { name: string; title: string | null; openstack: unknown }[];
    const node = doms.find((d) => d.name === 'k8s-node-2')!;
    expect(node.title).toBe('Kubernetes worker');
    expect(node.openstack).toEqual({
      instanceName: 'k8s-worker-b',
      instanceUuid: '88c279d9-37c9-40fa-957d-cafd3a7cfb36',
      flavor: { name: 'k8s.worker.6c16g', vcpus: 6, memoryMiB: 16384, diskGiB: 60 },
      projectName: 'platform',
      projectId: '7d2b9e4f1a6c4e08b3d5f7a9c1e2b4d6',
      userName: 'ci-bot',
      userId: '0c5f1e7a9b2d4c68a1e3f5b7d9c0a2e4',
    });
    const web = doms.find((d) => d.name === 'web-01')!;
    expect(web).toMatchObject({ title: 'Public web frontend (nginx, php-fpm)', openstack: null });
  });
});

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
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('--connect');
    expect(r.stdout).toContain('--iterations');
  });

  it('an unreachable host is reported with libvirt’s reason, exit 1', async () => {
    const r = await runVirtop(['-b', '-n', '1', '-c', 'test:///no/such/file.xml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    // The first line is libxml2's own, printed by the library as libvirt parses the file.
    expect(r.stderr).toBe(
      'I/O warning : failed to load external entity "/no/such/file.xml"\n' +
        "virtop: test:///no/such/file.xml: cannot connect: XML error: failed to parse xml document '/no/such/file.xml'\n",
    );
  });

  it('an unwritable CSV path is a clear error', async () => {
    const r = await runVirtop(['--demo', '-n', '1', '--csv', '/nonexistent-dir/x.csv']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("virtop: cannot write CSV to '/nonexistent-dir/x.csv': ENOENT: no such file or directory, open '/nonexistent-dir/x.csv'\n");
  });
});

describe('virtop --demo batch output', () => {
  // A rate needs two readings whose timing is known well enough: on a loaded
  // machine a slow libvirt call can make one tick's rates unknowable, and
  // virtop then withholds them (null, "-") rather than show a wrong figure
  // (MAX_TIMING_UNCERTAINTY in src/model/rates.ts). These tests are about the
  // output's shape, so they take three ticks and check the first after the
  // opening one that has its rates; two withheld in a row would be a defect.
  it('prints at least 10 domains with rates on a frame after the first', async () => {
    const r = await runVirtop(['--demo', '-b', '-n', '3', '-d', '0.5']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const frames = r.stdout.split(/^virtop \d\d:\d\d:\d\d/m).filter((f) => f.trim());
    expect(frames).toHaveLength(3);
    const rowsOf = (f: string) => f.split('\n').filter((l) => ROW.test(l));
    const running = (f: string) => rowsOf(f).filter((l) => / R /.test(l));
    // Running domains have a %CPU number (not "-") once there are two samples.
    const hasRates = (f: string) => running(f).every((l) => / \d+\.\d /.test(l));
    const frame = frames.slice(1).find(hasRates);
    expect(frame, 'rates withheld on both frames after the first').toBeDefined();
    expect(rowsOf(frame!).length).toBeGreaterThanOrEqual(10);
    expect(running(frame!).length).toBeGreaterThanOrEqual(8);
    expect(frame).toMatch(/\d+ domains, \d+ active/);
  });

  it('--json gives one parseable object per tick with the documented fields', async () => {
    const r = await runVirtop(['--demo', '--json', '-n', '3', '-d', '0.5']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const ticks = parseFrames(r.stdout);
    expect(ticks).toHaveLength(3);
    const first = ticks[0];
    expect(first.hosts[0]).toMatchObject({ cpus: 32, mhz: 2600 });
    expect(typeof first.hosts[0].hostname).toBe('string');
    const web1 = (tick: { domains: { name: string }[] }) => tick.domains.find((d) => d.name === 'web-01') as Record<string, unknown>;
    expect(web1(first).cpuPercent).toBeNull(); // no rate before the second sample
    const second = ticks.slice(1).find((t) => web1(t).cpuPercent !== null);
    expect(second, 'rates withheld on both ticks after the first').toBeDefined();
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
    // Staging's disk filled up: paused on an I/O error, its first disk named; a guest paused by hand names none.
    type Paused = { name: string; state: string; stateReason: string; disks: { name: string; ioError: string | null }[] };
    for (const d of second.domains as Paused[]) {
      if (d.state !== 'paused') continue;
      const staging = d.name.startsWith('staging');
      expect(d.stateReason, d.name).toBe(staging ? 'ioerror' : 'user');
      expect(d.disks.map((k) => k.ioError), d.name).toEqual(d.disks.map((_, i) => (staging && i === 0 ? 'nospace' : null)));
    }
    expect((second.domains as Paused[]).some((d) => d.stateReason === 'ioerror')).toBe(true);
  });

  it('the demo’s guests report memory stats as real guests do: fresh stamps, no false STALE', async () => {
    const r = await runVirtop(['--demo', '--json', '-n', '1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const active = parseFrames(r.stdout)[0].domains.filter((d: { state: string }) => d.state === 'running' || d.state === 'paused');
    expect(active.length).toBeGreaterThan(10);
    for (const d of active) {
      expect(d.guestStats, d.name).toBe('ok');
      // demo/host.xml sets a 5 s stats period: a report is at most one period old
      expect(d.memStatsAgeSec, d.name).toBeGreaterThanOrEqual(0);
      expect(d.memStatsAgeSec, d.name).toBeLessThan(5);
    }
  });

  it('--csv FILE writes a header and one row per domain per tick', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtop-csv-'));
    const file = join(dir, 'out.csv');
    const r = await runVirtop(['--demo', '-n', '2', '-d', '0.3', '--csv', file]);
    expect(r.code).toBe(0);
    // The text frames still go to stdout, as with virt-top's --csv.
    expect(r.stdout.match(/^virtop \d\d:\d\d:\d\d/gm)).toHaveLength(2);
    expect(r.stderr).toBe('');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0].startsWith('time,host,id,name,uuid,state,cpuPercent')).toBe(true);
    const one = await runVirtop(['--demo', '--json', '-n', '1']);
    expect(one.stderr).toBe('');
    const domains = parseFrames(one.stdout)[0].domains.length;
    expect(lines.length).toBe(1 + 2 * domains);
  });

  it('a reader closing the pipe ends virtop quietly with status 0', async () => {
    const r = await runVirtopClosingPipe(['--demo', '--json', '-d', '0.2'], 10);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  // Node warns on stderr when an emitter collects listeners (a wait between
  // ticks used to leave one on the abort signal every tick). The in-process
  // counts and heap are checked in test/unit/app/batch.test.ts.
  it('250 ticks at 0.1 s: every tick printed, nothing on stderr', { timeout: 120_000 }, async () => {
    const r = await runVirtop(['--demo', '--json', '-n', '250', '-d', '0.1'], { timeoutMs: 110_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const frames = parseFrames(r.stdout);
    expect(frames).toHaveLength(250);
    for (const f of frames) expect(f.domains.length).toBeGreaterThan(10);
  });
});
