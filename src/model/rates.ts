// Pure rate math. Every function returns null rather than a made-up number
// when it cannot know: missing counters, no elapsed time, or a counter that
// went backwards (guest restarted, device replugged, vCPU unplugged).

const NS_PER_SEC = 1e9;

/** Per-second rate of a cumulative counter between two samples. */
export function counterRate(
  prev: bigint | null | undefined,
  cur: bigint | null | undefined,
  elapsedNs: bigint,
): number | null {
  if (prev === null || prev === undefined || cur === null || cur === undefined) return null;
  if (elapsedNs <= 0n) return null;
  if (cur < prev) return null;
  // Within 2^53 both convert exactly, and subtracting as doubles saves a
  // bigint allocation per counter (tens of thousands a tick at 1000
  // domains). Beyond it, subtract in bigint first: the difference is small.
  const delta = cur <= MAX_SAFE_BIG ? Number(cur) - Number(prev) : Number(cur - prev);
  return (delta * NS_PER_SEC) / Number(elapsedNs);
}

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Share of `cpus` CPUs used by a CPU-time counter in ns, in percent.
 * cpus = host CPUs gives virt-top's %CPU; cpus = 1 gives "% of one core".
 */
export function cpuPercent(
  prevNs: bigint | null | undefined,
  curNs: bigint | null | undefined,
  elapsedNs: bigint,
  cpus: number | null,
): number | null {
  if (cpus === null || !(cpus > 0)) return null;
  const perSec = counterRate(prevNs, curNs, elapsedNs);
  if (perSec === null) return null;
  return (perSec / NS_PER_SEC / cpus) * 100;
}

/** Sum of values where all are known; null if any is unknown or the list is empty. */
export function sumKnown(values: readonly (number | null)[]): number | null {
  if (values.length === 0) return null;
  let total = 0;
  for (const v of values) {
    if (v === null) return null;
    total += v;
  }
  return total;
}

/** Sum of the known values; null only when none is known. For totals where a missing device should not hide the rest. */
export function sumAvailable(values: readonly (number | null)[]): number | null {
  let total = 0;
  let any = false;
  for (const v of values) {
    if (v === null) continue;
    total += v;
    any = true;
  }
  return any ? total : null;
}

/** Sum of bigint counters; null if any is unknown. */
export function sumCounters(values: readonly (bigint | null)[]): bigint | null {
  if (values.length === 0) return null;
  let total = 0n;
  for (const v of values) {
    if (v === null) return null;
    total += v;
  }
  return total;
}

/**
 * Memory used inside the guest as the balloon driver reports it:
 * available minus unused (what `free` would call used + buffers/cache).
 * Null when the guest does not report both.
 */
export function guestUsedKiB(availableKiB: bigint | null, unusedKiB: bigint | null): bigint | null {
  if (availableKiB === null || unusedKiB === null) return null;
  if (unusedKiB > availableKiB) return null;
  return availableKiB - unusedKiB;
}

/** a / b in percent, null when either is unknown or b is 0. */
export function percentOf(a: number | bigint | null, b: number | bigint | null): number | null {
  if (a === null || b === null) return null;
  const bn = Number(b);
  if (bn <= 0) return null;
  return (Number(a) / bn) * 100;
}

/** Largest share of the interval the timing of two readings may be unsure of before a rate is withheld. */
export const MAX_TIMING_UNCERTAINTY = 0.1;

/**
 * Time between two readings, each stamped at the midpoint of the call that
 * took it. A domain's counters are read at some unknown point inside the
 * call; if both calls took equally long that offset cancels out, but when one
 * call blocked (libvirt waiting on a domain that is starting) the error can
 * reach half the difference of the durations. Returns null when that
 * possible error exceeds MAX_TIMING_UNCERTAINTY of the interval — better no
 * rate than 300 % CPU. Readings without stamps use `fallbackNs`.
 */
export function measuredElapsedNs(
  prev: { monoNs?: bigint; spanNs?: bigint } | null | undefined,
  cur: { monoNs?: bigint; spanNs?: bigint } | null | undefined,
  fallbackNs: bigint,
): bigint | null {
  return stampedElapsedNs(prev, cur, fallbackNs, false);
}

/**
 * Time between two /proc scans. Unlike a libvirt call, a scan reads each
 * thread at its own moment anywhere inside its span (a scan yields to the
 * event loop, or the process is descheduled between two reads), so the two
 * offsets do not cancel: the error can reach half the sum of both spans.
 * Null when that exceeds MAX_TIMING_UNCERTAINTY of the interval.
 */
export function scanElapsedNs(
  prev: { monoNs?: bigint; spanNs?: bigint } | null | undefined,
  cur: { monoNs?: bigint; spanNs?: bigint } | null | undefined,
  fallbackNs: bigint,
): bigint | null {
  return stampedElapsedNs(prev, cur, fallbackNs, true);
}

function stampedElapsedNs(
  prev: { monoNs?: bigint; spanNs?: bigint } | null | undefined,
  cur: { monoNs?: bigint; spanNs?: bigint } | null | undefined,
  fallbackNs: bigint,
  offsetsIndependent: boolean,
): bigint | null {
  if (!prev || !cur || prev.monoNs === undefined || cur.monoNs === undefined) return fallbackNs;
  const elapsed = cur.monoNs - prev.monoNs;
  if (elapsed <= 0n) return null;
  const a = prev.spanNs ?? 0n;
  const b = cur.spanNs ?? 0n;
  const uncertainty = (offsetsIndependent ? a + b : a > b ? a - b : b - a) / 2n;
  if (Number(uncertainty) > MAX_TIMING_UNCERTAINTY * Number(elapsed)) return null;
  return elapsed;
}
