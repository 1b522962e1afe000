// Human-readable units with fixed widths, as top-like tools print them.
// Binary multiples (K = 1024) throughout, like virt-top and htop.

const SUFFIXES = ['', 'K', 'M', 'G', 'T', 'P', 'E'];

/**
 * Formats a byte-like quantity compactly, e.g. 1536 -> "1.5K",
 * 123456789 -> "118M": at most 4 characters plus the suffix, so columns
 * keep their width. null prints as "-" so an unknown value never looks
 * like a measured 0.
 */
export function humanBytes(value: number | bigint | null, _width = 5): string {
  if (value === null) return '-';
  let v = typeof value === 'bigint' ? Number(value) : value;
  if (!Number.isFinite(v)) return '-';
  const neg = v < 0;
  if (neg) v = -v;
  let i = 0;
  // Stay under 1000 in each unit so numbers have at most three digits.
  while (i < SUFFIXES.length - 1 && (i === 0 ? v >= 1000 : Math.round(v) >= 1000)) {
    v /= 1024;
    i++;
  }
  const text = i > 0 && v < 9.95 ? v.toFixed(1) : Math.round(v).toString();
  return (neg ? '-' : '') + text + SUFFIXES[i];
}

/** KiB quantity in human units. */
export function humanKiB(kib: number | bigint | null, width = 5): string {
  if (kib === null) return '-';
  return humanBytes(Number(kib) * 1024, width);
}

/** A rate or count with K/M/G in decimal-free compact form (for req/s, pkts/s). */
export function humanCount(value: number | null, width = 5): string {
  if (value === null || !Number.isFinite(value)) return '-';
  if (value < 10 && value > 0 && width >= 3) return value.toFixed(1);
  let v = value;
  let i = 0;
  const dec = ['', 'k', 'm', 'g', 't'];
  while (i < dec.length - 1 && Math.round(v).toString().length + (i === 0 ? 0 : 1) > width) {
    v /= 1000;
    i++;
  }
  return Math.round(v).toString() + dec[i];
}

/** Milliseconds in at most 5 cells, precise where small values matter: 0.42, 7.31, 12.5, 340, 12345. */
export function formatMs(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return Math.round(value).toString();
}

/** Percentage with one decimal, "-" for unknown. */
export function formatPercent(value: number | null, digits = 1): string {
  if (value === null || !Number.isFinite(value)) return '-';
  return value.toFixed(digits);
}

/** Cumulative CPU time as virt-top prints it: M:SS.ss under an hour, H:MM:SS beyond, Dd HH:MM past a day. */
export function formatCpuTime(ns: bigint | null): string {
  if (ns === null) return '-';
  const totalSec = Number(ns / 1_000_000n);
  const seconds = totalSec / 1000;
  if (seconds < 3600) {
    const m = Math.floor(seconds / 60);
    const s = seconds - m * 60;
    return `${m}:${s.toFixed(2).padStart(5, '0')}`;
  }
  const whole = Math.floor(seconds);
  const d = Math.floor(whole / 86400);
  const h = Math.floor((whole % 86400) / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  if (d > 0) return `${d}d${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** CPU time in at most 9 cells, for tables: beyond 999 days only the days are shown. */
export function cpuTimeCell(ns: bigint | null): string {
  const t = formatCpuTime(ns);
  if (t.length <= 9 || ns === null) return t;
  return `${humanCount(Number(ns / 86_400_000_000_000n), 8)}d`;
}

/** Local wall-clock time of `ms` as HH:MM:SS (the header, batch frames, virt-top's CSV). */
export function clockText(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}

const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Seconds from a typed duration: "90" (seconds), "30s", "15m", "1h30m",
 * "1h 30m", "1.5h", "7d"; null when it is not one (a sign is the caller's:
 * the J prompt's "+5m"). The command line (--record-max-age) and the J prompt read
 * durations with this one grammar.
 */
export function parseDurationSec(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t);
  if (!/^(?:\d+(?:\.\d+)?\s*[smhd]\s*)+$/.test(t)) return null;
  let sec = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)\s*([smhd])/g)) sec += Number(m[1]) * SECONDS[m[2]];
  return sec;
}

/** Elapsed seconds as "3d 04:05:06", "04:05:06" or "5:06". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '-';
  const whole = Math.floor(seconds);
  const d = Math.floor(whole / 86400);
  const h = Math.floor((whole % 86400) / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const hms = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  if (d > 0) return `${d}d ${hms}`;
  if (h > 0) return hms;
  return `${m}:${String(s).padStart(2, '0')}`;
}
