// The column chooser (f): move, toggle a column, close.

import type { Overlay, Reaction, UiState } from '../state-types.js';
import { ALL_COLUMN_IDS } from '../table.js';

const ok = (s: UiState): [UiState, Reaction] => [s, {}];

export function handleColumns(s: UiState, o: Extract<Overlay, { kind: 'columns' }>, key: string): [UiState, Reaction] {
  const n = ALL_COLUMN_IDS.length;
  switch (key) {
    case 'up':
    case 'k':
      return ok({ ...s, overlay: { ...o, cursor: (o.cursor - 1 + n) % n } });
    case 'down':
    case 'j':
      return ok({ ...s, overlay: { ...o, cursor: (o.cursor + 1) % n } });
    case 'space':
    case 'enter':
    case 'x': {
      const id = ALL_COLUMN_IDS[o.cursor];
      if (id === 'name') return ok(s);
      const on = s.columns.includes(id);
      const wanted = new Set(on ? s.columns.filter((c) => c !== id) : [...s.columns, id]);
      return ok({ ...s, columns: ALL_COLUMN_IDS.filter((c) => wanted.has(c)) });
    }
    case 'escape':
    case 'f':
    case 'q':
      return ok({ ...s, overlay: null });
    default:
      return [s, { none: true }];
  }
}
