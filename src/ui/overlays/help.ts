// The help overlay (?): scrolls; any other key closes it, as in htop.

import type { ActionContext, Overlay, Reaction, UiState } from '../state-types.js';

const ok = (s: UiState): [UiState, Reaction] => [s, {}];

export function handleHelp(s: UiState, o: Extract<Overlay, { kind: 'help' }>, key: string, ctx: ActionContext): [UiState, Reaction] {
  switch (key) {
    case 'up':
    case 'k':
      return ok({ ...s, overlay: { ...o, scroll: Math.max(0, o.scroll - 1) } });
    case 'down':
    case 'j':
      return ok({ ...s, overlay: { ...o, scroll: o.scroll + 1 } });
    case 'pageup':
      return ok({ ...s, overlay: { ...o, scroll: Math.max(0, o.scroll - ctx.pageSize) } });
    case 'pagedown':
    case 'space':
      return ok({ ...s, overlay: { ...o, scroll: o.scroll + ctx.pageSize } });
    case 'C-c':
      return [s, { quit: true }];
    default:
      // Any other key closes help, as in htop.
      return ok({ ...s, overlay: null });
  }
}
