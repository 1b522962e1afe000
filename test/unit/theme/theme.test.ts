import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinThemeNames, chooseTheme, loadTheme, noColorRequested, ThemeError } from '../../../src/theme/load.js';
import { mergeStyles, Palette, styleSgr } from '../../../src/theme/palette.js';
import { PLAIN, ROLES } from '../../../src/theme/roles.js';
import { parseColor, parseStyle, validateThemeJson } from '../../../src/theme/validate.js';

const THEMES_DIR = fileURLToPath(new URL('../../../themes', import.meta.url));
const env = { themesDir: THEMES_DIR };

function tempTheme(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'virtop-theme-'));
  const p = join(dir, 'mine.json');
  writeFileSync(p, content);
  return p;
}

describe('parseColor / parseStyle', () => {
  it.each([
    ['default', { kind: 'default' }],
    ['red', { kind: 'ansi', n: 1 }],
    ['bright-cyan', { kind: 'ansi', n: 14 }],
    ['Gray', { kind: 'ansi', n: 8 }],
    ['208', { kind: 'palette', n: 208 }],
    ['#ff8000', { kind: 'rgb', r: 255, g: 128, b: 0 }],
    ['#f80', { kind: 'rgb', r: 255, g: 136, b: 0 }],
    ['256', null],
    ['#12345', null],
    ['bleu', null],
  ])('%s', (text, want) => {
    expect(parseColor(text)).toEqual(want);
  });

  it('reads colours, "on" backgrounds and attributes', () => {
    expect(parseStyle('#000000 on #ffaf00 bold')).toEqual({
      style: { fg: { kind: 'rgb', r: 0, g: 0, b: 0 }, bg: { kind: 'rgb', r: 255, g: 175, b: 0 }, bold: true, underline: false, inverse: false },
    });
    expect(parseStyle('')).toEqual({ style: PLAIN });
    expect(parseStyle('inverse underline')).toMatchObject({ style: { inverse: true, underline: true, fg: null } });
  });

  it.each([
    ['red blue', /two foreground colours/],
    ['red on', /needs a background colour/],
    ['blink', /unknown colour or attribute 'blink'/],
    ['on mauve', /unknown colour 'mauve'/],
  ])('rejects %j', (text, msg) => {
    const r = parseStyle(text);
    expect('error' in r && r.error).toMatch(msg);
  });
});

describe('validateThemeJson', () => {
  it('names every bad key', () => {
    const r = validateThemeJson({
      roles: { 'chart.cpu': 'bleu', 'chart.cpux': 'red', 'selection.bg': 'red bold', 'state.running': 3 },
      thresholds: { warn: 90, crit: 80, hot: 1 },
      colour: {},
    });
    expect('problems' in r).toBe(true);
    if (!('problems' in r)) return;
    const keys = r.problems.map((p) => p.key).sort();
    expect(keys).toEqual(['colour', 'roles.chart.cpu', 'roles.chart.cpux', 'roles.selection.bg', 'roles.state.running', 'thresholds.hot', 'thresholds.warn']);
  });

  it('rejects what is not an object', () => {
    expect(validateThemeJson([])).toEqual({ problems: [{ key: '', message: 'a theme must be a JSON object' }] });
  });
});

describe('built-in themes', () => {
  it('are the four documented ones', () => {
    expect(builtinThemeNames(env)).toEqual(['default', 'high-contrast', 'light', 'monochrome']);
  });

  it.each(['default', 'light', 'high-contrast', 'monochrome'])('%s defines every role itself and loads', (name) => {
    const raw = JSON.parse(readFileSync(join(THEMES_DIR, `${name}.json`), 'utf8'));
    const v = validateThemeJson(raw);
    expect(v).not.toHaveProperty('problems');
    expect(Object.keys(raw.roles).sort()).toEqual([...ROLES].sort());
    const r = loadTheme(name, env);
    expect(r).toHaveProperty('theme');
  });

  it('monochrome uses no colour at all', () => {
    const r = loadTheme('monochrome', env);
    if (!('theme' in r)) throw new Error('monochrome did not load');
    for (const role of ROLES) {
      const s = r.theme.styles[role];
      expect([s.fg?.kind ?? 'default', s.bg?.kind ?? 'default']).toEqual(['default', 'default']);
    }
  });
});

