/**
 * A count over a sliding window, kept in fixed buckets (memory does not grow with traffic).
 * The window is approximate to one bucket.
 */
export class SlidingCount {
  private readonly buckets: number[];
  private readonly stamps: number[];
  private readonly bucketMs: number;

  constructor(windowMs: number, bucketCount = 60) {
    this.bucketMs = Math.max(1, windowMs / bucketCount);
    this.buckets = new Array<number>(bucketCount).fill(0);
    this.stamps = new Array<number>(bucketCount).fill(-1);
  }

  add(now: number, n = 1): void {
    const slot = Math.floor(now / this.bucketMs);
    const i = slot % this.buckets.length;
    if (this.stamps[i] !== slot) {
      this.stamps[i] = slot;
      this.buckets[i] = 0;
    }
    this.buckets[i] += n;
  }

  total(now: number): number {
    const slot = Math.floor(now / this.bucketMs);
    let sum = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      if (this.stamps[i] > slot - this.buckets.length) sum += this.buckets[i];
    }
    return sum;
  }
}
