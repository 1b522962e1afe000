import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configPath, loadConfig, mergeSettings, saveConfig, validateConfig } from '../../../src/config/config.js';
import { checkInterval, formatInterval } from '../../../src/config/interval.js';

function home(): string {
  return mkdtempSync(join(tmpdir(), 'virtop-home-'));
}

describe('configPath', () => {
  it('uses $XDG_CONFIG_HOME when absolute, else ~/.config', () => {
    expect(configPath({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u')).toBe('/x/cfg/virtop/config.json');
    expect(configPath({}, '/home/u')).toBe('/home/u/.config/virtop/config.json');
    expect(configPath({ XDG_CONFIG_HOME: 'relative' }, '/home/u')).toBe('/home/u/.config/virtop/config.json');
    expect(configPath({ XDG_CONFIG_HOME: '' }, '/home/u')).toBe('/home/u/.config/virtop/config.json');
  });
});

describe('loadConfig', () => {
  it('gives defaults quietly when there is no file', async () => {
    const r = await loadConfig(join(home(), 'none', 'config.json'));
    expect(r).toMatchObject({ config: {}, warnings: [], found: false });
  });

  it.each([
    ['{"sort": "mem", "interval": 1', /not valid JSON/],
    ['', /the file is empty/],
    ['[1,2]', /expected a JSON object/],
  ])('warns about a corrupt file (%j) and uses defaults', async (text, msg) => {
    const p = join(home(), 'config.json');
    writeFileSync(p, text);
    const r = await loadConfig(p);
    expect(r.config).toEqual({});
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain(p);
    expect(r.warnings[0]).toMatch(msg);
  });

  it('keeps the good fields of a partly wrong file', async () => {
    const p = join(home(), 'config.json');
    writeFileSync(p, JSON.stringify({ sort: 'mem', reverse: 'yes', interval: 0.01, columns: ['id', 'name'], theme: 'light', extra: 1 }));
    const r = await loadConfig(p);
    expect(r.config).toEqual({ sort: 'mem', columns: ['id', 'name'], theme: 'light' });
    expect(r.warnings.join('\n')).toMatch(/"reverse" must be true or false/);
    expect(r.warnings.join('\n')).toMatch(/"interval" below 0.1 s/);
    expect(r.warnings.join('\n')).toMatch(/"extra" is not a setting/);
  });

  it.each<[string, unknown, { warn: number; crit: number } | null]>([
    ['disk latency marks', { warn: 5, crit: 50 }, { warn: 5, crit: 50 }],
    ['fractions of a ms', { warn: 0.5, crit: 2.5 }, { warn: 0.5, crit: 2.5 }],
    ['warn not below crit', { warn: 50, crit: 50 }, null],
    ['a missing bound', { warn: 5 }, null],
    ['a negative bound', { warn: -1, crit: 5 }, null],
    ['an unknown field', { warn: 5, crit: 50, info: 1 }, null],
    ['not an object', 20, null],
  ])('"latencyMs": %s', (_what, value, expected) => {
    const r = validateConfig({ latencyMs: value }, '/c.json');
    expect(r.config.latencyMs ?? null).toEqual(expected);
    expect(r.warnings).toEqual(expected ? [] : ['/c.json: "latencyMs" must be {"warn": MS, "crit": MS} with 0 < warn < crit (ms per request); ignored']);
  });

  it('reports an unreadable path without throwing', async () => {
    const dir = join(home(), 'config.json');
    mkdirSync(dir);
    const r = await loadConfig(dir);
    expect(r.warnings[0]).toMatch(/cannot read it/);
  });
});

describe('saveConfig', () => {
  it('writes atomically into a new directory and reads back', async () => {
    const p = configPath({}, home());
    await saveConfig(p, { sort: 'time', reverse: true, interval: 0.5, columns: ['id', 'cpu', 'name'], io: 'reqs' });
    const dir = join(p, '..');
    expect(readdirSync(dir)).toEqual(['config.json']);
    expect(JSON.parse(readFileSync(p, 'utf8'))).toEqual({ version: 1, sort: 'time', reverse: true, interval: 0.5, columns: ['id', 'cpu', 'name'], io: 'reqs' });
    const r = await loadConfig(p);
    expect(r.warnings).toEqual([]);
    expect(r.config).toEqual({ sort: 'time', reverse: true, interval: 0.5, columns: ['id', 'cpu', 'name'], io: 'reqs' });
    // overwriting leaves no temp file behind
    await saveConfig(p, { sort: 'cpu' });
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('fails with the file name when the directory cannot be made', async () => {
    const h = home();
    writeFileSync(join(h, 'blocker'), '');
    await expect(saveConfig(join(h, 'blocker', 'virtop', 'config.json'), {})).rejects.toThrow(/cannot write .*blocker\/virtop\/config.json/);
  });
});

describe('mergeSettings', () => {
  const cli = { delaySec: 2, sort: 'cpu' as const, reverse: false, theme: null, explicit: { delay: false, sort: false, reverse: false } };

  it('takes the file over built-in defaults', () => {
    const s = mergeSettings(cli, { interval: 5, sort: 'mem', reverse: true, theme: 'light', columns: ['id'] });
    expect(s).toEqual({ intervalSec: 5, sort: 'mem', reverse: true, theme: 'light', themeFromCli: false, columns: ['id'], io: 'bytes', keys: {}, keyLines: {}, latencyMs: null });
  });

  it('lets the command line win over the file', () => {
    const s = mergeSettings(
      { delaySec: 1, sort: 'name', reverse: false, theme: 'monochrome', explicit: { delay: true, sort: true, reverse: true } },
      { interval: 5, sort: 'mem', reverse: true, theme: 'light' },
    );
    expect(s).toMatchObject({ intervalSec: 1, sort: 'name', reverse: false, theme: 'monochrome', themeFromCli: true });
  });

  it('validateConfig ignores "version"', () => {
    expect(validateConfig({ version: 1 }, 'f')).toEqual({ config: {}, warnings: [] });
  });
});

describe('checkInterval', () => {
  it.each([
    ['2', 2],
    ['0.1', 0.1],
    [' 1.5 ', 1.5],
    ['86400', 86400],
  ])('accepts %j', (raw, v) => {
    expect(checkInterval(raw)).toEqual({ ok: true, seconds: v });
  });

  it.each([
    ['0', /above 0/],
    ['-1', /above 0/],
    ['abc', /above 0/],
    ['', /above 0/],
    ['86401', /at most 86400/],
    ['0.05', /below 0.1 s/],
    ['Infinity', /above 0/],
  ])('rejects %j', (raw, msg) => {
    const r = checkInterval(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(msg);
  });

  it('formats intervals compactly', () => {
    expect([formatInterval(2), formatInterval(0.5), formatInterval(90), formatInterval(3600), formatInterval(5430)]).toEqual(['2s', '0.5s', '1m30s', '1h', '1h30m30s']);
  });
});

describe('the keys section', () => {
  it('reads overrides (a key or a list), drops malformed entries with a message, and knows each entry’s line', async () => {
    const p = join(home(), 'config.json');
    const text = JSON.stringify({ sort: 'mem', keys: { quit: 'x', 'sort-cpu': ['c', 'C-p'], help: [], 'sort-mem': 7 } }, null, 2);
    writeFileSync(p, text);
    const r = await loadConfig(p);
    expect(r.config.keys).toEqual({ quit: ['x'], 'sort-cpu': ['c', 'C-p'] });
    expect(r.warnings).toEqual([
      `${p}: "keys.help" must be a key or a non-empty list of keys; its default keys stay`,
      `${p}: "keys.sort-mem" must be a key or a non-empty list of keys; its default keys stay`,
    ]);
    // line 1 is "{", 2 "sort", 3 "keys": {, 4 quit, 5 sort-cpu
    expect(r.keyLines).toEqual({ quit: 4, 'sort-cpu': 5 });
  });

  it('a keys value that is not an object is one warning', async () => {
    const { config, warnings } = validateConfig({ keys: ['q'] }, '/c.json');
    expect(config.keys).toBeUndefined();
    expect(warnings).toEqual(['/c.json: "keys" must map command names to a key or a list of keys, e.g. {"quit": ["q", "x"]}; ignored']);
  });

  it('mergeSettings passes the overrides and their lines on', () => {
    const cli = { delaySec: 2, sort: 'cpu' as const, reverse: false, theme: null, explicit: { delay: false, sort: false, reverse: false } };
    const s = mergeSettings(cli, { keys: { quit: ['x'] } }, { quit: 9 });
    expect(s.keys).toEqual({ quit: ['x'] });
    expect(s.keyLines).toEqual({ quit: 9 });
  });
});
