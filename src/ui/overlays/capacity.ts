// The capacity pane (c) as an overlay: it scrolls; any other key closes it
// and then does its usual job (through `run`, so this module needs no actions table).

import { Command, type Keymap } from '../keymap.js';
import type { ActionContext, Overlay, Reaction, UiState } from '../state-types.js';

const ok = (s: UiState): [UiState, Reaction] => [s, {}];

/** The capacity pane scrolls with ↑/↓; c or Esc closes it; any other key closes it and does its job. */
export function handleCapacity(
  s: UiState,
  o: Extract<Overlay, { kind: 'capacity' }>,
  key: string,
  keymap: Keymap,
  ctx: ActionContext,
  run: (cmd: Command, s: UiState, ctx: ActionContext) => [UiState, Reaction],
): [UiState, Reaction] {
  if (key === 'down' || key === 'j') return ok({ ...s, overlay: { ...o, scroll: o.scroll + 1 } });
  if (key === 'up' || key === 'k') return ok({ ...s, overlay: { ...o, scroll: Math.max(0, o.scroll - 1) } });
  const closed = { ...s, overlay: null };
  const cmd = keymap.get(key);
  if (key === 'escape' || cmd === Command.ToggleCapacity || cmd === undefined) return ok(closed);
  return run(cmd, closed, ctx);
}
