// Finding and loading theme files. A theme is a built-in name (a file in
// themes/) or a path. User themes may be partial: roles they leave out come
// from the theme named in "extends" (by default the built-in "default").

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Theme } from './roles.js';
import { completeTheme, validateThemeJson, type ThemeProblem } from './validate.js';

export class ThemeError extends Error {
  constructor(
    /** the theme file, or the name that was asked for */
    readonly file: string,
    readonly problems: ThemeProblem[],
    message: string,
  ) {
    super(message);
    this.name = 'ThemeError';
  }
}

export interface ThemeFs {
  readFile(path: string): string;
  exists(path: string): boolean;
  list(dir: string): string[];
}

export const nodeThemeFs: ThemeFs = {
  readFile: (p) => readFileSync(p, 'utf8'),
  exists: (p) => existsSync(p),
  list: (d) => {
    try {
      return readdirSync(d);
    } catch {
      return [];
    }
  },
};

export interface ThemeEnv {
  themesDir: string;
  fs?: ThemeFs;
  cwd?: string;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function builtinThemeNames(env: ThemeEnv): string[] {
  const fs = env.fs ?? nodeThemeFs;
  return fs
    .list(env.themesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** Where a theme spec points: a built-in name or a file path. */
export function resolveThemeSpec(spec: string, env: ThemeEnv): { path: string; builtin: boolean } {
  if (NAME_RE.test(spec)) return { path: join(env.themesDir, `${spec}.json`), builtin: true };
  return { path: resolve(env.cwd ?? process.cwd(), spec), builtin: false };
}

function formatProblems(file: string, problems: ThemeProblem[]): string {
  const shown = problems.slice(0, 3).map((p) => (p.key ? `${p.key}: ${p.message}` : p.message));
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  return `theme file '${file}': ${shown.join('; ')}${more}`;
}

/** Loads and validates a theme. Never throws: problems come back as a ThemeError. */
export function loadTheme(spec: string, env: ThemeEnv, depth = 0): { theme: Theme } | { error: ThemeError } {
  const fs = env.fs ?? nodeThemeFs;
  const { path, builtin } = resolveThemeSpec(spec, env);
  if (!fs.exists(path)) {
    if (builtin) {
      const names = builtinThemeNames(env);
      return {
        error: new ThemeError(spec, [], `unknown theme '${spec}' (built-in themes: ${names.join(', ') || 'none found'}; or give the path of a .json file)`),
      };
    }
    return { error: new ThemeError(path, [], `theme file '${path}' does not exist`) };
  }
  let text: string;
  try {
    text = fs.readFile(path);
  } catch (e) {
    return { error: new ThemeError(path, [], `theme file '${path}': cannot read it: ${(e as Error).message}`) };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const problems = [{ key: '', message: `not valid JSON: ${(e as Error).message}` }];
    return { error: new ThemeError(path, problems, formatProblems(path, problems)) };
  }
  const checked = validateThemeJson(json);
  if ('problems' in checked) return { error: new ThemeError(path, checked.problems, formatProblems(path, checked.problems)) };
  const raw = checked.theme;
  const fallbackName = builtin ? spec : path;

  // The base: "extends" when given, else the built-in default (itself excepted).
  const baseName = raw.extends === null ? (builtin && spec === 'default' ? null : 'default') : raw.extends;
  if (baseName === null || baseName === 'none') return { theme: completeTheme(raw, null, path, fallbackName) };
  if (!NAME_RE.test(baseName)) {
    const problems = [{ key: 'extends', message: `must name a built-in theme, got '${baseName}'` }];
    return { error: new ThemeError(path, problems, formatProblems(path, problems)) };
  }
  if (depth >= 4) {
    const problems = [{ key: 'extends', message: 'themes extend each other too deeply (a loop?)' }];
    return { error: new ThemeError(path, problems, formatProblems(path, problems)) };
  }
  const base = loadTheme(baseName, env, depth + 1);
  if ('error' in base) {
    // A missing default is survivable (plain styles); a broken named base is the user's to fix.
    if (raw.extends === null && !fs.exists(join(env.themesDir, 'default.json'))) {
      return { theme: completeTheme(raw, null, path, fallbackName) };
    }
    const problems = [{ key: 'extends', message: base.error.message }];
    return { error: new ThemeError(path, problems, formatProblems(path, problems)) };
  }
  return { theme: completeTheme(raw, base.theme, path, fallbackName) };
}

export interface ThemeChoice {
  theme: Theme;
  /** problems that did not stop virtop (a bad theme named in the config file) */
  warnings: string[];
}

/**
 * Picks the theme: --theme wins (a broken one is an error for the CLI to
 * report), then NO_COLOR (monochrome), then the config file (a broken one is a
 * warning), then the built-in default.
 */
export function chooseTheme(opts: {
  cliTheme: string | null;
  configTheme: string | null;
  noColor: boolean;
  env: ThemeEnv;
}): ThemeChoice {
  const warnings: string[] = [];
  if (opts.cliTheme !== null) {
    const r = loadTheme(opts.cliTheme, opts.env);
    if ('error' in r) throw r.error;
    return { theme: r.theme, warnings };
  }
  let spec = opts.noColor ? 'monochrome' : (opts.configTheme ?? 'default');
  for (;;) {
    const r = loadTheme(spec, opts.env);
    if ('theme' in r) return { theme: r.theme, warnings };
    warnings.push(spec === opts.configTheme ? `config theme: ${r.error.message}; using the default theme` : r.error.message);
    if (spec === 'default' || spec === 'monochrome') break;
    spec = 'default';
  }
  return { theme: completeTheme({ name: 'plain', extends: null, roles: {}, thresholds: {} }, null, '(built-in)', 'plain'), warnings };
}

/** NO_COLOR (https://no-color.org): present and not empty. */
export function noColorRequested(env: NodeJS.ProcessEnv): boolean {
  return typeof env.NO_COLOR === 'string' && env.NO_COLOR !== '';
}
