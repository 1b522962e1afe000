import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../../src/util/ring.js';
import { binSeries, brailleChart, chartLines, chartText, seriesMax } from '../../../src/ui/chart.js';
import { plainPalette, strip } from './fixture.js';

function ring(values: (number | null)[], cap = 100): RingBuffer {
  const r = new RingBuffer(cap);
  for (const v of values) r.push(v);
  return r;
}

describe('binSeries', () => {
  it('right-aligns short series', () => {
    expect(binSeries(ring([1, 2]), 4)).toEqual([null, null, 1, 2]);
  });

  it('averages long series per point, a point with only gaps is a gap', () => {
    expect(binSeries(ring([1, 3, null, null, 5, null]), 3)).toEqual([2, null, 5]);
  });

  it('handles an empty series', () => {
    expect(binSeries(ring([]), 3)).toEqual([null, null, null]);
    expect(seriesMax(ring([null, 4, 2]))).toBe(4);
  });
});

describe('brailleChart', () => {
  it('draws 0 on the baseline but nothing for a gap', () => {
    const g = brailleChart([{ data: ring([0, null]), role: 'chart.cpu' }], 1, 1, 100);
    // left dot column: bottom dot (0x40); right column (gap): nothing
    expect(chartText(g)).toEqual([String.fromCharCode(0x2800 + 0x40)]);
    const gap = brailleChart([{ data: ring([null, null, null, null]), role: 'chart.cpu' }], 2, 2, 100);
    expect(chartText(gap)).toEqual(['  ', '  ']);
  });

  it('puts the maximum on the top row and connects steep changes', () => {
    const g = brailleChart([{ data: ring([0, 100]), role: 'chart.cpu' }], 1, 2, 100);
    const t = chartText(g);
    // right column climbs from just above the left point to the top; left only at the bottom
    expect(t[0].charCodeAt(0) - 0x2800).toBe(0x08 | 0x10 | 0x20 | 0x80);
    expect(t[1].charCodeAt(0) - 0x2800).toBe(0x40 | 0x08 | 0x10 | 0x20);
  });

  it('fills the area under the line in area mode', () => {
    const g = brailleChart([{ data: ring([100, 100]), role: 'chart.cpu', area: true }], 1, 1, 100);
    expect(chartText(g)).toEqual(['⣿']);
  });

  it('renders lines of exactly the width', () => {
    const g = brailleChart([{ data: ring([1, 5, null, 7, 3, 2, 8]), role: 'chart.disk' }, { data: ring([2, 2, 2]), role: 'chart.disk.write' }], 10, 3, 8);
    const lines = chartLines(g, plainPalette());
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(strip(l)).toHaveLength(10);
  });
});
