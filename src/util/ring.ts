// Fixed-capacity history of numbers. Backed by a typed array allocated
// once, so memory stays flat however long virtop runs; a gap (a tick where
// the value was unknown) is stored as a sentinel so charts break rather
// than dip to 0.
//
// Storage kinds trade precision for memory (1000 domains x a dozen metrics
// x 3600 samples adds up): 'f64' exact, 'f32' ~7 significant digits (fine
// for rates and sizes on a chart), 'pct16' percentages in 0.1 steps up to
// 6553.4 % in two bytes.

export type RingKind = 'f64' | 'f32' | 'pct16';

const PCT16_GAP = 0xffff;
const PCT16_MAX = (PCT16_GAP - 1) / 10;

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
    if (this.kind !== 'pct16') return value === null ? NaN : value;
    if (value === null || !Number.isFinite(value)) return PCT16_GAP;
    // Negative percentages never come out of the model; clamp rather than wrap.
    return Math.round(Math.min(PCT16_MAX, Math.max(0, value)) * 10);
  }

  private decode(raw: number): number | null {
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
