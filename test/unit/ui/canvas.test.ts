// LineCanvas must leave blessed's cell buffer exactly as blessed's own box
// would with the same text, so the terminal sees the same bytes.

import { afterEach, describe, expect, it } from 'vitest';
import type { BlessedBox, BlessedScreen, loadBlessed } from '../../../src/ui/blessed.js';
import { LineCanvas, type BlessedUnicode } from '../../../src/ui/canvas.js';
import { restoreScreen } from '../../../src/ui/screen.js';
import { fakeScreen } from '../../helpers/fake-screen.js';

type Cells = [number, string][][];

let screen: BlessedScreen | null = null;

afterEach(() => {
  restoreScreen(screen);
  screen = null;
});

function setup(): { blessed: ReturnType<typeof loadBlessed>; screen: BlessedScreen; unicode: BlessedUnicode } {
  const fake = fakeScreen();
  screen = fake.screen;
  return { blessed: fake.blessed, screen: fake.screen, unicode: (fake.blessed as unknown as { unicode: BlessedUnicode }).unicode };
}

const E = '\x1b[';
const SAMPLES: string[][] = [
  [`${E}31mred${E}0m plain ${E}1;44mbold on blue${E}0m`, 'short', `${E}32mopen green carries`, 'into this line', `${E}0m`],
  ['⣿⣀⠉ braille │ box ▌▼…', `CJK 漢字かな wide ${E}33m黄色${E}0m end`, 'astral 😀 and 𠀋 here', 'e\u0301 combining a\u0308'],
  ['tab\there', 'ctl\x01\x02chars\x7f', `${E}35m${'x'.repeat(60)}${E}36m`, 'after a cut line'],
  [],
];

function cellsOf(s: BlessedScreen, top: number, left: number, w: number, h: number): Cells {
  const lines = (s as unknown as { lines: [number, string][][] }).lines;
  const out: Cells = [];
  for (let y = top; y < top + h; y++) out.push(lines[y].slice(left, left + w).map((c) => [c[0], c[1]]));
  return out;
}

function mkBox(blessed: ReturnType<typeof loadBlessed>, s: BlessedScreen, rect: { top: number; left: number; width: number; height: number }): BlessedBox {
  return blessed.box({ parent: s, ...rect, tags: false, wrap: false, style: { fg: 'white', bg: 'black' } });
}

describe('LineCanvas', () => {
  it.each(SAMPLES.map((lines, i) => [i, lines] as const))('matches blessed Element.render for sample %i', (_i, lines) => {
    const { blessed, screen: s, unicode } = setup();
    const rect = { top: 2, left: 3, width: 30, height: 6 };
    const plain = mkBox(blessed, s, rect);
    plain.setContent(lines.join('\n'));
    s.render();
    const expected = cellsOf(s, rect.top, rect.left, rect.width, rect.height);
    plain.destroy();
    s.realloc();
    const box = mkBox(blessed, s, rect);
    const canvas = new LineCanvas(box, unicode);
    canvas.set(rect, lines);
    s.render();
    expect(cellsOf(s, rect.top, rect.left, rect.width, rect.height)).toEqual(expected);
  });

  it('marks only the rows whose cells changed', () => {
    const { blessed, screen: s, unicode } = setup();
    const rect = { top: 0, left: 0, width: 40, height: 5 };
    const canvas = new LineCanvas(mkBox(blessed, s, rect), unicode);
    const lines = ['a', 'b', 'c', 'd', 'e'];
    canvas.set(rect, lines);
    s.render();
    const buf = (s as unknown as { lines: { dirty?: boolean }[] }).lines;
    canvas.set(rect, ['a', 'B', 'c', 'd', 'e']);
    for (const l of buf) l.dirty = false;
    (canvas as unknown as { render(): void }).render();
    expect(buf.slice(0, 5).map((l) => l.dirty === true)).toEqual([false, true, false, false, false]);
  });

  it('redraws what a hidden box uncovered', () => {
    const { blessed, screen: s, unicode } = setup();
    const under = { top: 0, left: 0, width: 40, height: 4 };
    const canvas = new LineCanvas(mkBox(blessed, s, under), unicode);
    canvas.set(under, ['row0', 'row1', 'row2', 'row3']);
    const over = { top: 1, left: 2, width: 10, height: 2 };
    const top = mkBox(blessed, s, over);
    const overCanvas = new LineCanvas(top, unicode);
    overCanvas.set(over, ['OVERLAY', 'OVERLAY']);
    s.render();
    expect(cellsOf(s, 1, 2, 7, 1)[0].map((c) => c[1]).join('')).toBe('OVERLAY');
    top.hide();
    s.render();
    expect(cellsOf(s, 1, 0, 4, 1)[0].map((c) => c[1]).join('')).toBe('row1');
    expect(cellsOf(s, 1, 4, 4, 1)[0].map((c) => c[1]).join('')).toBe('    ');
  });
});
