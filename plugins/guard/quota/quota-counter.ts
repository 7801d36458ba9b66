import { calendarPeriod } from '../../../core/util/time-windows.ts';
import type { QuotaAmounts, QuotaRule } from './quota-config.ts';

interface Bucket {
  start: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

const METRICS = ['requests', 'inputTokens', 'outputTokens', 'tokens'] as const;
type Metric = (typeof METRICS)[number];

/**
 * Usage of one provider account against one rule. Rolling windows keep ~300 time buckets (a
 * 5 h window counts per minute), calendar windows one total that resets at the period's end.
 * `inflight` counts requests admitted but not finished, so a burst cannot overshoot a request
 * quota while the first replies are still streaming.
 */
export class QuotaCounter {
  private buckets: Bucket[] = [];
  private period: { start: number; end: number } | undefined;

  /**
   * `flight` holds the attempts in flight on this counter's provider account; the counters of
   * every rule for that account share it (and it outlives a reload of the plugin). `fingerprint`
   * is the account whose usage it counts (`AccountRuntime.fingerprint`; unknown when undefined).
   */
  constructor(readonly rule: QuotaRule, private readonly flight: { n: number } = { n: 0 }, public fingerprint?: string) {}

  /** Requests admitted on this provider account and not finished yet. */
  get inflight(): number {
    return this.flight.n;
  }

  set inflight(n: number) {
    this.flight.n = n;
  }

  /** Start of the span whose usage counts at `now` (what to seed from the usage table). */
  windowStart(now: number): number {
    const w = this.rule.window;
    return w.kind === 'rolling' ? now - w.ms : calendarPeriod(now, w.spec).start;
  }

  private bucketMs(): number {
    const w = this.rule.window;
    return w.kind === 'rolling' ? Math.max(1000, Math.floor(w.ms / 300)) : Number.POSITIVE_INFINITY;
  }

  /** Drops what left the window (rolling) or starts a new period (calendar). */
  private roll(now: number): void {
    const w = this.rule.window;
    if (w.kind === 'calendar') {
      if (!this.period || now >= this.period.end || now < this.period.start) {
        this.period = calendarPeriod(now, w.spec);
        this.buckets = [];
      }
      return;
    }
    const size = this.bucketMs();
    let i = 0;
    while (i < this.buckets.length && this.buckets[i].start + size <= now - w.ms) i++;
    if (i > 0) this.buckets = this.buckets.slice(i);
  }

  /** Counts usage that happened at `at` (≤ now). */
  add(now: number, at: number, requests: number, inputTokens: number, outputTokens: number): void {
    this.roll(now);
    if (at < this.windowStart(now)) return;
    const size = this.bucketMs();
    const start = Number.isFinite(size) ? Math.floor(at / size) * size : (this.period?.start ?? 0);
    let b = this.buckets.find((x) => x.start === start);
    if (!b) {
      b = { start, requests: 0, inputTokens: 0, outputTokens: 0 };
      this.buckets.push(b);
      this.buckets.sort((x, y) => x.start - y.start);
    }
    b.requests += requests;
    b.inputTokens += inputTokens;
    b.outputTokens += outputTokens;
  }

  used(now: number): QuotaAmounts {
    this.roll(now);
    const u = { requests: 0, inputTokens: 0, outputTokens: 0, tokens: 0 };
    for (const b of this.buckets) {
      u.requests += b.requests;
      u.inputTokens += b.inputTokens;
      u.outputTokens += b.outputTokens;
    }
    u.tokens = u.inputTokens + u.outputTokens;
    return u;
  }

  /** The first limited metric that is used up (in-flight requests included), or undefined. */
  exhausted(now: number): Metric | undefined {
    const u = this.used(now);
    for (const m of METRICS) {
      const limit = this.rule.limits[m];
      if (limit === undefined) continue;
      const used = m === 'requests' ? u.requests + this.inflight : u[m];
      if (used >= limit) return m;
    }
    return undefined;
  }

  /**
   * When the quota resets: the period's end for calendar windows. For rolling windows, when
   * exhausted, the time at which enough old usage leaves the window to be under every limit;
   * otherwise when the oldest counted usage leaves it (undefined when nothing is counted).
   */
  resetsAt(now: number): number | undefined {
    const w = this.rule.window;
    this.roll(now);
    if (w.kind === 'calendar') return this.period!.end;
    const size = this.bucketMs();
    if (this.buckets.length === 0) return undefined;
    const oldest = this.buckets[0].start + size + w.ms;
    if (!this.exhausted(now)) return oldest;
    const left = this.used(now);
    let at = oldest;
    for (const b of this.buckets) {
      at = b.start + size + w.ms;
      left.requests -= b.requests;
      left.inputTokens -= b.inputTokens;
      left.outputTokens -= b.outputTokens;
      left.tokens = left.inputTokens + left.outputTokens;
      const under = METRICS.every((m) => {
        const limit = this.rule.limits[m];
        return limit === undefined || (m === 'requests' ? left.requests + this.inflight : left[m]) < limit;
      });
      if (under) break;
    }
    return at;
  }
}
