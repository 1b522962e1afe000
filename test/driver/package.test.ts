// What scripts/package.sh builds (#15). The npm package: installed with
// scripts disabled and no registry into a prefix of its own, it runs from
// outside the checkout with the prebuilt addon, and its install hook keeps
// that prebuild rather than compile. The one-file executable: run with an
// empty environment from outside the checkout, on the demo and on
// test:///default, it leaves nothing behind. The Debian package: its
// contents and metadata, installed on this machine (root, as CI runs), its
// /usr/bin/virtop, man page, completion and exporter unit checked, then
// purged without a trace.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run.js';
import { DEFAULT_BINDINGS } from '../../src/ui/keymap.js';
import { parseFrames } from '../helpers/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'virtop-package-'));
const prefix = join(dir, 'prefix');
const elsewhere = mkdtempSync(join(tmpdir(), 'virtop-cwd-'));
let tgz = '';
let exe = '';
let deb = '';

beforeAll(() => {
  const version = (JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: ROOT, encoding: 'utf8' })) as { version: string }).version;
  // dist/ and the addon are built already (setup); rebuilding them here would pull files from under other tests
  execFileSync('bash', ['scripts/package.sh'], { cwd: ROOT, env: { ...process.env, VIRTOP_PACKAGE_SKIP_BUILD: '1', VIRTOP_PACKAGE_OUT: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
  tgz = join(dir, `virtop-${version}.tgz`);
  exe = join(dir, `virtop-${version}-linux-x64`);
  deb = join(dir, `virtop_${version}_amd64.deb`);
  execFileSync('npm', ['install', '-g', '--prefix', prefix, '--ignore-scripts', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tgz], { cwd: elsewhere, stdio: ['ignore', 'ignore', 'pipe'] });
}, 300_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});

const installed = () => join(prefix, 'lib', 'node_modules', 'virtop');
const run = (args: string[]) =>
  spawnSync(join(prefix, 'bin', 'virtop'), args, { cwd: elsewhere, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: elsewhere }, timeout: 60_000 });

