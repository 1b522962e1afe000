import { describe, expect, it } from 'vitest';
import type { BlessedMouse } from '../../../src/ui/blessed.js';
import { keyInput, mouseInput } from '../../../src/ui/input.js';
import { buildKeymap } from '../../../src/ui/keymap.js';
import type { Layout } from '../../../src/ui/layout.js';
import { initialState } from '../../../src/ui/state.js';
import type { ActionContext, UiState } from '../../../src/ui/state-types.js';
import type { PlacedColumn } from '../../../src/ui/table.js';
import { COLUMN_BY_ID } from '../../../src/ui/table.js';

const { keymap } = buildKeymap();
// The main pane starts on row 2 (two header lines) and is 10 rows high.
const LAYOUT: Layout = {
  cols: 80,
  rows: 14,
  tooSmall: false,
  header: { top: 0, left: 0, width: 80, height: 2 },
  main: { top: 2, left: 0, width: 80, height: 10 },
  detail: null,
  status: { top: 13, left: 0, width: 80, height: 1 },
};
// ID in cells 0-4, NAME in 5-24, %CPU in 25-30.
const PLACED: PlacedColumn[] = [
  { def: COLUMN_BY_ID.get('id')!, x: 0, width: 5 },
  { def: COLUMN_BY_ID.get('name')!, x: 5, width: 20 },
  { def: COLUMN_BY_ID.get('cpu')!, x: 25, width: 6 },
];
const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'];
const ctx: ActionContext = { rowKeys: KEYS, pageSize: 9, listKeys: ['n0', 'n1', 'n2', 'n3'], sortCycle: ['id', 'cpu', 'name'], nowMs: 1000 };
const start = (over: Partial<UiState> = {}): UiState => ({ ...initialState({ sort: 'name', reverse: false, intervalSec: 2 }), selectedKey: 'a', ...over });
const click = (x: number, y: number): BlessedMouse => ({ x, y, action: 'mousedown', button: 'left' });

describe('mouse input', () => {
  it('a click on the table header sorts by that column; again flips the order', () => {
    const [s] = mouseInput(start(), click(27, 2), LAYOUT, PLACED, keymap, ctx)!;
    expect([s.sort, s.reverse]).toEqual(['cpu', false]);
    const [again] = mouseInput(s, click(26, 2), LAYOUT, PLACED, keymap, ctx)!;
    expect([again.sort, again.reverse]).toEqual(['cpu', true]);
  });

  it('a click on a row selects it (rows start under the one header row, from the scroll position)', () => {
    // y=3 is the first row; with the table scrolled by 4 it is the fifth domain.
    expect(mouseInput(start(), click(10, 3), LAYOUT, PLACED, keymap, ctx)![0].selectedKey).toBe('a');
    expect(mouseInput(start(), click(10, 5), LAYOUT, PLACED, keymap, ctx)![0].selectedKey).toBe('c');
    expect(mouseInput(start({ scroll: 4 }), click(10, 3), LAYOUT, PLACED, keymap, ctx)![0].selectedKey).toBe('e');
  });

  it('a click on the selected row opens its detail, another closes it', () => {
    const [open] = mouseInput(start(), click(10, 3), LAYOUT, PLACED, keymap, ctx)!;
    expect(open.detailOpen).toBe(true);
    expect(mouseInput(open, click(10, 3), LAYOUT, PLACED, keymap, ctx)![0].detailOpen).toBe(false);
  });

  it('the wheel moves three rows', () => {
    expect(mouseInput(start(), { x: 5, y: 6, action: 'wheeldown' }, LAYOUT, PLACED, keymap, ctx)![0].selectedKey).toBe('d');
    expect(mouseInput(start({ selectedKey: 'h' }), { x: 5, y: 6, action: 'wheelup' }, LAYOUT, PLACED, keymap, ctx)![0].selectedKey).toBe('e');
  });

  it('in a list view rows start under the title and the column header', () => {
    const s = start({ view: 'disks', listScroll: { ...start().listScroll, disks: 1 } });
    expect(mouseInput(s, click(3, 3), LAYOUT, PLACED, keymap, ctx)).toBeNull(); // the column header
    expect(mouseInput(s, click(3, 4), LAYOUT, PLACED, keymap, ctx)![0].listCursor.disks).toBe(1);
    expect(mouseInput(s, click(3, 6), LAYOUT, PLACED, keymap, ctx)![0].listCursor.disks).toBe(3);
    expect(mouseInput(s, click(3, 7), LAYOUT, PLACED, keymap, ctx)).toBeNull(); // past the last row
  });

  it('means nothing outside the main pane, past the last row, under an overlay or on a too-small screen', () => {
    expect(mouseInput(start(), click(10, 1), LAYOUT, PLACED, keymap, ctx)).toBeNull();
    expect(mouseInput(start(), click(10, 12), LAYOUT, PLACED, keymap, ctx)).toBeNull();
    expect(mouseInput(start({ scroll: 5 }), click(10, 11), LAYOUT, PLACED, keymap, ctx)).toBeNull(); // row 13 of 12
    expect(mouseInput(start({ overlay: { kind: 'help', scroll: 0 } }), click(10, 3), LAYOUT, PLACED, keymap, ctx)).toBeNull();
    expect(mouseInput(start(), click(10, 3), { ...LAYOUT, tooSmall: true }, PLACED, keymap, ctx)).toBeNull();
  });
});

describe('key input', () => {
  it('on a too-small screen only quitting is taken', () => {
    expect(keyInput(start(), 'q', keymap, ctx, true)[1]).toEqual({ quit: true });
    expect(keyInput(start(), 'M', keymap, ctx, true)).toEqual([start(), { none: true }]);
    expect(keyInput(start(), 'M', keymap, ctx, false)[0].sort).toBe('mem');
  });

  it('a prompt being typed into keeps its keys on a too-small screen', () => {
    const typing = start({ overlay: { kind: 'prompt', purpose: 'filter', text: '', error: null, previous: '' } });
    expect(keyInput(typing, 'q', keymap, ctx, true)[0].overlay).toMatchObject({ kind: 'prompt', text: 'q' });
  });
});
