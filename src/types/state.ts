import type { StateName } from './sample.js';

// States in which a QEMU process exists and counters move (or are frozen, when paused).
const ACTIVE_STATES: ReadonlySet<StateName> = new Set(['running', 'blocked', 'paused', 'pmsuspended', 'shutdown', 'crashed']);

export function isActiveState(state: StateName): boolean {
  return ACTIVE_STATES.has(state);
}

// One letter per state, as virt-top prints them (batch text and the table's S column).
const STATE_LETTER: Readonly<Record<StateName, string>> = {
  running: 'R',
  blocked: 'B',
  paused: 'P',
  shutdown: 'D',
  shutoff: 'O',
  crashed: 'X',
  pmsuspended: 'S',
  nostate: '?',
};

export function stateLetter(state: string): string {
  return Object.prototype.hasOwnProperty.call(STATE_LETTER, state) ? STATE_LETTER[state as StateName] : '?';
}

export function isStateName(state: string): state is StateName {
  return Object.prototype.hasOwnProperty.call(STATE_LETTER, state);
}
