/** One finished upstream outcome. */
export interface Sample {
  t: number;
  ok: boolean;
  latencyMs?: number;
  ttftMs?: number;
}

/** p50 / p95 / p99 of some values (nearest rank); null when there are none. */
export interface Quantiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Nearest-rank percentiles of `values` (sorted here; the caller's array is left alone). */
export function quantiles(values: readonly number[]): Quantiles {
  if (values.length === 0) return { p50: null, p95: null, p99: null };
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  return { p50: at(50), p95: at(95), p99: at(99) };
}

/**
 * The last `windowMs` of samples, at most `maxSamples` of them: a busy series keeps its newest
 * samples (its rate is then measured over the span they cover), a quiet one the whole window.
 */
export class SampleWindow {
  private items: Sample[] = [];
  private head = 0;

  constructor(private windowMs: number, private maxSamples: number) {}

  /** A reload may change the window; samples are kept. */
  resize(windowMs: number, maxSamples: number): void {
    this.windowMs = windowMs;
    this.maxSamples = maxSamples;
  }

  add(s: Sample): void {
    this.items.push(s);
    this.trim(s.t);
  }

  /** Samples inside the window at `now`, oldest first. */
  live(now: number): Sample[] {
    this.trim(now);
    return this.items.slice(this.head);
  }

  /** True when older samples were dropped for the cap (the rate is measured over what is left). */
  full(): boolean {
    return this.items.length - this.head >= this.maxSamples;
  }

  private trim(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.items.length && (this.items[this.head].t <= cutoff || this.items.length - this.head > this.maxSamples)) this.head++;
    if (this.head > 512 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
