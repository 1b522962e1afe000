// Draws a pane's precomputed lines straight into blessed's cell buffer.
//
// blessed's own box re-parses its whole content on every screen.render():
// it rescans every line for SGR sequences, cuts a substring per escape,
// reads code points cell by cell, and setContent first blanks the box so
// every line comes out dirty. At 200x60 that was over half of a frame. Here
// a line is turned into cells once, when its text changes, and a render
// only copies cells that differ from the screen buffer, so blessed's
// Screen.draw looks at (and writes) just the rows that really changed.
//
// The cells match what blessed's Element.render makes of the same text
// (same SGR decoding through screen.attrCode, same wide-character filler,
// same handling of combining marks and surrogate pairs), so the bytes sent
// to the terminal do not change.

import type { BlessedBox } from './blessed.js';
import type { Rect } from './layout.js';

/** The part of blessed's unicode module the cells need (blessed.unicode). */
export interface BlessedUnicode {
  chars: { all: RegExp; combining: RegExp };
  combining: Record<number, boolean | undefined>;
}

type Cell = [number, string];
type ScreenLine = Cell[] & { dirty?: boolean };

/** blessed internals the canvas writes to; not part of the typed surface in blessed.ts. */
interface ScreenInternals {
  lines: ScreenLine[];
  width: number;
  height: number;
  fullUnicode?: boolean;
  tabc?: string;
  renders?: number;
  program: { isiTerm2?: boolean };
  attrCode(code: string, cur: number, def: number): number;
}

interface BoxInternals {
  screen: ScreenInternals;
  hidden: boolean;
  style: object;
  lpos?: unknown;
  render: () => unknown;
  sattr(style: object): number;
}

interface ParsedLine {
  text: string;
  startAttr: number;
  dattr: number;
  width: number;
  attrs: number[];
  chars: string[];
  endAttr: number;
}

const STRAY_CONTROLS = /[\x00-\x08\x0b-\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;
const STRAY_ESC = /\x1b(?!\[[\d;]*m)/g;

// One string per character code: chart lines are mostly braille, and
// text[i] of a non-Latin-1 character is a fresh string every time.
const CHARS = new Map<number, string>();

function charOf(code: number): string {
  let s = CHARS.get(code);
  if (s === undefined) {
    s = String.fromCharCode(code);
    if (CHARS.size < 4096) CHARS.set(code, s);
  }
  return s;
}

/** Only printable ASCII and SGR sequences: nothing for blessed's content filters to change. */
function plainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x1b) || c >= 0x7f) return false;
  }
  return true;
}

export class LineCanvas {
  private lines: readonly string[] = [];
  private rect: Rect = { top: 0, left: 0, width: 0, height: 0 };
  private parsed: (ParsedLine | null)[] = [];
  // attrCode splits and re-reads the sequence on every call; lines repeat the same few.
  private readonly attrCache = new Map<string, Map<number, number>>();
  private attrCacheFor = -1;
  private readonly box: BoxInternals;

  constructor(
    box: BlessedBox,
    private readonly unicode: BlessedUnicode | null,
  ) {
    this.box = box as unknown as BoxInternals;
    this.box.render = () => this.render();
  }

  /** The lines to show in `rect` (each meant to be rect.width cells), drawn on the next screen.render(). */
  set(rect: Rect, lines: readonly string[]): void {
    this.rect = rect;
    this.lines = lines;
  }

  private attr(code: string, cur: number, dattr: number): number {
    let byCur = this.attrCache.get(code);
    if (byCur === undefined) {
      if (this.attrCache.size > 1024) this.attrCache.clear();
      byCur = new Map();
      this.attrCache.set(code, byCur);
    }
    // dattr is the box's style, fixed for a theme: it goes into the key only through the box.
    let a = byCur.get(cur);
    if (a === undefined) {
      a = this.box.screen.attrCode(code, cur, dattr);
      byCur.set(cur, a);
    }
    return a;
  }

  /** blessed's parseContent filters, for the lines that need them. */
  private filter(text: string): string {
    const screen = this.box.screen;
    let t = text.replace(STRAY_CONTROLS, '').replace(STRAY_ESC, '').replace(/\r\n|\r/g, '\n').replace(/\t/g, screen.tabc ?? '    ');
    const u = this.unicode;
    if (screen.fullUnicode && u) {
      // A wide character takes its cell and the next; the filler is what Screen.draw skips.
      t = t.replace(u.chars.all, '$1\x03');
      if (screen.program.isiTerm2) t = t.replace(u.chars.combining, '');
    }
    return t;
  }

