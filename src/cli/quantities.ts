// Sizes as typed on the command line: "500M", "2GiB". (Durations: util/units.ts, shared with the J prompt.)

/** Bytes from "123", "64K", "500M", "2G", "1.5GiB" (binary units: K = 1024); null when it is not a size. */
export function parseByteSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return null;
  const power = ' kmgt'.indexOf(m[2].toLowerCase() || ' ');
  const bytes = Math.round(Number(m[1]) * 1024 ** power);
  return Number.isSafeInteger(bytes) ? bytes : null;
}
