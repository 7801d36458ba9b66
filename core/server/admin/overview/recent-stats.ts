import type { Bus } from '../../../bus/bus.ts';

/**
 * Samples are kept flat, `STRIDE` numbers each (no object per request): at, latency, TTFT (NaN
 * when none), error (1 when it counts as an error: not a client cancel, not a refused request),
 * input tokens, output tokens, cost.
 */
const STRIDE = 7;
const AT = 0;
const LATENCY = 1;
const TTFT = 2;
const ERROR = 3;
const INPUT = 4;
const OUTPUT = 5;
const COST = 6;

/** Percentiles of a sample set; null without samples. */
export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Traffic over a recent window. */
export interface WindowStats {
  ms: number;
  requests: number;
  requestsPerSec: number;
  errors: number;
  errorRate: number;
  latencyMs: Percentiles;
  ttftMs: Percentiles;
  tokens: { input: number; output: number };
  costUsd: number;
}

export interface RecentStats {
  /** Stats over the last `ms` (or since start, when the gateway is younger). */
  window(ms: number): WindowStats;
  close(): void;
}

const KEEP_MS = 15 * 60_000;
const MAX_SAMPLES = 200_000;

/**
 * Per-request samples from the bus (`response:completed`, `request:failed`) for the overview's
 * requests/s, error rate and latency/TTFT percentiles over the last 15 minutes (at most the
 * newest MAX_SAMPLES). They live in a ring of doubles that grows by doubling up to its cap and
 * then overwrites the oldest sample: per event a few writes, no allocation, no copying. (An
 * array pruned to exactly the cap used to copy all 200 000 samples on every request once the
 * cap was reached: ~5 ms a request, seen on the bench.)
 */
export function createRecentStats(bus: Bus, o: { now?: () => number } = {}): RecentStats {
  const now = o.now ?? Date.now;
  const startedAt = now();
  let ring = new Float64Array(STRIDE * 1024);
  let cap = 1024;
  /** Samples held, and where the next one goes (both in samples). */
  let count = 0;
  let next = 0;
  const add = (at: number, latencyMs: number, ttftMs: number, error: number, input: number, output: number, cost: number) => {
    if (count === cap && cap < MAX_SAMPLES) {
      // Full but allowed to grow: unroll oldest-first into a buffer twice the size.
      const bigger = new Float64Array(STRIDE * Math.min(cap * 2, MAX_SAMPLES));
      bigger.set(ring.subarray(next * STRIDE));
      bigger.set(ring.subarray(0, next * STRIDE), (cap - next) * STRIDE);
      ring = bigger;
      next = cap;
      cap = bigger.length / STRIDE;
    }
    const i = next * STRIDE;
    ring[i + AT] = at;
    ring[i + LATENCY] = latencyMs;
    ring[i + TTFT] = ttftMs;
    ring[i + ERROR] = error;
    ring[i + INPUT] = input;
    ring[i + OUTPUT] = output;
    ring[i + COST] = cost;
    next = (next + 1) % cap;
    if (count < cap) count++;
  };
  // Token counts are a client's bookkeeping, not traffic (no usage row either): left out.
  const offOk = bus.on('response:completed', (e) => {
    if (e.operation === 'countTokens') return;
    add(now(), e.latencyMs, e.ttftMs ?? NaN, 0, e.usage?.inputTokens ?? 0, e.usage?.outputTokens ?? 0, e.costUsd ?? 0);
  }, 'admin-stats');
  // A failed request may have used tokens (a broken or cancelled stream): they count, as in its usage row.
  const offFail = bus.on('request:failed', (e) => {
    if (e.operation === 'countTokens') return;
    add(
      now(), e.latencyMs, NaN, e.usageStatus !== 'client_cancelled' && e.usageStatus !== 'rejected' ? 1 : 0,
      e.usage?.inputTokens ?? 0, e.usage?.outputTokens ?? 0, e.costUsd ?? 0,
    );
  }, 'admin-stats');

  return {
    window(ms) {
      const t = now();
      const span = Math.max(1, Math.min(ms, t - startedAt)) / 1000;
      const from = t - Math.min(ms, KEEP_MS);
      const latencies: number[] = [];
      const ttfts: number[] = [];
      let errors = 0;
      let input = 0;
      let output = 0;
      let cost = 0;
      const oldest = count < cap ? 0 : next;
      for (let k = 0; k < count; k++) {
        const i = ((oldest + k) % cap) * STRIDE;
        if (!(ring[i + AT]! > from)) continue;
        latencies.push(ring[i + LATENCY]!);
        const ttft = ring[i + TTFT]!;
        if (!Number.isNaN(ttft)) ttfts.push(ttft);
        errors += ring[i + ERROR]!;
        input += ring[i + INPUT]!;
        output += ring[i + OUTPUT]!;
        cost += ring[i + COST]!;
      }
      const requests = latencies.length;
      return {
        ms,
        requests,
        requestsPerSec: round(requests / span, 3),
        errors,
        errorRate: requests ? round(errors / requests, 4) : 0,
        latencyMs: percentiles(latencies),
        ttftMs: percentiles(ttfts),
        tokens: { input, output },
        costUsd: round(cost, 6),
      };
    },
    close() {
      offOk();
      offFail();
    },
  };
}

/** Nearest-rank percentiles. */
export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: null, p95: null, p99: null };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
  return { p50: at(50), p95: at(95), p99: at(99) };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