describe('the npm package', () => {
  it('carries the prebuilt addon, the built code and its runtime packages; not the sources or tests', () => {
    const files = execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' }).split('\n');
    expect(files).toContain('package/native/prebuilds/linux-x64/node.glibc.node');
    expect(files).toContain('package/dist/bundle/main.js');
    expect(files).toContain('package/demo/host.xml');
    expect(files).toContain('package/native/install.cjs');
    for (const dep of ['blessed', 'prom-client', 'yaml', 'bcryptjs', 'node-gyp-build']) expect(files).toContain(`package/node_modules/${dep}/package.json`);
    expect(files.filter((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toEqual([]);
  });

  it('runs from its prefix, outside the checkout: the demo as JSON, with the prebuilt addon', () => {
    const v = run(['--version']);
    expect(v.status).toBe(0);
    expect(v.stdout).toContain(`addon: prebuilt (${join(installed(), 'native', 'prebuilds', 'linux-x64', 'node.glibc.node')})`);
    const r = run(['--demo', '-b', '-n', '2', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(parseFrames(r.stdout)).toHaveLength(2);
    expect(parseFrames(r.stdout)[1].domains.length).toBe(16);
  });

  it('the install hook keeps the prebuild: nothing is compiled', () => {
    const r = spawnSync(process.execPath, ['native/install.cjs'], { cwd: installed(), encoding: 'utf8', env: { PATH: '/nonexistent' } });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(existsSync(join(installed(), 'native', 'build'))).toBe(false);
  });
});

describe('the one-file executable', () => {
  const bare = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(exe, args, { cwd: elsewhere, encoding: 'utf8', env, timeout: 60_000 });
  const leftovers = () => readdirSync(tmpdir()).filter((f) => /^virtop-run-[A-Za-z0-9]{6}$/.test(f) && statSync(join(tmpdir(), f)).isDirectory());

  it('runs with an empty environment (env -i) from outside the checkout: the demo and test:///default as JSON, nothing left in /tmp', () => {
    const before = leftovers();
    for (const target of [['--demo'], ['-c', 'test:///default']]) {
      const r = bare([...target, '-b', '-n', '2', '--json']);
      expect(r.stderr, target.join(' ')).toBe('');
      expect(r.status).toBe(0);
      const frames = parseFrames(r.stdout);
      expect(frames).toHaveLength(2);
      expect(frames[1].domains.length).toBe(target[0] === '--demo' ? 16 : 1);
    }
    expect(leftovers()).toEqual(before);
  });

  it('with a HOME, unpacks once into ~/.cache/virtop (0700) and says its addon is embedded', () => {
    const home = mkdtempSync(join(tmpdir(), 'virtop-home-'));
    try {
      const first = bare(['--version'], { HOME: home });
      expect(first.status).toBe(0);
      const cache = join(home, '.cache', 'virtop');
      const unpacked = readdirSync(cache);
      expect(unpacked).toHaveLength(1);
      expect(statSync(cache).mode & 0o777).toBe(0o700);
      expect(first.stdout).toContain(`addon: embedded in this executable (${join(cache, unpacked[0], 'native', 'virtop_libvirt.node')})`);
      expect(bare(['--version'], { HOME: home }).stdout).toBe(first.stdout);
      expect(readdirSync(cache)).toEqual(unpacked);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('the Debian package', () => {
  const FILES = [
    '/usr/bin/virtop',
    '/usr/share/man/man1/virtop.1.gz',
    '/usr/share/bash-completion/completions/virtop',
    '/lib/systemd/system/virtop-exporter.service',
    '/etc/default/virtop-exporter',
    '/etc/virtop/hosts',
    '/usr/share/doc/virtop/copyright',
    '/usr/share/doc/virtop/README.md',
    '/usr/share/doc/virtop/grafana-dashboard.json',
  ];
  const dpkg = (...args: string[]) => spawnSync('dpkg', args, { encoding: 'utf8' });
  const installedBefore = dpkg('-s', 'virtop').status === 0;

  afterAll(() => {
    if (!installedBefore) dpkg('--purge', 'virtop');
  });

  it('metadata and contents: Depends on libvirt0, the executable, man page, completion, unit, conffiles', () => {
    const info = execFileSync('dpkg-deb', ['-I', deb], { encoding: 'utf8' });
    expect(info).toMatch(/^ Package: virtop$/m);
    expect(info).toMatch(/^ Architecture: amd64$/m);
    expect(info).toMatch(/^ Depends: libvirt0, /m);
    const contents = execFileSync('dpkg-deb', ['-c', deb], { encoding: 'utf8' });
    for (const f of FILES) expect(contents).toContain(` .${f}\n`);
    expect(contents).toMatch(/^-rwxr-xr-x root\/root .* \.\/usr\/bin\/virtop$/m);
    expect(execFileSync('dpkg-deb', ['-f', deb, 'Version'], { encoding: 'utf8' }).trim()).toBe(deb.match(/virtop_(.+)_amd64/)![1]);
    const conffiles = execFileSync('sh', ['-c', `dpkg-deb --ctrl-tarfile '${deb}' | tar -xOf - ./conffiles`], { encoding: 'utf8' });
    expect(conffiles.trim().split('\n')).toEqual(['/etc/default/virtop-exporter', '/etc/virtop/hosts']);
  });

  it.skipIf(installedBefore || process.getuid?.() !== 0)('installed: /usr/bin/virtop runs the demo, man finds virtop(1) with every option and key, the unit verifies; purge leaves nothing', () => {
    const inst = dpkg('-i', deb);
    expect(inst.status, inst.stderr).toBe(0);
    const r = spawnSync('/usr/bin/virtop', ['--demo', '-b', '-n', '1'], { cwd: elsewhere, encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^16 domains, 13 active, 11 running, 2 paused, 3 inactive$/m);
    expect(execFileSync('man', ['-w', 'virtop'], { encoding: 'utf8' }).trim()).toBe('/usr/share/man/man1/virtop.1.gz');
    // every option --help lists, and every key's description, is in the page
    const page = execFileSync('sh', ['-c', 'zcat /usr/share/man/man1/virtop.1.gz'], { encoding: 'utf8' });
    const help = execFileSync('/usr/bin/virtop', ['--help'], { encoding: 'utf8' });
    const options = [...help.matchAll(/--([a-z][a-z.-]*)/g)].map((m) => m[1]);
    expect(options.length).toBeGreaterThan(20);
    for (const o of new Set(options)) expect(page, `--${o}`).toContain(`\\-\\-${o.replaceAll('-', '\\-')}`);
    expect(page).toContain('.SH KEYS');
    for (const b of Object.values(DEFAULT_BINDINGS)) expect(page, b.help).toContain(b.help);
    expect(page).toContain('.SH FILES');
    // the completion offers options, and a column after --sort
    const complete = (words: string[]) =>
      execFileSync('bash', ['-c', `source /usr/share/bash-completion/completions/virtop; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _virtop; echo "\${COMPREPLY[@]}"`], { encoding: 'utf8' }).trim();
    expect(complete(['virtop', '--record-m'])).toBe('--record-max-size --record-max-age');
    expect(complete(['virtop', '--sort', 'st'])).toBe('state steal');
    if (spawnSync('systemd-analyze', ['--version']).status === 0) {
      const v = spawnSync('systemd-analyze', ['verify', '/lib/systemd/system/virtop-exporter.service'], { encoding: 'utf8' });
      expect(v.stderr).toBe('');
      expect(v.status).toBe(0);
    }
    const purge = dpkg('--purge', 'virtop');
    expect(purge.status, purge.stderr).toBe(0);
    for (const f of [...FILES, '/etc/virtop', '/usr/share/doc/virtop']) expect(existsSync(f), f).toBe(false);
  });
});
