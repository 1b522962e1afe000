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

// Why a domain is in its state (libvirt's virDomain<State>Reason enums, by
// state; the names are the enums' own, lower case, '-' for '_'). Reasons
// added by a newer libvirt read as 'reason-N' rather than a guess.
const STATE_REASONS: Readonly<Partial<Record<StateName, readonly string[]>>> = {
  nostate: ['unknown'],
  running: ['unknown', 'booted', 'migrated', 'restored', 'from-snapshot', 'unpaused', 'migration-canceled', 'save-canceled', 'wakeup', 'crashed', 'postcopy', 'postcopy-failed'],
  blocked: ['unknown'],
  paused: ['unknown', 'user', 'migration', 'save', 'dump', 'ioerror', 'watchdog', 'from-snapshot', 'shutting-down', 'snapshot', 'crashed', 'starting-up', 'postcopy', 'postcopy-failed', 'api-error'],
  shutdown: ['unknown', 'user'],
  shutoff: ['unknown', 'shutdown', 'destroyed', 'crashed', 'migrated', 'saved', 'failed', 'from-snapshot', 'daemon'],
  crashed: ['unknown', 'panicked'],
  pmsuspended: ['unknown'],
};

/** The name of libvirt's reason code for a state; null when libvirt gave none. */
export function stateReasonName(state: StateName, code: number | null): string | null {
  if (code === null) return null;
  return STATE_REASONS[state]?.[code] ?? `reason-${code}`;
}
