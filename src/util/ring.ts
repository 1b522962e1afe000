// Fixed-capacity history of numbers. Backed by a Float64Array so memory is
// allocated once and stays flat however long virtop runs; NaN marks a gap
// (a tick where the value was unknown) so charts break rather than dip to 0.

export class RingBuffer {
  private readonly data: Float64Array;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) {
      throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    }
    this.data = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(value: number | null): void {
    const v = value === null ? NaN : value;
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
    const v = this.data[(this.start + i) % this.capacity];
    return Number.isNaN(v) ? null : v;
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
