// The one rule for refresh intervals, shared by --delay, the config file and
// the TUI's interval prompt: seconds, fractions allowed, 0.1 to 86400.

export const MIN_INTERVAL_SEC = 0.1;
export const MAX_INTERVAL_SEC = 86400;

export type IntervalCheck = { ok: true; seconds: number } | { ok: false; reason: string };

/** `reason` reads after the name of the setting: "--delay must be …". */
export function checkInterval(raw: string | number): IntervalCheck {
  const text = typeof raw === 'number' ? String(raw) : raw.trim();
  const v = typeof raw === 'number' ? raw : text === '' ? NaN : Number(text);
  if (!Number.isFinite(v) || v <= 0 || v > MAX_INTERVAL_SEC) {
    return { ok: false, reason: `must be a number of seconds above 0 (at most ${MAX_INTERVAL_SEC})` };
  }
  if (v < MIN_INTERVAL_SEC) {
    return { ok: false, reason: `below ${MIN_INTERVAL_SEC} s would load the host more than it tells you` };
  }
  return { ok: true, seconds: v };
}

/** "2s", "0.5s", "1m30s" */
export function formatInterval(sec: number): string {
  if (sec < 60) return `${Number(sec.toFixed(3))}s`;
  const m = Math.floor(sec / 60);
  const s = Number((sec - m * 60).toFixed(3));
  if (m < 60) return s ? `${m}m${s}s` : `${m}m`;
  const h = Math.floor(m / 60);
  const mm = m % 60;
  return `${h}h${mm ? `${mm}m` : ''}${s ? `${s}s` : ''}`;
}
