// Sizes and durations as typed on the command line: "500M", "2GiB", "1h30m".

/** Bytes from "123", "64K", "500M", "2G", "1.5GiB" (binary units: K = 1024); null when it is not a size. */
export function parseByteSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return null;
  const power = ' kmgt'.indexOf(m[2].toLowerCase() || ' ');
  const bytes = Math.round(Number(m[1]) * 1024 ** power);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds from "90" (seconds), "30s", "15m", "1h30m", "7d"; null when it is not a duration. */
export function parseDurationSec(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t);
  if (!/^(?:\d+(?:\.\d+)?[smhd])+$/.test(t)) return null;
  let sec = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)) sec += Number(m[1]) * SECONDS[m[2]];
  return sec;
}
