// Summary statistics for benchmark samples. Pure: no I/O, no timers.
//
// Percentiles use the nearest-rank method on the sorted samples, so p99 of
// fewer than 100 samples is the maximum — the table prints n next to it so
// nobody reads more into a p99 of 12 samples than there is.

export interface Summary {
  n: number;
  min: number;
  median: number;
  mean: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile (0 < p <= 100) of already sorted samples. */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Median: the middle sample, or the mean of the two middle ones. */
export function medianSorted(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  const finite = samples.filter((x) => Number.isFinite(x));
  const sorted = [...finite].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { n: 0, min: NaN, median: NaN, mean: NaN, p90: NaN, p99: NaN, max: NaN };
  let sum = 0;
  for (const x of sorted) sum += x;
  return {
    n,
    min: sorted[0],
    median: medianSorted(sorted),
    mean: sum / n,
    p90: percentileSorted(sorted, 90),
    p99: percentileSorted(sorted, 99),
    max: sorted[n - 1],
  };
}

/**
 * Median of the per-pair ratios a[i] / b[i]. Pairs measured side by side
 * (interleaved) share the machine's noise, so the ratio of each pair is a
 * steadier figure than the ratio of the two medians on a busy host.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  const r: number[] = [];
  for (let i = 0; i < n; i++) if (b[i] > 0 && Number.isFinite(a[i])) r.push(a[i] / b[i]);
  return medianSorted(r.sort((x, y) => x - y));
}

/** Relative growth from `from` to `to` in percent; NaN when `from` is not positive. */
export function growthPercent(from: number, to: number): number {
  return from > 0 ? ((to - from) / from) * 100 : NaN;
}

/**
 * Growth over a run of readings as the least-squares line through them
 * sees it: (slope × span of x) as a percentage of their mean. Robust where
 * two single readings are not: RSS after a GC moves a few percent either
 * way as the allocator returns pages or keeps them.
 */
export function trendPercent(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i] / n;
    my += ys[i] / n;
  }
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  if (sxx === 0 || my === 0) return NaN;
  return ((sxy / sxx) * (xs[n - 1] - xs[0]) * 100) / my;
}
