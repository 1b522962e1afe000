// Fixed-capacity history of numbers. Backed by a typed array allocated
// once, so memory stays flat however long virtop runs; a gap (a tick where
// the value was unknown) is stored as a sentinel so charts break rather
// than dip to 0.
//
// Storage kinds trade precision for memory (1000 domains x a dozen metrics
// x 3600 samples adds up): 'f64' exact, 'f32' ~7 significant digits,
// 'pct16' percentages in 0.1 steps up to 6553.4 % in two bytes, 'uf16'
// non-negative sizes and rates in two bytes as a small float (10-bit
// mantissa: within 0.05 % of the value, from 3e-5 to 2.8e14), which is
// finer than any column or chart shows them.

export type RingKind = 'f64' | 'f32' | 'pct16' | 'uf16';

const PCT16_GAP = 0xffff;
const PCT16_MAX = (PCT16_GAP - 1) / 10;

// uf16: the top 18 bits of a float32 (8-bit exponent, 10-bit mantissa),
// exponent re-biased so 6 bits cover 2^-15 .. 2^47. Code 0 is zero, 0xffff
// a gap; going through float32's bits makes encoding a few integer ops.
const UF16_GAP = 0xffff;
const UF16_MAX_CODE = UF16_GAP - 1;
const UF16_EXP_BIAS = 16;
const UF16_OFFSET = (127 - UF16_EXP_BIAS) << 10;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Encodes a number as uf16 (exported for tests). */
export function encodeUf16(value: number | null): number {
  if (value === null || Number.isNaN(value)) return UF16_GAP;
  if (!(value > 0)) return 0; // zero; negatives never come out of the model
  if (value === Infinity) return UF16_MAX_CODE;
  f32[0] = value;
  // +0x1000 rounds the 13 dropped mantissa bits to nearest; a carry moves
  // into the exponent, which is what rounding a float should do.
  const code = ((u32[0] + 0x1000) >>> 13) - UF16_OFFSET;
  if (code <= 0) return 0;
  return code > UF16_MAX_CODE ? UF16_MAX_CODE : code;
}

/** Decodes a uf16 code (exported for tests). */
export function decodeUf16(code: number): number | null {
  if (code === UF16_GAP) return null;
  if (code === 0) return 0;
  u32[0] = (code + UF16_OFFSET) << 13;
  return f32[0];
}

export class RingBuffer {
  private readonly data: Float64Array | Float32Array | Uint16Array;
  private start = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    readonly kind: RingKind = 'f64',
  ) {
    if (!Number.isInteger(capacity) || capacity <= 0) {
      throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    }
    this.data = kind === 'f64' ? new Float64Array(capacity) : kind === 'f32' ? new Float32Array(capacity) : new Uint16Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Bytes held by the samples (for the benchmark's memory accounting). */
  get bytes(): number {
    return this.data.byteLength;
  }

  private encode(value: number | null): number {
    if (this.kind === 'uf16') return encodeUf16(value);
    if (this.kind !== 'pct16') return value === null ? NaN : value;
    if (value === null || !Number.isFinite(value)) return PCT16_GAP;
    // Negative percentages never come out of the model; clamp rather than wrap.
    return Math.round(Math.min(PCT16_MAX, Math.max(0, value)) * 10);
  }

  private decode(raw: number): number | null {
    if (this.kind === 'uf16') return decodeUf16(raw);
    if (this.kind === 'pct16') return raw === PCT16_GAP ? null : raw / 10;
    return Number.isNaN(raw) ? null : raw;
  }

  push(value: number | null): void {
    const v = this.encode(value);
    if (this.count < this.capacity) {
      this.data[(this.start + this.count) % this.capacity] = v;
      this.count++;
    } else {
      this.data[this.start] = v;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** i-th oldest value (0 = oldest); null for gaps or out of range. */
  at(i: number): number | null {
    if (i < 0 || i >= this.count) return null;
    return this.decode(this.data[(this.start + i) % this.capacity]);
  }

  /** Most recent value, or null. */
  last(): number | null {
    return this.at(this.count - 1);
  }

  /** Values oldest first; gaps as null. Allocates: meant for drawing, not per tick. */
  toArray(): (number | null)[] {
    const out: (number | null)[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.at(i);
    return out;
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
  }
}
