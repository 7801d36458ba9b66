import { quantiles, SampleWindow, type Quantiles } from './sample-window.ts';

interface Series {
  provider: string;
  model: string;
  window: SampleWindow;
  successes: number;
  failures: number;
  latencySumMs: number;
  ttftSumMs: number;
  ttftCount: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Per provider/model figures over the sliding window, plus counters since start. */
export interface SeriesSummary {
  provider: string;
  model: string;
  /** Outcomes in the window. */
  samples: number;
  successes: number;
  failures: number;
  successRate: number | null;
  requestsPerSecond: number;
  latencyMs: Quantiles;
  ttftMs: Quantiles;
  /** Since start (or since the telemetry was enabled). */
  total: { successes: number; failures: number; latencySumMs: number; ttftSumMs: number; ttftCount: number; inputTokens: number; outputTokens: number; costUsd: number };
}

export interface TelemetrySummary {
  generatedAt: string;
  windowMs: number;
  uptimeMs: number;
  totals: { received: number; inFlight: number; byStatus: Record<string, number>; cached: number; requestsPerSecond: number };
  series: SeriesSummary[];
}

/** Provider/model series kept apart at most; later models are counted under `OTHER_MODEL`. */
export const MAX_SERIES = 500;
export const OTHER_MODEL = '(other)';

/**
 * What the telemetry plugin knows: request counts by outcome, and per provider/model samples
 * (latency and time to first token of served requests, failed attempts) in sliding windows.
 * Kept across reloads, so counters stay monotonic for Prometheus.
 */
export class TelemetryStore {
  private readonly series = new Map<string, Series>();
  private readonly ends: SampleWindow;
  /** The plugin instance that records (the newest); others ignore events. */
  owner: symbol | undefined;
  received = 0;
  ended = 0;
  cached = 0;
  readonly byStatus: Record<string, number> = {};

  constructor(readonly startedAt: number, public windowMs: number, public maxSamples: number) {
    this.ends = new SampleWindow(windowMs, 100_000);
  }

  resize(windowMs: number, maxSamples: number): void {
    this.windowMs = windowMs;
    this.maxSamples = maxSamples;
    this.ends.resize(windowMs, 100_000);
    for (const s of this.series.values()) s.window.resize(windowMs, maxSamples);
  }

  private get(provider: string, rawModel: string): Series {
    let model = rawModel;
    let id = `${provider}\0${model}`;
    let s = this.series.get(id);
    if (!s && this.series.size >= MAX_SERIES) {
      // Model names come from clients (a wildcard route passes any name on): past the cap they
      // share one series per provider, so memory and the metrics' label sets stay bounded.
      model = OTHER_MODEL;
      id = `${provider}\0${model}`;
      s = this.series.get(id);
    }
    if (!s) {
      s = {
        provider, model, window: new SampleWindow(this.windowMs, this.maxSamples), successes: 0, failures: 0,
        latencySumMs: 0, ttftSumMs: 0, ttftCount: 0, inputTokens: 0, outputTokens: 0, costUsd: 0,
      };
      this.series.set(id, s);
    }
    return s;
  }

  /** A request ended (`ok`, `error`, `error_midstream`, `client_cancelled`, `rejected`). */
  requestEnded(now: number, status: string, cached = false): void {
    this.ended++;
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    if (cached) this.cached++;
    this.ends.add({ t: now, ok: status === 'ok' });
  }

  success(now: number, provider: string, model: string, u: { latencyMs: number; ttftMs?: number; inputTokens: number; outputTokens: number; costUsd: number }): void {
    const s = this.get(provider, model);
    s.window.add({ t: now, ok: true, latencyMs: u.latencyMs, ttftMs: u.ttftMs });
    s.successes++;
    s.latencySumMs += u.latencyMs;
    if (u.ttftMs !== undefined) {
      s.ttftSumMs += u.ttftMs;
      s.ttftCount++;
    }
    s.inputTokens += u.inputTokens;
    s.outputTokens += u.outputTokens;
    s.costUsd += u.costUsd;
  }

  failure(now: number, provider: string, model: string): void {
    const s = this.get(provider, model);
    s.window.add({ t: now, ok: false });
    s.failures++;
  }

  summary(now: number): TelemetrySummary {
    return {
      generatedAt: new Date(now).toISOString(),
      windowMs: this.windowMs,
      uptimeMs: now - this.startedAt,
      totals: {
        received: this.received, inFlight: Math.max(0, this.received - this.ended), byStatus: { ...this.byStatus },
        cached: this.cached, requestsPerSecond: this.rate(this.ends, now),
      },
      series: [...this.series.values()].map((s) => this.describe(s, now)).sort((a, b) => (a.provider + a.model).localeCompare(b.provider + b.model)),
    };
  }

  private rate(w: SampleWindow, now: number): number {
    const live = w.live(now);
    const span = w.full() && live.length > 0 ? now - live[0].t : Math.min(this.windowMs, now - this.startedAt);
    return span > 0 ? round(live.length / (span / 1000)) : 0;
  }

  private describe(s: Series, now: number): SeriesSummary {
    const live = s.window.live(now);
    const ok = live.filter((x) => x.ok);
    return {
      provider: s.provider,
      model: s.model,
      samples: live.length,
      successes: ok.length,
      failures: live.length - ok.length,
      successRate: live.length === 0 ? null : round(ok.length / live.length),
      requestsPerSecond: this.rate(s.window, now),
      latencyMs: quantiles(ok.flatMap((x) => (x.latencyMs === undefined ? [] : [x.latencyMs]))),
      ttftMs: quantiles(ok.flatMap((x) => (x.ttftMs === undefined ? [] : [x.ttftMs]))),
      total: {
        successes: s.successes, failures: s.failures, latencySumMs: s.latencySumMs, ttftSumMs: s.ttftSumMs, ttftCount: s.ttftCount,
        inputTokens: s.inputTokens, outputTokens: s.outputTokens, costUsd: s.costUsd,
      },
    };
  }
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
