/**
 * Requests and failures over a sliding window, in fixed buckets (memory does not grow with
 * traffic; the window is approximate to one bucket).
 */
export class OutcomeWindow {
  private readonly requests: number[];
  private readonly failures: number[];
  private readonly stamps: number[];
  private readonly bucketMs: number;

  constructor(windowMs: number, private readonly size = 10) {
    this.bucketMs = Math.max(1, windowMs / size);
    this.requests = new Array<number>(size).fill(0);
    this.failures = new Array<number>(size).fill(0);
    this.stamps = new Array<number>(size).fill(-1);
  }

  add(now: number, failed: boolean): void {
    const slot = Math.floor(now / this.bucketMs);
    const i = slot % this.size;
    if (this.stamps[i] !== slot) {
      this.stamps[i] = slot;
      this.requests[i] = 0;
      this.failures[i] = 0;
    }
    this.requests[i]++;
    if (failed) this.failures[i]++;
  }

  totals(now: number): { requests: number; failures: number } {
    const slot = Math.floor(now / this.bucketMs);
    let requests = 0;
    let failures = 0;
    for (let i = 0; i < this.size; i++) {
      if (this.stamps[i] > slot - this.size) {
        requests += this.requests[i];
        failures += this.failures[i];
      }
    }
    return { requests, failures };
  }

  reset(): void {
    this.stamps.fill(-1);
  }
}