describe('loadTheme', () => {
  it('fills roles a user theme leaves out from its base', () => {
    const p = tempTheme(JSON.stringify({ name: 'mine', extends: 'light', roles: { 'chart.cpu': 'red' } }));
    const r = loadTheme(p, env);
    if (!('theme' in r)) throw r.error;
    const light = loadTheme('light', env);
    if (!('theme' in light)) throw light.error;
    expect(r.theme.styles['chart.cpu'].fg).toEqual({ kind: 'ansi', n: 1 });
    expect(r.theme.styles['selection.bg']).toEqual(light.theme.styles['selection.bg']);
    expect(r.theme.name).toBe('mine');
  });

  it('reports the file and the key of a broken theme', () => {
    const p = tempTheme(JSON.stringify({ roles: { 'gauge.crit': 'bold redd' } }));
    const r = loadTheme(p, env);
    expect('error' in r).toBe(true);
    if (!('error' in r)) return;
    expect(r.error).toBeInstanceOf(ThemeError);
    expect(r.error.message).toContain(p);
    expect(r.error.message).toContain('roles.gauge.crit');
    expect(r.error.message).toContain("'redd'");
  });

  it('reports invalid JSON with the file name', () => {
    const p = tempTheme('{ "roles": ');
    const r = loadTheme(p, env);
    expect('error' in r && r.error.message).toMatch(new RegExp(`theme file '${p}': not valid JSON`));
  });

  it('lists the built-in themes for an unknown name', () => {
    const r = loadTheme('solarized', env);
    expect('error' in r && r.error.message).toMatch(/unknown theme 'solarized' \(built-in themes: default, high-contrast, light, monochrome/);
  });

  it('names a missing path', () => {
    const r = loadTheme('/nonexistent/dir/t.json', env);
    expect('error' in r && r.error.message).toBe("theme file '/nonexistent/dir/t.json' does not exist");
  });

  it('rejects extends of a theme that is not built in', () => {
    const p = tempTheme(JSON.stringify({ extends: '../etc/x' }));
    const r = loadTheme(p, env);
    expect('error' in r && r.error.message).toMatch(/extends: must name a built-in theme/);
  });
});

describe('chooseTheme', () => {
  it('--theme wins over NO_COLOR and the config file', () => {
    expect(chooseTheme({ cliTheme: 'light', configTheme: 'high-contrast', noColor: true, env }).theme.name).toBe('light');
  });

  it('NO_COLOR gives monochrome unless --theme is given', () => {
    expect(chooseTheme({ cliTheme: null, configTheme: 'light', noColor: true, env }).theme.name).toBe('monochrome');
    expect(noColorRequested({ NO_COLOR: '1' })).toBe(true);
    expect(noColorRequested({ NO_COLOR: '' })).toBe(false);
    expect(noColorRequested({})).toBe(false);
  });

  it('a broken --theme throws; a broken config theme warns and falls back', () => {
    expect(() => chooseTheme({ cliTheme: 'nope', configTheme: null, noColor: false, env })).toThrow(ThemeError);
    const c = chooseTheme({ cliTheme: null, configTheme: 'nope', noColor: false, env });
    expect(c.theme.name).toBe('default');
    expect(c.warnings[0]).toMatch(/config theme: unknown theme 'nope'.*using the default theme/);
  });
});

describe('Palette', () => {
  it('emits SGR for colours and attributes', () => {
    expect(styleSgr(PLAIN)).toBe('');
    expect(styleSgr({ ...PLAIN, bold: true, fg: { kind: 'ansi', n: 1 }, bg: { kind: 'ansi', n: 12 } })).toBe('\x1b[1;31;104m');
    expect(styleSgr({ ...PLAIN, fg: { kind: 'palette', n: 208 }, bg: { kind: 'rgb', r: 1, g: 2, b: 3 } })).toBe('\x1b[38;5;208;48;2;1;2;3m');
    expect(mergeStyles({ ...PLAIN, bold: true, fg: { kind: 'ansi', n: 1 } }, { ...PLAIN, fg: { kind: 'ansi', n: 2 } })).toMatchObject({
      bold: true,
      fg: { kind: 'ansi', n: 2 },
    });
  });

  it('picks gauge roles by the theme thresholds', () => {
    const r = loadTheme('default', env);
    if (!('theme' in r)) throw r.error;
    const p = new Palette(r.theme);
    expect([p.gauge(10), p.gauge(60), p.gauge(85), p.gauge(100)]).toEqual(['gauge.ok', 'gauge.warn', 'gauge.crit', 'gauge.crit']);
    expect(p.paint('state.running', 'R')).toBe('\x1b[38;2;95;215;95mR\x1b[0m');
    // the terminal's own colours need no sequence in the base style
    expect(p.base).toBe('');
    expect(p.reset).toBe('\x1b[0m');
  });
});
