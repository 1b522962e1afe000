import { describe, expect, it } from 'vitest';
import { computeLayout, headerHeight, MIN_COLS, MIN_ROWS } from '../../../src/ui/layout.js';

describe('computeLayout', () => {
  it.each([
    [80, 24, false],
    [79, 24, true],
    [80, 23, true],
    [60, 15, true],
    [200, 60, false],
  ])('%ix%i too small: %s', (c, r, small) => {
    expect(computeLayout(c, r, { hosts: 1, detailOpen: false, view: 'domains' }).tooSmall).toBe(small);
  });

  it('stacks header, table and status without gaps', () => {
    for (const [c, r, hosts, detail] of [
      [80, 24, 1, false],
      [80, 24, 1, true],
      [160, 50, 3, true],
      [200, 60, 9, true],
    ] as const) {
      const l = computeLayout(c, r, { hosts, detailOpen: detail, view: 'domains' });
      expect(l.header.top).toBe(0);
      expect(l.main.top).toBe(l.header.height);
      const after = l.detail ? l.detail.top + l.detail.height : l.main.top + l.main.height;
      if (l.detail) expect(l.detail.top).toBe(l.main.top + l.main.height);
      expect(after).toBe(l.status.top);
      expect(l.status.top).toBe(r - 1);
      expect(l.main.height).toBeGreaterThanOrEqual(6);
      expect(detail ? l.detail !== null : l.detail === null).toBe(true);
    }
  });

  it('gives no detail pane outside the domains view', () => {
    expect(computeLayout(160, 50, { hosts: 1, detailOpen: true, view: 'nics' }).detail).toBeNull();
  });

  it('caps host lines in the header', () => {
    expect(headerHeight(1)).toBe(2);
    expect(headerHeight(4)).toBe(5);
    expect(headerHeight(9)).toBe(6);
    expect([MIN_COLS, MIN_ROWS]).toEqual([80, 24]);
  });
});
