import type { Clock } from '../util/clock.js';

/** A call's result and when it happened: the midpoint and the duration, monotonic ns. */
export interface Timed<T> {
  value: T;
  monoNs: bigint;
  spanNs: bigint;
}

/** Runs a call and stamps it, so rates can use the time the reading was taken rather than the tick's. */
export async function timedCall<T>(clock: Clock, fn: () => Promise<T>): Promise<Timed<T>> {
  const t0 = clock.monoNs();
  const value = await fn();
  const t1 = clock.monoNs();
  return { value, monoNs: (t0 + t1) / 2n, spanNs: t1 - t0 };
}
