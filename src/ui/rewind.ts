// Time travel in the screen: the rewind cursor through the kept history
// (live or replayed), and the replay controls (step, speed, jump) when the
// screen runs on a recording. Pure: actions return the new state and a
// reaction; the app carries the reaction out through UiHooks.replay.
//
// The rewind cursor is a moment (wall ms of a history slot), not a count of
// slots back: new ticks keep arriving while rewound and the cursor stays on
// the same moment until that moment falls off the history (then it shows
// the oldest slot kept).

import { clockText, parseDurationSec } from '../util/units.js';
import type { SeriesSource } from './chart.js';
import { Command } from './keymap.js';
import type { Action, ActionContext, Overlay, Reaction, ReplayStatus, StatusLevel, UiState } from './state-types.js';

export const REPLAY_SPEEDS = [1, 10, 60] as const;

export type TimeCommand =
  | Command.RewindBack
  | Command.RewindForward
  | Command.ReplayStepBack
  | Command.ReplayStepForward
  | Command.ReplayFaster
  | Command.ReplaySlower
  | Command.ReplaySpeedCycle
  | Command.ReplayJump;

// ---------------------------------------------------------------- cursor

/** Index of the slot the cursor `at` shows: the last slot taken at or before it, else the oldest. -1: no slots. */
export function cursorIndex(times: SeriesSource, at: number): number {
  const n = times.length;
  if (n === 0) return -1;
  for (let i = n - 1; i >= 0; i--) {
    const t = times.at(i);
    if (t !== null && t <= at) return i;
  }
  return 0;
}

/**
 * Moves the cursor `delta` slots (negative: back in time). `at` null is live
 * (the newest slot). Returns the new moment, or null when it lands on the
 * newest slot (live again).
 */
export function moveCursor(times: SeriesSource, at: number | null, delta: number): number | null {
  const n = times.length;
  if (n < 2) return null;
  const from = at === null ? n - 1 : cursorIndex(times, at);
  const to = Math.max(0, Math.min(n - 1, from + delta));
  if (to >= n - 1) return null;
  // A slot without a time (never: times are pushed with every sample) counts as live.
  return times.at(to);
}

/** Where the cursor is for one domain's history: null when live or when the history is too short. */
export interface RewindPoint {
  index: number;
  length: number;
  atMs: number;
  /** newest slot's time: "now" for the relative label */
  newestMs: number;
}

export function rewindPoint(times: SeriesSource | null | undefined, at: number | null | undefined): RewindPoint | null {
  if (at === null || at === undefined || !times || times.length < 2) return null;
  const index = cursorIndex(times, at);
  const atMs = times.at(index);
  const newestMs = times.at(times.length - 1);
  if (atMs === null || newestMs === null) return null;
  return { index, length: times.length, atMs, newestMs };
}

