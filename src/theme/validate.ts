// Hand-written validation of theme files. Never throws: returns the theme or
// a list of problems, each naming the key it is about.

import { isBackgroundRole, isRole, PLAIN, ROLES, type Color, type Role, type Style, type Theme, type Thresholds } from './roles.js';

export interface ThemeProblem {
  /** JSON key the problem is about ("roles.chart.cpu", "thresholds.warn"), or "" for the whole file */
  key: string;
  message: string;
}

const ANSI_NAMES: Record<string, number> = {
  black: 0,
  red: 1,
  green: 2,
  yellow: 3,
  blue: 4,
  magenta: 5,
  cyan: 6,
  white: 7,
  gray: 8,
  grey: 8,
  'bright-black': 8,
  'bright-red': 9,
  'bright-green': 10,
  'bright-yellow': 11,
  'bright-blue': 12,
  'bright-magenta': 13,
  'bright-cyan': 14,
  'bright-white': 15,
};

export const COLOR_NAMES = Object.keys(ANSI_NAMES);
const ATTRIBUTES = new Set(['bold', 'underline', 'inverse']);

/** "default", an ANSI name, "#rgb", "#rrggbb" or a 256-palette index "0".."255". */
export function parseColor(text: string): Color | null {
  const t = text.trim().toLowerCase();
  if (t === 'default') return { kind: 'default' };
  if (t in ANSI_NAMES) return { kind: 'ansi', n: ANSI_NAMES[t] };
  if (/^\d{1,3}$/.test(t)) {
    const n = Number(t);
    return n <= 255 ? { kind: 'palette', n } : null;
  }
  let m = /^#([0-9a-f]{6})$/.exec(t);
  if (m) {
    const v = parseInt(m[1], 16);
    return { kind: 'rgb', r: (v >> 16) & 255, g: (v >> 8) & 255, b: v & 255 };
  }
  m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(t);
  if (m) return { kind: 'rgb', r: parseInt(m[1] + m[1], 16), g: parseInt(m[2] + m[2], 16), b: parseInt(m[3] + m[3], 16) };
  return null;
}

/**
 * Parses a style: words separated by spaces — at most one foreground colour,
 * "on COLOUR" for a background, and the attributes bold, underline, inverse.
 * "" is the plain style.
 */
export function parseStyle(text: string): { style: Style } | { error: string } {
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  const style: Style = { ...PLAIN };
  for (let i = 0; i < words.length; i++) {
    const w = words[i].toLowerCase();
    if (ATTRIBUTES.has(w)) {
      style[w as 'bold' | 'underline' | 'inverse'] = true;
      continue;
    }
    if (w === 'on') {
      const next = words[i + 1];
      if (next === undefined) return { error: `"on" needs a background colour after it` };
      const bg = parseColor(next);
      if (!bg) return { error: `unknown colour '${next}'` };
      style.bg = bg;
      i++;
      continue;
    }
    const fg = parseColor(w);
    if (!fg) {
      return {
        error: `unknown colour or attribute '${words[i]}' (colours: default, ${COLOR_NAMES.slice(0, 8).join(', ')}, bright-*, gray, #rrggbb or 0-255; attributes: bold, underline, inverse)`,
      };
    }
    if (style.fg) return { error: `two foreground colours ('${words[i]}'); use "on COLOUR" for a background` };
    style.fg = fg;
  }
  return { style };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface RawTheme {
  name: string | null;
  extends: string | null;
  roles: Partial<Record<Role, Style>>;
  thresholds: Partial<Thresholds>;
}

/** Checks the shape of a parsed theme file. Unknown keys are errors so typos are caught. */
export function validateThemeJson(json: unknown): { theme: RawTheme } | { problems: ThemeProblem[] } {
  const problems: ThemeProblem[] = [];
  if (!isObject(json)) return { problems: [{ key: '', message: 'a theme must be a JSON object' }] };
  const out: RawTheme = { name: null, extends: null, roles: {}, thresholds: {} };
  for (const [k, v] of Object.entries(json)) {
    switch (k) {
      case 'name':
      case 'description':
        if (typeof v !== 'string') problems.push({ key: k, message: 'must be a string' });
        else if (k === 'name') out.name = v;
        break;
      case 'extends':
        if (v !== null && typeof v !== 'string') problems.push({ key: k, message: 'must be the name of a built-in theme, or null' });
        else out.extends = v;
        break;
      case 'roles':
        if (!isObject(v)) {
          problems.push({ key: k, message: 'must be an object mapping role names to styles' });
          break;
        }
        for (const [role, value] of Object.entries(v)) {
          const key = `roles.${role}`;
          if (!isRole(role)) {
            problems.push({ key, message: `unknown role (known roles are listed in docs/themes.md)` });
            continue;
          }
          if (typeof value !== 'string') {
            problems.push({ key, message: 'must be a string such as "#87afff bold" or "cyan on black"' });
            continue;
          }
          const parsed = parseStyle(value);
          if ('error' in parsed) {
            problems.push({ key, message: parsed.error });
            continue;
          }
          const st = parsed.style;
          if (isBackgroundRole(role)) {
            if (st.bg || st.bold || st.underline || st.inverse) {
              problems.push({ key, message: 'a .bg role takes a single colour' });
              continue;
            }
            out.roles[role] = { ...PLAIN, bg: st.fg };
          } else out.roles[role] = st;
        }
        break;
      case 'thresholds':
        if (!isObject(v)) {
          problems.push({ key: k, message: 'must be an object {"warn": N, "crit": N}' });
          break;
        }
        for (const [tk, tv] of Object.entries(v)) {
          if (tk !== 'warn' && tk !== 'crit') {
            problems.push({ key: `thresholds.${tk}`, message: 'unknown threshold (warn, crit)' });
          } else if (typeof tv !== 'number' || !Number.isFinite(tv) || tv < 0 || tv > 100) {
            problems.push({ key: `thresholds.${tk}`, message: 'must be a percentage between 0 and 100' });
          } else out.thresholds[tk] = tv;
        }
        break;
      default:
        problems.push({ key: k, message: 'unknown key (expected name, description, extends, roles, thresholds)' });
    }
  }
  if (
    out.thresholds.warn !== undefined &&
    out.thresholds.crit !== undefined &&
    out.thresholds.warn > out.thresholds.crit
  ) {
    problems.push({ key: 'thresholds.warn', message: 'must not be above thresholds.crit' });
  }
  return problems.length ? { problems } : { theme: out };
}

export const DEFAULT_THRESHOLDS: Thresholds = { warn: 60, crit: 85 };

/** Lays a partial theme over a complete base. */
export function completeTheme(raw: RawTheme, base: Theme | null, source: string, fallbackName: string): Theme {
  const styles = {} as Record<Role, Style>;
  for (const r of ROLES) styles[r] = raw.roles[r] ?? base?.styles[r] ?? PLAIN;
  const thresholds = { ...(base?.thresholds ?? DEFAULT_THRESHOLDS), ...raw.thresholds };
  if (thresholds.warn > thresholds.crit) thresholds.warn = thresholds.crit;
  return { name: raw.name ?? fallbackName, source, styles, thresholds };
}
