import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { atWallTime } from '../../../src/util/pace.js';

describe('atWallTime (virt-top --end-time)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('calls once the wall clock reaches the time, not before', () => {
    const fn = vi.fn();
    atWallTime(10_000, fn, 7_000);
    vi.advanceTimersByTime(2_999);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('a time already past calls at the next turn; a cancelled timer never calls', () => {
    const past = vi.fn();
    atWallTime(1_000, past, 5_000);
    const cancelled = vi.fn();
    atWallTime(6_000, cancelled, 5_000)();
    vi.advanceTimersByTime(0);
    expect(past).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(cancelled).not.toHaveBeenCalled();
  });
});
