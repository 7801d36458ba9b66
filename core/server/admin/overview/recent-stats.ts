import type { Bus } from '../../../bus/bus.ts';

interface Sample {
  at: number;
  latencyMs: number;
  ttftMs?: number;
  /** Counts as an error (not a client cancel, not a refused request). */
  error: boolean;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

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
 * one push; pruning is amortized.
 */
export function createRecentStats(bus: Bus, o: { now?: () => number } = {}): RecentStats {
  const now = o.now ?? Date.now;
  const startedAt = now();
  let samples: Sample[] = [];
  const add = (s: Sample) => {
    samples.push(s);
    if (samples.length > MAX_SAMPLES || (samples.length % 512 === 0 && samples[0]!.at < s.at - KEEP_MS)) {
      samples = samples.filter((x) => x.at >= s.at - KEEP_MS).slice(-MAX_SAMPLES);
    }
  };
  const offOk = bus.on('response:completed', (e) => add({
    at: now(), latencyMs: e.latencyMs, ttftMs: e.ttftMs, error: false,
    inputTokens: e.usage?.inputTokens ?? 0, outputTokens: e.usage?.outputTokens ?? 0, costUsd: e.costUsd ?? 0,
  }), 'admin-stats');
  const offFail = bus.on('request:failed', (e) => add({
    at: now(), latencyMs: e.latencyMs, error: e.usageStatus !== 'client_cancelled' && e.usageStatus !== 'rejected',
    inputTokens: 0, outputTokens: 0, costUsd: 0,
  }), 'admin-stats');

  return {
    window(ms) {
      const t = now();
      const recent = samples.filter((s) => s.at > t - ms);
      const span = Math.max(1, Math.min(ms, t - startedAt)) / 1000;
      const errors = recent.filter((s) => s.error).length;
      return {
        ms,
        requests: recent.length,
        requestsPerSec: round(recent.length / span, 3),
        errors,
        errorRate: recent.length ? round(errors / recent.length, 4) : 0,
        latencyMs: percentiles(recent.map((s) => s.latencyMs)),
        ttftMs: percentiles(recent.flatMap((s) => (s.ttftMs === undefined ? [] : [s.ttftMs]))),
        tokens: { input: sum(recent, 'inputTokens'), output: sum(recent, 'outputTokens') },
        costUsd: round(sum(recent, 'costUsd'), 6),
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

function sum(xs: Sample[], k: 'inputTokens' | 'outputTokens' | 'costUsd'): number {
  return xs.reduce((a, s) => a + s[k], 0);
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