  /** Index just past the SGR sequence starting at i, or -1 when there is none there. */
  private static sgrEnd(text: string, i: number): number {
    if (text.charCodeAt(i + 1) !== 0x5b) return -1;
    for (let j = i + 2; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 0x6d) return j + 1;
      if (c !== 0x3b && (c < 0x30 || c > 0x39)) return -1;
    }
    return -1;
  }

  /** Turns one line into cells, reusing `into`'s arrays when it has them. */
  private parse(raw: string, startAttr: number, dattr: number, width: number, into: ParsedLine | undefined): ParsedLine {
    const screen = this.box.screen;
    const text = plainAscii(raw) ? raw : this.filter(raw);
    const full = screen.fullUnicode === true && this.unicode !== null;
    const combining = this.unicode?.combining;
    const reuse = into !== undefined && into.width === width;
    const attrs: number[] = reuse ? into.attrs : new Array<number>(width);
    const chars: string[] = reuse ? into.chars : new Array<string>(width);
    let attr = startAttr;
    let x = 0;
    let i = 0;
    const n = text.length;
    // An SGR sequence at i changes the attributes and takes no cell.
    const skipSgr = (): boolean => {
      if (text.charCodeAt(i) !== 0x1b) return false;
      const end = LineCanvas.sgrEnd(text, i);
      if (end <= 0) return false;
      attr = this.attr(text.slice(i, end), attr, dattr);
      i = end;
      return true;
    };
    while (i < n && x < width) {
      const c = text.charCodeAt(i);
      if (c === 0x1b && skipSgr()) continue;
      i++;
      let ch: string;
      if (c === 0x09 || c === 0x0a) ch = ' ';
      else if (c < 0x80) ch = text[i - 1];
      else if (full && c >= 0x300 && (combining?.[c] || (c >= 0xd800 && c < 0xdc00))) {
        const cp = text.codePointAt(i - 1) as number;
        if (combining?.[cp]) {
          // Zero width: joins the previous cell.
          const mark = cp > 0xffff ? text.slice(i - 1, ++i) : text[i - 1];
          if (x > 0) chars[x - 1] += mark;
          continue;
        }
        ch = cp > 0xffff ? text.slice(i - 1, ++i) : charOf(c);
      } else ch = charOf(c);
      attrs[x] = attr;
      chars[x] = ch;
      x++;
    }
    // Past the width only the attributes still matter: they carry into the next line.
    while (i < n) {
      if (!skipSgr()) i++;
    }
    // A short line is filled with blanks in the attributes in force at its end.
    for (; x < width; x++) {
      attrs[x] = attr;
      chars[x] = ' ';
    }
    if (reuse) {
      into.text = raw;
      into.startAttr = startAttr;
      into.dattr = dattr;
      into.endAttr = attr;
      return into;
    }
    return { text: raw, startAttr, dattr, width, attrs, chars, endAttr: attr };
  }

  /** Replaces the box's Element.render: copies the cells that differ into the screen buffer. */
  private render(): void {
    const box = this.box;
    const screen = box.screen;
    const r = this.rect;
    if (box.hidden || r.width <= 0 || r.height <= 0) {
      delete box.lpos;
      return;
    }
    const xi = Math.max(0, r.left);
    const yi = Math.max(0, r.top);
    const xl = Math.min(screen.width, r.left + r.width);
    const yl = Math.min(screen.height, r.top + r.height);
    if (xl <= xi || yl <= yi) {
      delete box.lpos;
      return;
    }
    box.lpos = { xi, xl, yi, yl, base: 0, noleft: false, noright: false, notop: false, nobot: false, renders: screen.renders };
    const dattr = box.sattr(box.style);
    if (dattr !== this.attrCacheFor) {
      this.attrCache.clear();
      this.attrCacheFor = dattr;
    }
    const width = r.width;
    let attr = dattr;
    if (this.parsed.length !== r.height) this.parsed.length = r.height;
    for (let row = 0; row < r.height; row++) {
      const text = this.lines[row] ?? '';
      let p = this.parsed[row];
      if (!p || p.text !== text || p.startAttr !== attr || p.dattr !== dattr || p.width !== width) {
        p = this.parse(text, attr, dattr, width, p ?? undefined);
        this.parsed[row] = p;
      }
      attr = p.endAttr;
      const y = r.top + row;
      if (y < yi) continue;
      if (y >= yl) break;
      const line = screen.lines[y];
      if (!line) continue;
      const { attrs, chars } = p;
      let dirty = false;
      for (let x = xi; x < xl; x++) {
        const cell = line[x];
        if (!cell) break;
        const k = x - r.left;
        const a = attrs[k];
        const ch = chars[k];
        if (cell[0] !== a || cell[1] !== ch) {
          cell[0] = a;
          cell[1] = ch;
          dirty = true;
        }
      }
      if (dirty) line.dirty = true;
    }
  }
}
