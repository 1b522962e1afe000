// What a key press or a mouse event does to the UI state, apart from
// drawing: the app hands in the state, the geometry it last drew (layout and
// the domain table's placed columns) and the action context, and applies the
// [state, reaction] that comes back. Row offsets come from the panes that
// draw the headers (TABLE_HEADER_ROWS, LIST_HEADER_ROWS), never from numbers
// written here.

import type { BlessedMouse } from './blessed.js';
import type { Keymap } from './keymap.js';
import type { Layout } from './layout.js';
import { TABLE_HEADER_ROWS } from './panes/domains.js';
import { LIST_HEADER_ROWS } from './panes/list.js';
import { handleKey, selectKey, sortBy } from './state.js';
import type { ActionContext, Reaction, UiState } from './state-types.js';
import { columnAt, type PlacedColumn } from './table.js';

/** Rows one turn of the mouse wheel moves. */
const WHEEL_ROWS = 3;

/** A normalized key name; on the too-small screen only quitting is taken. */
export function keyInput(s: UiState, name: string, keymap: Keymap, ctx: ActionContext, tooSmall: boolean): [UiState, Reaction] {
  const typing = s.overlay?.kind === 'prompt' || s.overlay?.kind === 'action-prompt';
  if (tooSmall && !typing) {
    if (name === 'q' || name === 'C-c' || name === 'f10') return [s, { quit: true }];
    return [s, { none: true }];
  }
  return handleKey(s, name, keymap, ctx);
}

/**
 * A mouse event over the last drawn frame: the wheel scrolls the main pane;
 * a click on the domain table's header sorts by that column, on a row
 * selects it (on the selected row: opens or closes its detail); in a list
 * view a click moves the cursor. Null: the event means nothing here.
 */
export function mouseInput(
  s: UiState,
  m: BlessedMouse,
  layout: Layout,
  placed: readonly PlacedColumn[],
  keymap: Keymap,
  ctx: ActionContext,
): [UiState, Reaction] | null {
  if (layout.tooSmall || s.overlay) return null;
  const main = layout.main;
  if (m.y < main.top || m.y >= main.top + main.height) return null;
  if (m.action === 'wheelup' || m.action === 'wheeldown') {
    const key = m.action === 'wheelup' ? 'up' : 'down';
    let [next, reaction] = handleKey(s, key, keymap, ctx);
    for (let i = 1; i < WHEEL_ROWS; i++) next = handleKey(next, key, keymap, ctx)[0];
    return [next, reaction];
  }
  if (m.action !== 'mousedown') return null;
  const row = m.y - main.top;
  if (s.view === 'domains') {
    if (row < TABLE_HEADER_ROWS) {
      const sortKey = columnAt(placed, m.x - main.left)?.def.sort?.(s.io);
      return sortKey ? [sortBy(s, sortKey), {}] : null;
    }
    const key = ctx.rowKeys[s.scroll + row - TABLE_HEADER_ROWS];
    if (key === undefined) return null;
    if (key === s.selectedKey) return [{ ...s, detailOpen: !s.detailOpen }, {}];
    return [selectKey(s, ctx, key), {}];
  }
  if (row < LIST_HEADER_ROWS) return null;
  const idx = s.listScroll[s.view] + row - LIST_HEADER_ROWS;
  if (idx >= ctx.listKeys.length) return null;
  return [{ ...s, listCursor: { ...s.listCursor, [s.view]: idx } }, {}];
}
