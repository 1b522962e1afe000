// What scripts/package.sh builds (#15). The npm package: installed with
// scripts disabled and no registry into a prefix of its own, it runs from
// outside the checkout with the prebuilt addon, and its install hook keeps
// that prebuild rather than compile. The one-file executable: run with an
// empty environment from outside the checkout, on the demo and on
// test:///default, it leaves nothing behind.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run.js';
import { parseFrames } from '../helpers/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'virtop-package-'));
const prefix = join(dir, 'prefix');
const elsewhere = mkdtempSync(join(tmpdir(), 'virtop-cwd-'));
let tgz = '';
let exe = '';

beforeAll(() => {
  const version = (JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: ROOT, encoding: 'utf8' })) as { version: string }).version;
  // dist/ and the addon are built already (setup); rebuilding them here would pull files from under other tests
  execFileSync('bash', ['scripts/package.sh'], { cwd: ROOT, env: { ...process.env, VIRTOP_PACKAGE_SKIP_BUILD: '1', VIRTOP_PACKAGE_OUT: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
  tgz = join(dir, `virtop-${version}.tgz`);
  exe = join(dir, `virtop-${version}-linux-x64`);
  execFileSync('npm', ['install', '-g', '--prefix', prefix, '--ignore-scripts', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tgz], { cwd: elsewhere, stdio: ['ignore', 'ignore', 'pipe'] });
}, 240_000);

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
    for (const dep of ['blessed', 'prom-client', 'yaml', 'bcryptjs', 'yargs', 'node-gyp-build']) expect(files).toContain(`package/node_modules/${dep}/package.json`);
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
