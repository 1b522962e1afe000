// Bottom line: the prompt while one is open, else the latest message (a
// command's result, a host's error) on the left and sort/filter/position on
// the right.

import type { HostView } from '../../model/view.js';
import { shortHost } from '../../util/uri.js';
import type { Palette } from '../../theme/palette.js';
import type { Frame } from '../frame.js';
import { sortName } from '../state.js';
import { cleanText, LineBuilder } from '../text.js';
import { sortDescending } from './domains.js';
import type { StatusLevel } from '../state-types.js';

/** How long a command's message stays, ms (errors stay until replaced or the problem goes). */
export const MESSAGE_MS = 8000;

const LEVEL_ROLE = { info: 'status.info', ok: 'status.ok', warn: 'status.warn', error: 'status.error' } as const;

function hostProblem(hosts: readonly HostView[]): { text: string; level: StatusLevel } | null {
  for (const h of hosts) {
    if (h.status !== 'connected' || h.error) {
      const name = cleanText(h.hostname ?? shortHost(h.uri));
      return { text: `${name}: ${h.status === 'connected' ? '' : `${h.status}: `}${cleanText(h.error ?? 'no data')}`, level: h.status === 'failed' ? 'error' : 'warn' };
    }
  }
  return null;
}

export function renderPrompt(frame: Frame, width: number): string | null {
  const o = frame.state.overlay;
  const p = frame.palette;
  if (o?.kind === 'confirm') {
    const lb = new LineBuilder(width, p.reset);
    lb.add(cleanText(o.question), p.open('status.warn')).add(' █', p.open('prompt.fg'));
    lb.addRight(' y confirms, any other key cancels ', p.open('chart.label'));
    return lb.toString();
  }
  if (o?.kind === 'action-prompt') {
    const lb = new LineBuilder(width, p.reset);
    lb.add(cleanText(o.label), p.open('prompt.fg'));
    lb.add(cleanText(o.text)).add('█', p.open('prompt.fg'));
    if (o.error) lb.add(`  ${cleanText(o.error)}`, p.open('status.error'));
    else lb.addRight(` [${o.persist ? 'x' : ' '}] also save to config (Tab) │ Enter applies, Esc cancels `, p.open('chart.label'));
    return lb.toString();
  }
  if (o?.kind !== 'prompt') return null;
  const lb = new LineBuilder(width, p.reset);
  const label = o.purpose === 'filter' ? 'Filter: ' : o.purpose === 'jump' ? 'Jump to (HH:MM[:SS], +5m, -30s): ' : 'Refresh interval (seconds): ';
  lb.add(label, p.open('prompt.fg'));
  lb.add(cleanText(o.text)).add('█', p.open('prompt.fg'));
  if (o.error) lb.add(`  ${cleanText(o.error)}`, p.open('status.error'));
  else lb.addRight(o.purpose === 'filter' ? ' Enter keeps, Esc clears ' : o.purpose === 'jump' ? ' Enter jumps, Esc cancels ' : ' Enter sets, Esc cancels ', p.open('chart.label'));
  return lb.toString();
}

export function renderStatus(frame: Frame, width: number, p: Palette = frame.palette): string {
  const prompt = renderPrompt(frame, width);
  if (prompt !== null) return prompt;
  const { state, rows, view } = frame;
  const lb = new LineBuilder(width, p.reset);
  const msg = state.status && (state.status.level === 'error' || frame.nowMs - state.status.atMs < MESSAGE_MS) ? state.status : null;
  const problem = msg ?? hostProblem(view.hosts);
  // Right side first so the message gets what is left.
  const right: string[] = [];
  if (state.filter) right.push(`filter '${cleanText(state.filter)}'`);
  right.push(`sort ${sortName(state.sort)} ${sortDescending(state.sort, state.reverse) ? '▼' : '▲'}`);
  if (state.view === 'domains' && rows.length) {
    const idx = state.selectedKey === null ? 0 : Math.max(0, rows.findIndex((d) => d.key === state.selectedKey));
    right.push(`${idx + 1}/${rows.length}${rows.length !== view.domains.length ? ` of ${view.domains.length}` : ''}`);
  }
  const rightText = ` ${right.join(' │ ')} `;
  const leftRoom = Math.max(0, width - rightText.length);
  const left = new LineBuilder(leftRoom, p.reset);
  if (problem) left.add(cleanText(problem.text), p.open(LEVEL_ROLE[problem.level]));
  else left.add('? help  / filter  Enter detail  1-6 H L views  c capacity  Space tag  Z pause  s S p b v act  q quit', p.open('chart.label'));
  lb.raw(left.toString(), leftRoom);
  lb.add(rightText, p.open('chart.label'));
  return lb.toString();
}
