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
 * Per-request samples from the bus (`response:completed`, `request:failed`) kept for 15 minutes,
 * for the overview's requests/s, error rate and latency/TTFT percentiles. Cheap per event:
 * a few pushes onto one flat array; pruning is amortized.
 */
export function createRecentStats(bus: Bus, o: { now?: () => number } = {}): RecentStats {
  const now = o.now ?? Date.now;
  const startedAt = now();
  let data: number[] = [];
  const add = (at: number, latencyMs: number, ttftMs: number, error: number, input: number, output: number, cost: number) => {
    data.push(at, latencyMs, ttftMs, error, input, output, cost);
    const n = data.length / STRIDE;
    if (n > MAX_SAMPLES || (n % 512 === 0 && data[AT]! < at - KEEP_MS)) data = prune(data, at - KEEP_MS);
  };
  const offOk = bus.on('response:completed', (e) => add(
    now(), e.latencyMs, e.ttftMs ?? NaN, 0, e.usage?.inputTokens ?? 0, e.usage?.outputTokens ?? 0, e.costUsd ?? 0,
  ), 'admin-stats');
  const offFail = bus.on('request:failed', (e) => add(
    now(), e.latencyMs, NaN, e.usageStatus !== 'client_cancelled' && e.usageStatus !== 'rejected' ? 1 : 0, 0, 0, 0,
  ), 'admin-stats');

  return {
    window(ms) {
      const t = now();
      const span = Math.max(1, Math.min(ms, t - startedAt)) / 1000;
      const latencies: number[] = [];
      const ttfts: number[] = [];
      let errors = 0;
      let input = 0;
      let output = 0;
      let cost = 0;
      for (let i = 0; i < data.length; i += STRIDE) {
        if (!(data[i + AT]! > t - ms)) continue;
        latencies.push(data[i + LATENCY]!);
        const ttft = data[i + TTFT]!;
        if (!Number.isNaN(ttft)) ttfts.push(ttft);
        errors += data[i + ERROR]!;
        input += data[i + INPUT]!;
        output += data[i + OUTPUT]!;
        cost += data[i + COST]!;
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

/** The samples at or after `from`, at most MAX_SAMPLES (the newest). */
function prune(data: number[], from: number): number[] {
  let first = 0;
  while (first < data.length && data[first + AT]! < from) first += STRIDE;
  first = Math.max(first, data.length - MAX_SAMPLES * STRIDE);
  return data.slice(first);
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
