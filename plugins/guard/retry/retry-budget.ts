/**
 * Caps retries in flight at a share of the attempts in flight (at least `min`), so a failing
 * upstream under load sees at most ~20 % extra traffic instead of double.
 */
export class RetryBudget {
  private inflight = 0;
  private retrying = 0;

  constructor(private readonly ratio: number, private readonly min: number) {}

  enter(): void {
    this.inflight++;
  }

  leave(): void {
    this.inflight = Math.max(0, this.inflight - 1);
  }

  /** Takes a retry slot; false when the budget is spent. Pair with `release`. */
  tryAcquire(): boolean {
    const cap = Math.max(this.min, Math.floor(this.ratio * this.inflight));
    if (this.retrying >= cap) return false;
    this.retrying++;
    return true;
  }

  release(): void {
    this.retrying = Math.max(0, this.retrying - 1);
  }

  snapshot(): { inflight: number; retrying: number } {
    return { inflight: this.inflight, retrying: this.retrying };
  }
}
