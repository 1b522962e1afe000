// The filter and refresh-interval prompts (and the text editing every prompt
// shares); the replay's jump prompt is rewind.ts's.

import { checkInterval, formatInterval } from '../../config/interval.js';
import { handleJumpPrompt } from '../rewind.js';
import { withStatus } from '../selection.js';
import type { ActionContext, Overlay, Reaction, UiState } from '../state-types.js';

const ok = (s: UiState): [UiState, Reaction] => [s, {}];

/** Text editing shared by the filter and interval prompts. */
export function editPrompt(text: string, key: string): string | null {
  if (key === 'backspace') return text.slice(0, -1);
  if (key === 'C-u') return '';
  if (key === 'C-w') return text.replace(/\S+\s*$/, '');
  if (key === 'space') return `${text} `;
  if ([...key].length === 1) return text.length < 200 ? text + key : text;
  return null;
}

export function handlePrompt(s: UiState, o: Extract<Overlay, { kind: 'prompt' }>, key: string, ctx: ActionContext): [UiState, Reaction] {
  if (o.purpose === 'jump') return handleJumpPrompt(s, o, key, ctx, editPrompt);
  if (o.purpose === 'filter') {
    if (key === 'escape') return ok({ ...s, overlay: null, filter: '' });
    if (key === 'enter') return ok({ ...s, overlay: null });
    const text = editPrompt(o.text, key);
    if (text === null) return [s, { none: true }];
    // Incremental: the table follows every keystroke; the selection goes back to the top match.
    return ok({ ...s, overlay: { ...o, text }, filter: text, selectedKey: null, selectedIndex: 0, scroll: 0 });
  }
  if (key === 'escape') return ok({ ...s, overlay: null });
  if (key === 'enter') {
    const c = checkInterval(o.text);
    if (!c.ok) return ok({ ...s, overlay: { ...o, error: `interval ${c.reason}, got '${o.text.trim()}'` } });
    const next = withStatus({ ...s, overlay: null, intervalSec: c.seconds }, `refreshing every ${formatInterval(c.seconds)}`, 'ok', ctx.nowMs);
    return [next, { setIntervalSec: c.seconds }];
  }
  const text = editPrompt(o.text, key);
  if (text === null) return [s, { none: true }];
  return ok({ ...s, overlay: { ...o, text, error: null } });
}
