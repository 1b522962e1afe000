// Per-vCPU heat strip: one cell per vCPU, its height the vCPU's load (% of
// one core), "·" when unknown. A guest with more vCPUs than cells is
// summarised: each cell is the mean of a run of consecutive vCPUs, and the
// strip ends with "…" so it does not read as one cell per vCPU. Pure.

const LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
export const HEAT_UNKNOWN = '·';

/** One cell for a load in percent (0..100+). */
export function heatCell(percent: number | null): string {
  if (percent === null || !Number.isFinite(percent)) return HEAT_UNKNOWN;
  if (percent < 2) return ' ';
  const i = Math.min(LEVELS.length - 1, Math.floor((Math.min(100, percent) / 100) * LEVELS.length));
  return LEVELS[i];
}

/** Means of `width` runs of consecutive values (a run with no known value is null). */
export function bucketMeans(values: readonly (number | null)[], width: number): (number | null)[] {
  const out: (number | null)[] = [];
  const n = values.length;
  for (let c = 0; c < width; c++) {
    const lo = Math.floor((c * n) / width);
    const hi = Math.floor(((c + 1) * n) / width);
    let sum = 0;
    let k = 0;
    for (let i = lo; i < hi; i++) {
      const v = values[i];
      if (v !== null) {
        sum += v;
        k++;
      }
    }
    out.push(k ? sum / k : null);
  }
  return out;
}

/** The strip for a domain's vCPU loads in at most `width` cells. */
export function heatStrip(loads: readonly (number | null)[], width: number): string {
  if (width <= 0 || loads.length === 0) return '';
  if (loads.length <= width) return loads.map(heatCell).join('');
  if (width === 1) return '…';
  return bucketMeans(loads, width - 1).map(heatCell).join('') + '…';
}

/**
 * A one-line sparkline of the newest `width` points of a series (averaged
 * into `width` bins when longer), scaled to `max`: one cell per point, a gap
 * (unknown) as a space so it never reads as 0.
 */
export function sparkline(src: { readonly length: number; at(i: number): number | null }, width: number, max: number): string {
  if (width <= 0) return '';
  const n = src.length;
  const vals: (number | null)[] = [];
  for (let i = Math.max(0, n - width * 4); i < n; i++) vals.push(src.at(i));
  const bins = vals.length <= width ? [...new Array<null>(width - vals.length).fill(null), ...vals] : bucketMeans(vals, width);
  const top = max > 0 ? max : 1;
  return bins
    .map((v) => {
      if (v === null) return ' ';
      if (v <= 0) return '▁';
      const i = Math.min(LEVELS.length - 1, Math.max(0, Math.ceil((Math.min(v, top) / top) * LEVELS.length) - 1));
      return LEVELS[i];
    })
    .join('');
}
