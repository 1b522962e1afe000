// Width-aware text helpers for the screen. Widths follow what blessed does
// with fullUnicode: CJK and other wide BMP characters and every astral
// character take two cells, combining marks none.

import { sanitizeForTerminal } from '../output/sanitize.js';

// Wide ranges as blessed's unicode.chars.wide treats them (BMP only; astral chars are all 2).
const WIDE_BMP: [number, number][] = [
  [0x1100, 0x115f],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3040, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
];

const COMBINING = /\p{M}/u;

/** Outside text (names, paths, errors) made safe to draw: no controls, no bidi tricks (the one rule batch output follows too). */
export const cleanText = sanitizeForTerminal;

export function charWidth(cp: number): number {
  if (cp < 0x300) return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? 0 : 1;
  if (cp > 0xffff) return 2;
  for (const [lo, hi] of WIDE_BMP) if (cp >= lo && cp <= hi) return 2;
  return COMBINING.test(String.fromCodePoint(cp)) ? 0 : 1;
}

/** Cells a string takes on screen (no escape sequences inside). */
export function displayWidth(s: string): number {
  let w = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      w++;
      continue;
    }
    const cp = s.codePointAt(i) as number;
    if (cp > 0xffff) i++;
    w += charWidth(cp);
  }
  return w;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

/** Cuts to at most `width` cells, ending with "…" when something was cut. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (isAscii(s)) return s.length <= width ? s : width === 1 ? '…' : `${s.slice(0, width - 1)}…`;
  if (displayWidth(s) <= width) return s;
  let w = 0;
  let out = '';
  for (const ch of s) {
    const cw = charWidth(ch.codePointAt(0) as number);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/**
 * Cuts to at most `width` cells keeping the end, starting with "…" when
 * something was cut: for paths, whose last part (the file) tells them apart.
 */
export function truncateStart(s: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(s) <= width) return s;
  const chars = [...s];
  let w = 0;
  let start = chars.length;
  while (start > 0) {
    const cw = charWidth(chars[start - 1].codePointAt(0) as number);
    if (w + cw > width - 1) break;
    w += cw;
    start--;
  }
  return `…${chars.slice(start).join('')}`;
}

/** Left-aligned in exactly `width` cells (cut with "…" when longer). */
export function padEnd(s: string, width: number): string {
  const t = truncate(s, width);
  const w = isAscii(t) ? t.length : displayWidth(t);
  return w >= width ? t : t + ' '.repeat(width - w);
}

/** Right-aligned in exactly `width` cells. */
export function padStart(s: string, width: number): string {
  const t = truncate(s, width);
  const w = isAscii(t) ? t.length : displayWidth(t);
  return w >= width ? t : ' '.repeat(width - w) + t;
}

/** Centred in exactly `width` cells. */
export function center(s: string, width: number): string {
  const t = truncate(s, width);
  const w = displayWidth(t);
  const left = Math.floor((width - w) / 2);
  return ' '.repeat(Math.max(0, left)) + t + ' '.repeat(Math.max(0, width - w - left));
}

const SGR = /\x1b\[[\d;]*m/g;

/** Width of a string that may hold SGR sequences. */
export function styledWidth(s: string): number {
  return displayWidth(s.replace(SGR, ''));
}

/**
 * Builds one screen line of exactly `width` cells out of styled runs. Runs
 * past the width are cut; the rest is padded with spaces in the base style.
 */
export class LineBuilder {
  private out = '';
  private used = 0;

  constructor(
    readonly width: number,
    private readonly reset: string,
  ) {}

  get remaining(): number {
    return this.width - this.used;
  }

  /** Adds text (already cleaned) in a style given as an SGR prefix ("" for the base style). */
  add(text: string, sgr = ''): this {
    if (this.used >= this.width || text === '') return this;
    const ascii = isAscii(text);
    let t = text;
    let w = ascii ? t.length : displayWidth(t);
    if (w > this.remaining) {
      t = ascii ? t.slice(0, this.remaining) : truncate(t, this.remaining);
      w = ascii ? t.length : displayWidth(t);
    }
    this.out += sgr ? `${sgr}${t}${this.reset}` : t;
    this.used += w;
    return this;
  }

  /** Appends text that already holds SGR sequences and takes exactly `width` cells. */
  raw(text: string, width: number): this {
    if (width <= this.remaining) {
      this.out += text;
      this.used += width;
    }
    return this;
  }

  /** Spaces up to column `col` (relative to the line). */
  padTo(col: number, sgr = ''): this {
    if (col > this.used) this.add(' '.repeat(Math.min(col, this.width) - this.used), sgr);
    return this;
  }

  /** Right-aligns text at the end of the line if it fits. */
  addRight(text: string, sgr = ''): this {
    const w = displayWidth(text);
    if (w <= this.remaining) {
      this.padTo(this.width - w);
      this.add(text, sgr);
    }
    return this;
  }

  toString(fill = ''): string {
    if (this.used < this.width) {
      const pad = ' '.repeat(this.width - this.used);
      return this.out + (fill ? `${fill}${pad}${this.reset}` : pad);
    }
    return this.out;
  }
}
