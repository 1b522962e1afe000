import { describe, expect, it } from 'vitest';
import type { StateName } from '../../../src/types/sample.js';
import { stateLetter, stateReasonName } from '../../../src/types/state.js';

describe('stateReasonName', () => {
  // Codes from libvirt-domain.h (virDomainPausedReason and friends).
  it.each<[StateName, number | null, string | null]>([
    ['paused', 5, 'ioerror'],
    ['paused', 1, 'user'],
    ['paused', 10, 'crashed'],
    ['paused', 13, 'postcopy-failed'],
    ['running', 1, 'booted'],
    ['running', 5, 'unpaused'],
    ['shutoff', 2, 'destroyed'],
    ['shutoff', 8, 'daemon'],
    ['crashed', 1, 'panicked'],
    ['paused', 99, 'reason-99'],
    ['nostate', 0, 'unknown'],
    ['running', null, null],
  ])('%s %s → %s', (state, code, name) => {
    expect(stateReasonName(state, code)).toBe(name);
  });
});

describe('stateLetter', () => {
  it.each([
    ['running', 'R'],
    ['paused', 'P'],
    ['shutoff', 'O'],
    ['bogus', '?'],
  ])('%s → %s', (state, letter) => {
    expect(stateLetter(state)).toBe(letter);
  });
});
