// Turns a theme into ready-made SGR strings per role, so drawing a cell is a
// string concatenation. Panes use a Palette; they never see colours.

import { PLAIN, ROLES, type Color, type Role, type Style, type Theme } from './roles.js';

const ESC = '\x1b[';

function colorParams(c: Color, bg: boolean): string {
  switch (c.kind) {
    case 'default':
      return bg ? '49' : '39';
    case 'ansi':
      return c.n < 8 ? String((bg ? 40 : 30) + c.n) : String((bg ? 100 : 90) + c.n - 8);
    case 'palette':
      return `${bg ? 48 : 38};5;${c.n}`;
    case 'rgb':
      return `${bg ? 48 : 38};2;${c.r};${c.g};${c.b}`;
  }
}

/** SGR sequence for a style; "" for the plain style. */
export function styleSgr(s: Style): string {
  const p: string[] = [];
  if (s.bold) p.push('1');
  if (s.underline) p.push('4');
  if (s.inverse) p.push('7');
  if (s.fg) p.push(colorParams(s.fg, false));
  if (s.bg) p.push(colorParams(s.bg, true));
  return p.length ? `${ESC}${p.join(';')}m` : '';
}

/** `over` on top of `base`: colours it sets win, attributes add up. */
export function mergeStyles(base: Style, over: Style): Style {
  return {
    fg: over.fg ?? base.fg,
    bg: over.bg ?? base.bg,
    bold: base.bold || over.bold,
    underline: base.underline || over.underline,
    inverse: base.inverse || over.inverse,
  };
}

/** A colour as blessed's style options take it (number, "#rrggbb"), or undefined for the terminal default. */
export function blessedColor(c: Color | null): number | string | undefined {
  if (!c) return undefined;
  switch (c.kind) {
    case 'default':
      return undefined;
    case 'ansi':
    case 'palette':
      return c.n;
    case 'rgb':
      return `#${[c.r, c.g, c.b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  }
}

/** "default" colours that the base already has need no sequence. */
function dropDefaults(s: Style, base: Style): Style {
  const fg = s.fg?.kind === 'default' && base.fg === null ? null : s.fg;
  const bg = s.bg?.kind === 'default' && base.bg === null ? null : s.bg;
  return fg === s.fg && bg === s.bg ? s : { ...s, fg, bg };
}

export class Palette {
  /** Ends a styled run and returns to the base style (text.fg on background.bg). */
  readonly reset: string;
  readonly base: string;
  private readonly sgr = new Map<string, string>();

  constructor(readonly theme: Theme) {
    const baseStyle = mergeStyles(theme.styles['text.fg'], theme.styles['background.bg']);
    // The terminal's own colours need no sequence: after a reset they are back.
    if (baseStyle.fg?.kind === 'default') baseStyle.fg = null;
    if (baseStyle.bg?.kind === 'default') baseStyle.bg = null;
    this.baseStyle = baseStyle;
    this.base = styleSgr(baseStyle);
    this.reset = `${ESC}0m${this.base}`;
    for (const r of ROLES) this.sgr.set(r, styleSgr(mergeStyles(baseStyle, dropDefaults(theme.styles[r], baseStyle))));
  }

  private readonly baseStyle: Style;

  style(role: Role): Style {
    return this.theme.styles[role] ?? PLAIN;
  }

  /** SGR that starts drawing in a role (on top of the base style). */
  open(role: Role): string {
    return this.sgr.get(role) as string;
  }

  /** SGR for several roles merged left to right (e.g. a row's selection then a cell's role). */
  combo(...roles: Role[]): string {
    const key = roles.join('+');
    let s = this.sgr.get(key);
    if (s === undefined) {
      let st = this.baseStyle;
      for (const r of roles) st = mergeStyles(st, dropDefaults(this.theme.styles[r], st));
      s = styleSgr(st);
      this.sgr.set(key, s);
    }
    return s;
  }

  /**
   * Text drawn in a role, then back to the base style. Called where the
   * base style is in force (every run ends with a reset), so no reset first.
   */
  paint(role: Role | null, text: string): string {
    if (role === null || text === '') return text;
    const o = this.open(role);
    return o === this.base ? text : `${o}${text}${this.reset}`;
  }

  /** Role for a percentage against the theme's thresholds. */
  gauge(percent: number): Role {
    if (percent >= this.theme.thresholds.crit) return 'gauge.crit';
    if (percent >= this.theme.thresholds.warn) return 'gauge.warn';
    return 'gauge.ok';
  }
}
