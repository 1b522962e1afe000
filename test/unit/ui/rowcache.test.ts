// Rows of the domain table are formatted again only when their data or look changed.

import { describe, expect, it } from 'vitest';
import { renderDomainTable, RowCache, sameData } from '../../../src/ui/panes/domains.js';
import { buildModel, makeFrame, palette } from './fixture.js';

const label = (u: string) => u;

describe('sameData', () => {
  it('compares primitives, bigints, arrays and plain objects by value', () => {
    expect(sameData({ a: 1, b: [1, { c: 2n }], d: null }, { a: 1, b: [1, { c: 2n }], d: null })).toBe(true);
    expect(sameData({ a: 1, b: [1, { c: 2n }] }, { a: 1, b: [1, { c: 3n }] })).toBe(false);
    expect(sameData({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameData({ a: 1, b: 2 }, { a: 1, c: 2 })).toBe(false);
    expect(sameData([1, 2], [1, 2, 3])).toBe(false);
    expect(sameData([], {})).toBe(false);
    expect(sameData(null, {})).toBe(false);
  });
});

describe('RowCache', () => {
  it('reuses a row when a new view object holds the same data, and rebuilds it when the look changes', () => {
    const cache = new RowCache();
    const { view } = buildModel(3);
    const d = view.domains[0];
    let builds = 0;
    const build = () => `row ${++builds}`;
    expect(cache.line(d, 'look', build)).toBe('row 1');
    cache.sweep();
    expect(cache.line(structuredClone(d), 'look', build)).toBe('row 1');
    cache.sweep();
    expect(cache.line({ ...d, cpuPercent: (d.cpuPercent ?? 0) + 1 }, 'look', build)).toBe('row 2');
    cache.sweep();
    expect(cache.line({ ...d, cpuPercent: (d.cpuPercent ?? 0) + 1 }, 'other look', build)).toBe('row 3');
    cache.sweep();
    // Not drawn in a frame: forgotten.
    cache.sweep();
    expect(cache.line(d, 'other look', build)).toBe('row 4');
  });

  it('gives the same table as no cache, frame after frame, selection moves included', () => {
    const { model, view } = buildModel(30);
    const cache = new RowCache();
    const f = makeFrame(model, view, {}, palette());
    const again = { ...f, view: structuredClone(view), rows: structuredClone(f.rows) };
    for (const frame of [f, again, { ...again, state: { ...again.state, selectedKey: again.rows[3].key } }]) {
      expect(renderDomainTable(frame, 160, 20, label, cache).lines).toEqual(renderDomainTable(frame, 160, 20, label).lines);
    }
  });
});