/** "−2.5s", "−2:35", "−1:02:03": how long before now. */
export function agoText(ms: number): string {
  if (ms < 9950) return `−${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  const sec = Math.round(ms / 1000);
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `−${h}:${String(m).padStart(2, '0')}:${ss}` : `−${m}:${ss}`;
}

/** "at 14:03:12 (−2:35)" */
export function rewindLabel(p: RewindPoint): string {
  return `at ${clockText(p.atMs)} (${agoText(p.newestMs - p.atMs)})`;
}

// ---------------------------------------------------------------- jump parsing

export type JumpResult = { ok: true; ms: number; note: string | null } | { ok: false; error: string };

/**
 * Reads what the J prompt got: `HH:MM[:SS]` (a time of day during the
 * recording) or `+5m`, `-30s`, `+1h30m`, `-90` (seconds) — any duration
 * the command line takes, signed — from the record
 * shown. A relative jump past either end stops at that end; a time of day
 * outside the recording is an error.
 */
export function parseJump(text: string, r: Pick<ReplayStatus, 'currentMs' | 'firstMs' | 'lastMs'>): JumpResult {
  const t = text.trim().toLowerCase();
  const range = `${clockText(r.firstMs)}–${clockText(r.lastMs)}`;
  const current = r.currentMs ?? r.firstMs;
  const rel = /^([+-])(.*)$/.exec(t);
  const relSec = rel ? parseDurationSec(rel[2]) : null;
  if (rel && relSec !== null) {
    const ms = relSec * 1000;
    const target = current + (rel[1] === '-' ? -ms : ms);
    if (target < r.firstMs) return { ok: true, ms: r.firstMs, note: `start of the recording (${clockText(r.firstMs)})` };
    if (target > r.lastMs) return { ok: true, ms: r.lastMs, note: `end of the recording (${clockText(r.lastMs)})` };
    return { ok: true, ms: target, note: null };
  }
  const abs = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (abs) {
    const [hh, mm, ss] = [Number(abs[1]), Number(abs[2]), abs[3] === undefined ? 0 : Number(abs[3])];
    if (hh > 23 || mm > 59 || ss > 59) return { ok: false, error: `'${text.trim()}' is not a time of day (HH:MM or HH:MM:SS)` };
    // The time names a whole second (or minute): it matches if that span overlaps the recording.
    const span = abs[3] === undefined ? 60_000 : 1000;
    let best: number | null = null;
    for (const dayOffset of [0, -1, 1]) {
      const d = new Date(current);
      d.setDate(d.getDate() + dayOffset);
      d.setHours(hh, mm, ss, 0);
      const start = d.getTime();
      if (start + span <= r.firstMs || start > r.lastMs) continue;
      if (best === null || Math.abs(start - current) < Math.abs(best - current)) best = start;
    }
    if (best === null) return { ok: false, error: `${text.trim()} is outside the recording (${range})` };
    return { ok: true, ms: Math.min(r.lastMs, Math.max(r.firstMs, best)), note: null };
  }
  return { ok: false, error: `use HH:MM[:SS] (recording runs ${range}), or +5m / -30s from here; got '${text.trim()}'` };
}

// ---------------------------------------------------------------- actions

const ok = (s: UiState): [UiState, Reaction] => [s, {}];

function status(s: UiState, text: string, level: StatusLevel, nowMs: number): UiState {
  return { ...s, status: { text, level, atMs: nowMs } };
}

function rewind(delta: number): Action {
  return (s, ctx) => {
    const times = ctx.times ?? null;
    const at = s.rewindAt ?? null;
    if (!times || times.length < 2) {
      const why = ctx.selected || s.selectedKey !== null ? 'no history kept yet for this domain' : 'no domain selected';
      return ok(status(s, `cannot rewind: ${why}`, 'info', ctx.nowMs));
    }
    if (at === null && delta > 0) return ok(status(s, 'already live (← goes back in time)', 'info', ctx.nowMs));
    const next = moveCursor(times, at, delta);
    // The cursor lives in the detail pane: show it.
    const detailOpen = s.view === 'domains' ? true : s.detailOpen;
    if (next === null) return ok(status({ ...s, rewindAt: null, detailOpen }, 'live', 'info', ctx.nowMs));
    return ok({ ...s, rewindAt: next, detailOpen });
  };
}

/** Leaves rewind (End): true when there was something to leave. */
export function isRewound(s: UiState): boolean {
  return s.rewindAt !== null && s.rewindAt !== undefined;
}

export function backToLive(s: UiState, nowMs: number): UiState {
  return status({ ...s, rewindAt: null }, 'live', 'info', nowMs);
}

function needsReplay(s: UiState, ctx: ActionContext): [UiState, Reaction] {
  return ok(status(s, 'only when replaying a recording (virtop --replay FILE)', 'info', ctx.nowMs));
}

function step(delta: 1 | -1): Action {
  return (s, ctx) => {
    const r = s.replay;
    if (!r) return needsReplay(s, ctx);
    if (delta < 0 && r.index <= 0) return ok(status({ ...s, paused: true }, 'at the first record', 'info', ctx.nowMs));
    if (delta > 0 && r.index >= r.length - 1) return ok(status({ ...s, paused: true }, 'at the last record (END)', 'info', ctx.nowMs));
    return [{ ...s, paused: true, rewindAt: null }, { time: { step: delta } }];
  };
}

function speed(pick: (cur: number) => number): Action {
  return (s, ctx) => {
    const r = s.replay;
    if (!r) return needsReplay(s, ctx);
    const x = pick(r.speed);
    return [status({ ...s, replay: { ...r, speed: x } }, `playback speed x${x}`, 'info', ctx.nowMs), { time: { speed: x } }];
  };
}

function nextSpeed(cur: number, dir: 1 | -1): number {
  const i = REPLAY_SPEEDS.findIndex((v) => v >= cur);
  const n = REPLAY_SPEEDS.length;
  if (i < 0) return dir > 0 ? REPLAY_SPEEDS[0] : REPLAY_SPEEDS[n - 1];
  // A speed between two steps (set elsewhere) goes to the nearer one in that direction.
  const base = REPLAY_SPEEDS[i] === cur || dir > 0 ? i : i - 1;
  return REPLAY_SPEEDS[(base + dir + n) % n];
}

export const TIME_ACTIONS: Record<TimeCommand, Action> = {
  [Command.RewindBack]: rewind(-1),
  [Command.RewindForward]: rewind(1),
  [Command.ReplayStepBack]: step(-1),
  [Command.ReplayStepForward]: step(1),
  [Command.ReplayFaster]: speed((c) => nextSpeed(c, 1)),
  [Command.ReplaySlower]: speed((c) => nextSpeed(c, -1)),
  [Command.ReplaySpeedCycle]: speed((c) => nextSpeed(c, 1)),
  [Command.ReplayJump]: (s, ctx) => {
    if (!s.replay) return needsReplay(s, ctx);
    return ok({ ...s, overlay: { kind: 'prompt', purpose: 'jump', text: '', error: null, previous: '' } });
  },
};

/** Keys of the J prompt: Enter jumps (or says what is wrong, prompt kept open), Esc cancels. */
export function handleJumpPrompt(
  s: UiState,
  o: Extract<Overlay, { kind: 'prompt' }>,
  key: string,
  ctx: ActionContext,
  edit: (text: string, key: string) => string | null,
): [UiState, Reaction] {
  if (key === 'escape' || key === 'C-c') return ok({ ...s, overlay: null });
  if (key === 'enter') {
    const r = s.replay;
    if (!r) return ok({ ...s, overlay: null });
    if (o.text.trim() === '') return ok({ ...s, overlay: { ...o, error: 'type a time: HH:MM[:SS], or +5m / -30s' } });
    const j = parseJump(o.text, r);
    if (!j.ok) return ok({ ...s, overlay: { ...o, error: j.error } });
    const text = j.note ? `jumped to the ${j.note}` : `jumped to ${clockText(j.ms)}`;
    return [status({ ...s, overlay: null, rewindAt: null }, text, 'ok', ctx.nowMs), { time: { seekMs: j.ms } }];
  }
  const text = edit(o.text, key);
  if (text === null) return [s, { none: true }];
  return ok({ ...s, overlay: { ...o, text, error: null } });
}

/** The replay's state as the source reports it, merged in; the same object when nothing changed. */
export function syncReplay(s: UiState, r: ReplayStatus): UiState {
  const cur = s.replay;
  const paused = !r.playing;
  if (
    cur &&
    s.paused === paused &&
    cur.index === r.index &&
    cur.length === r.length &&
    cur.speed === r.speed &&
    cur.playing === r.playing &&
    cur.currentMs === r.currentMs &&
    cur.firstMs === r.firstMs &&
    cur.lastMs === r.lastMs
  )
    return s;
  return { ...s, replay: { ...r }, paused };
}

/** The replay reached its last record and stopped. */
export function replayEnded(r: ReplayStatus): boolean {
  return !r.playing && r.index >= r.length - 1;
}
