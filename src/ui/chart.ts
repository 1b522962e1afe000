// Braille line/area charts drawn as text: each cell holds 2x4 dots, so a
// chart of W cells shows 2W points. Gaps (null) draw nothing — an unknown
// value never dips to 0 — while a real 0 draws on the baseline.

import type { Role } from '../theme/roles.js';
import type { Palette } from '../theme/palette.js';

export interface SeriesSource {
  readonly length: number;
  at(i: number): number | null;
}

export interface ChartSeries {
  data: SeriesSource;
  role: Role;
  /** fill down to the baseline instead of drawing a line */
  area?: boolean;
}

// Bit of the braille dot at row dy (0 top..3 bottom), column dx (0, 1) of a cell.
const DOT: readonly (readonly [number, number])[] = [
  [0x01, 0x08],
  [0x02, 0x10],
  [0x04, 0x20],
  [0x40, 0x80],
];

/**
 * Fits a series into `columns` points, newest on the right. Shorter series
 * are right-aligned (nulls on the left); longer ones are averaged per point,
 * a point with no known sample being a gap.
 */
export function binSeries(src: SeriesSource, columns: number): (number | null)[] {
  const n = src.length;
  const out: (number | null)[] = new Array(columns).fill(null);
  if (n === 0 || columns <= 0) return out;
  if (n <= columns) {
    const off = columns - n;
    for (let i = 0; i < n; i++) out[off + i] = src.at(i);
    return out;
  }
  for (let c = 0; c < columns; c++) {
    const lo = Math.floor((c * n) / columns);
    const hi = Math.floor(((c + 1) * n) / columns);
    let sum = 0;
    let k = 0;
    for (let i = lo; i < hi; i++) {
      const v = src.at(i);
      if (v !== null) {
        sum += v;
        k++;
      }
    }
    out[c] = k ? sum / k : null;
  }
  return out;
}

/** Largest known value of the last `count` samples (0 when none). */
export function seriesMax(src: SeriesSource): number {
  let m = 0;
  for (let i = 0; i < src.length; i++) {
    const v = src.at(i);
    if (v !== null && v > m) m = v;
  }
  return m;
}

export interface ChartGrid {
  width: number;
  height: number;
  /** braille bits per cell, row-major */
  bits: Uint8Array;
  /** index into series of the last series that drew in the cell, -1 for none */
  owner: Int8Array;
  roles: Role[];
}

export function brailleChart(series: readonly ChartSeries[], width: number, height: number, max: number): ChartGrid {
  const w = Math.max(0, width);
  const h = Math.max(0, height);
  const bits = new Uint8Array(w * h);
  const owner = new Int8Array(w * h).fill(-1);
  const dotRows = h * 4;
  const top = max > 0 ? max : 1;
  const level = (v: number) => (v <= 0 ? 0 : Math.min(dotRows - 1, Math.round((v / top) * (dotRows - 1))));
  series.forEach((s, si) => {
    const vals = binSeries(s.data, w * 2);
    const set = (x: number, y: number) => {
      const row = dotRows - 1 - y;
      const cell = (row >> 2) * w + (x >> 1);
      bits[cell] |= DOT[row & 3][x & 1];
      owner[cell] = si;
    };
    let prev: number | null = null;
    for (let x = 0; x < vals.length; x++) {
      const v = vals[x];
      if (v === null) {
        prev = null;
        continue;
      }
      const y = level(v);
      if (s.area) {
        for (let yy = 0; yy <= y; yy++) set(x, yy);
      } else if (prev !== null && Math.abs(prev - y) > 1) {
        // Join to the previous point so steep changes stay one connected line.
        const step = prev < y ? 1 : -1;
        for (let yy: number = prev + step; yy !== y; yy += step) set(x, yy);
        set(x, y);
      } else set(x, y);
      prev = y;
    }
  });
  return { width: w, height: h, bits, owner, roles: series.map((s) => s.role) };
}

/**
 * The cell column of a chart `cells` wide where slot `i` of `n` samples is
 * drawn (the same fitting as binSeries: right-aligned when short, binned
 * when long). -1 when there is no such column.
 */
export function slotCell(n: number, i: number, cells: number): number {
  const cols = cells * 2;
  if (n <= 0 || cells <= 0 || i < 0 || i >= n) return -1;
  let x: number;
  if (n <= cols) x = cols - n + i;
  else {
    // Bin x holds slots floor(x*n/cols) .. floor((x+1)*n/cols)-1.
    x = Math.min(cols - 1, Math.floor((i * cols) / n));
    while (x + 1 < cols && Math.floor(((x + 1) * n) / cols) <= i) x++;
    while (x > 0 && Math.floor((x * n) / cols) > i) x--;
  }
  return x >> 1;
}

/** A column drawn over the chart (the rewind cursor): its dots, or a bar where it has none. */
export interface ChartMarker {
  cell: number;
  role: Role;
}

/** The grid as screen lines, each exactly `width` cells, runs coloured by series role. */
export function chartLines(grid: ChartGrid, palette: Palette, marker?: ChartMarker | null): string[] {
  const lines: string[] = [];
  for (let r = 0; r < grid.height; r++) {
    let line = '';
    let run = '';
    let runOwner = -2;
    const flush = () => {
      if (run) line += runOwner >= 0 ? palette.paint(grid.roles[runOwner], run) : run;
      run = '';
    };
    for (let c = 0; c < grid.width; c++) {
      const i = r * grid.width + c;
      const b = grid.bits[i];
      if (marker && c === marker.cell) {
        flush();
        runOwner = -2;
        line += palette.paint(marker.role, b ? String.fromCharCode(0x2800 + b) : '┊');
        continue;
      }
      const o = b ? grid.owner[i] : -1;
      if (o !== runOwner) {
        flush();
        runOwner = o;
      }
      run += b ? String.fromCharCode(0x2800 + b) : ' ';
    }
    flush();
    lines.push(line);
  }
  return lines;
}

/** The characters only (tests). */
export function chartText(grid: ChartGrid): string[] {
  const out: string[] = [];
  for (let r = 0; r < grid.height; r++) {
    let line = '';
    for (let c = 0; c < grid.width; c++) {
      const b = grid.bits[r * grid.width + c];
      line += b ? String.fromCharCode(0x2800 + b) : ' ';
    }
    out.push(line);
  }
  return out;
}
