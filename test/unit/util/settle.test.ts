import { describe, expect, it } from 'vitest';

import { settleWithin } from '../../../src/util/settle.js';

const never = new Promise<never>(() => {});

describe('settleWithin', () => {
  it.each([
    { name: 'a promise that resolves', p: () => Promise.resolve(42) },
    { name: 'a promise that rejects (ignored)', p: () => Promise.reject(new Error('boom')) },
  ])('returns as soon as $name settles', async ({ p }) => {
    const t0 = performance.now();
    await expect(settleWithin(p(), 10_000)).resolves.toBeUndefined();
    expect(performance.now() - t0).toBeLessThan(5_000); // far below the bound: it did not wait for it
  });

  it('returns after the bound when the promise never settles', async () => {
    const t0 = performance.now();
    await settleWithin(never, 50);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
  });
});
