/** One admitted request in a sliding log; its weight may be corrected later (tokens). */
export interface LogEntry {
  readonly t: number;
  w: number;
  live: boolean;
}

/**
 * An exact sliding window: every admission is kept until it is older than the window, so
 * "60 per minute" admits 60 in any 60 s span, never 120 across a boundary as fixed windows do.
 * Memory is one small object per admission in the window.
 */
export class SlidingLog {
  private entries: LogEntry[] = [];
  private head = 0;
  private total = 0;

  constructor(readonly windowMs: number) {}

  /** Drops entries that left the window at `now`. */
  prune(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.entries.length && this.entries[this.head].t <= cutoff) {
      const e = this.entries[this.head++];
      e.live = false;
      this.total -= e.w;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Admissions in the window (call `prune` first). */
  get count(): number {
    return this.entries.length - this.head;
  }

  /** Sum of weights in the window (call `prune` first). */
  get sum(): number {
    return this.total;
  }

  add(now: number, weight = 1): LogEntry {
    const e: LogEntry = { t: now, w: weight, live: true };
    this.entries.push(e);
    this.total += weight;
    return e;
  }

  /** Corrects an entry's weight (an estimate replaced by the real figure); no-op once expired. */
  adjust(e: LogEntry, weight: number): void {
    if (!e.live) return;
    this.total += weight - e.w;
    e.w = weight;
  }

  /** Milliseconds until fewer than `limit` admissions are in the window (0 when already). */
  waitUntilCountBelow(now: number, limit: number): number {
    const excess = this.count - limit;
    if (excess < 0) return 0;
    return Math.max(0, this.entries[this.head + excess].t + this.windowMs - now);
  }

  /** Milliseconds until the weights in the window sum to less than `limit` (0 when already). */
  waitUntilSumBelow(now: number, limit: number): number {
    if (this.total < limit) return 0;
    let left = this.total;
    for (let i = this.head; i < this.entries.length; i++) {
      left -= this.entries[i].w;
      if (left < limit) return Math.max(0, this.entries[i].t + this.windowMs - now);
    }
    return this.windowMs;
  }
}
