import type { StateName } from './sample.js';

// States in which a QEMU process exists and counters move (or are frozen, when paused).
const ACTIVE_STATES: ReadonlySet<StateName> = new Set(['running', 'blocked', 'paused', 'pmsuspended', 'shutdown', 'crashed']);

export function isActiveState(state: StateName): boolean {
  return ACTIVE_STATES.has(state);
}
