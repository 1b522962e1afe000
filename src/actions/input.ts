// Parsing and checking what an admin types into the balloon and vCPU
// prompts. Pure: nothing reaches libvirt unless these say the value is sane.

const KIB_PER: Record<string, number> = {
  k: 1,
  kb: 1,
  kib: 1,
  m: 1024,
  mb: 1024,
  mib: 1024,
  g: 1024 ** 2,
  gb: 1024 ** 2,
  gib: 1024 ** 2,
  t: 1024 ** 3,
  tb: 1024 ** 3,
  tib: 1024 ** 3,
};

/** Smallest balloon target we will send: below this most guests stall or OOM. */
export const BALLOON_FLOOR_KIB = 64 * 1024;

export type InputResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface BalloonLimits {
  currentKiB: number | null;
  maxKiB: number | null;
}

/**
 * Parses a memory target: absolute ("768M", "1.5G", "1048576K"), relative
 * ("+256M", "-128M") or a percentage of the current size ("-10%", "+25%").
 * A bare number is MiB, since that is what people type. Returns KiB.
 */
export function parseMemoryTarget(text: string, limits: BalloonLimits): InputResult<number> {
  const t = text.trim();
  if (t === '') return { ok: false, error: 'enter a size such as 768M, 1.5G, +256M or -10%' };
  const m = /^([+-]?)(\d+(?:\.\d+)?|\.\d+)\s*(%|[a-zA-Z]*)$/.exec(t);
  if (!m) return { ok: false, error: `'${t}' is not a size (try 768M, 1.5G, +256M or -10%)` };
  const [, sign, numText, unitRaw] = m;
  const n = Number(numText);
  let kib: number;
  if (unitRaw === '%') {
    if (sign === '') return { ok: false, error: `a percentage must be relative: +${numText}% or -${numText}%` };
    if (limits.currentKiB === null) return { ok: false, error: 'current memory is unknown, so a percentage cannot be applied' };
    const delta = (limits.currentKiB * n) / 100;
    kib = sign === '-' ? limits.currentKiB - delta : limits.currentKiB + delta;
  } else {
    const unit = unitRaw === '' ? 'm' : unitRaw.toLowerCase();
    const factor = KIB_PER[unit];
    if (factor === undefined) return { ok: false, error: `unknown unit '${unitRaw}' (use K, M, G or T)` };
    const amount = n * factor;
    if (sign === '') kib = amount;
    else {
      if (limits.currentKiB === null) return { ok: false, error: 'current memory is unknown, so a relative size cannot be applied' };
      kib = sign === '-' ? limits.currentKiB - amount : limits.currentKiB + amount;
    }
  }
  kib = Math.round(kib);
  if (kib <= 0) return { ok: false, error: `'${t}' would leave no memory (current is ${formatKiB(limits.currentKiB ?? 0)})` };
  if (!Number.isFinite(kib)) return { ok: false, error: `'${t}' is too large` };
  if (kib < BALLOON_FLOOR_KIB) {
    return { ok: false, error: `${formatKiB(kib)} is below the ${formatKiB(BALLOON_FLOOR_KIB)} floor` };
  }
  if (limits.maxKiB !== null && kib > limits.maxKiB) {
    return { ok: false, error: `${formatKiB(kib)} is above the domain's maximum of ${formatKiB(limits.maxKiB)}` };
  }
  return { ok: true, value: kib };
}

/** Parses a vCPU count: absolute ("4") or relative ("+1", "-1"); must be 1..max. */
export function parseVcpuTarget(text: string, current: number | null, max: number | null): InputResult<number> {
  const t = text.trim();
  if (t === '') return { ok: false, error: 'enter a vCPU count such as 4, +1 or -1' };
  const m = /^([+-]?)(\d+)$/.exec(t);
  if (!m) return { ok: false, error: `'${t}' is not a whole number of vCPUs (try 4, +1 or -1)` };
  const n = Number(m[2]);
  let count: number;
  if (m[1] === '') count = n;
  else {
    if (current === null) return { ok: false, error: 'the current vCPU count is unknown, so a relative count cannot be applied' };
    count = m[1] === '+' ? current + n : current - n;
  }
  if (!Number.isSafeInteger(count) || count < 1) return { ok: false, error: `a domain needs at least 1 vCPU (got ${count})` };
  if (max !== null && count > max) return { ok: false, error: `${count} is above the domain's maximum of ${max} vCPUs` };
  return { ok: true, value: count };
}

export function formatKiB(kib: number): string {
  if (kib >= 1024 ** 2 && kib % 1024 ** 2 === 0) return `${kib / 1024 ** 2} GiB`;
  if (kib >= 1024) return `${Math.round((kib / 1024) * 10) / 10} MiB`;
  return `${kib} KiB`;
}
