import { describe, expect, test } from 'bun:test';
import { renderPrometheus } from './render-prometheus.ts';
import { quantiles, SampleWindow } from './sample-window.ts';
import { MAX_SERIES, OTHER_MODEL, TelemetryStore } from './telemetry-store.ts';

describe('sample window', () => {
  test('nearest-rank percentiles', () => {
    expect(quantiles([])).toEqual({ p50: null, p95: null, p99: null });
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantiles(hundred)).toEqual({ p50: 50, p95: 95, p99: 99 });
    expect(quantiles([7])).toEqual({ p50: 7, p95: 7, p99: 7 });
    expect(hundred[0]).toBe(100); // the input is not sorted in place
  });

  test('keeps the window and at most max samples, newest first to stay', () => {
    const w = new SampleWindow(1000, 3);
    for (let t = 0; t < 5; t++) w.add({ t: t * 100, ok: true });
    expect(w.live(400).map((s) => s.t)).toEqual([200, 300, 400]);
    expect(w.full()).toBe(true);
    expect(w.live(1350).map((s) => s.t)).toEqual([400]);
    expect(w.full()).toBe(false);
  });
});

describe('store and Prometheus text', () => {
  test('success rate, rates and escaped labels', () => {
    const s = new TelemetryStore(0, 10_000, 100);
    s.received = 3;
    s.success(1000, 'p"q', 'm\\1', { latencyMs: 200, ttftMs: 50, inputTokens: 10, outputTokens: 5, costUsd: 0.5 });
    s.failure(2000, 'p"q', 'm\\1');
    s.requestEnded(2000, 'ok');
    s.requestEnded(2000, 'error');
    const sum = s.summary(4000);
    expect(sum.totals).toMatchObject({ received: 3, inFlight: 1, byStatus: { ok: 1, error: 1 }, requestsPerSecond: 0.5 });
    expect(sum.series[0]).toMatchObject({ samples: 2, successes: 1, failures: 1, successRate: 0.5, latencyMs: { p50: 200 }, ttftMs: { p99: 50 } });
    const text = renderPrometheus(sum);
    expect(text).toContain('switchyard_request_duration_seconds{provider="p\\"q",model="m\\\\1",quantile="0.5"} 0.2');
    expect(text).toContain('switchyard_request_duration_seconds_sum{provider="p\\"q",model="m\\\\1"} 0.2');
    expect(text).toContain('switchyard_time_to_first_token_seconds_count{provider="p\\"q",model="m\\\\1"} 1');
    expect(text).toContain('switchyard_tokens_total{provider="p\\"q",model="m\\\\1",direction="input"} 10');
    expect(text).toContain('switchyard_upstream_success_ratio{provider="p\\"q",model="m\\\\1"} 0.5');
    expect(text.endsWith('\n')).toBe(true);
    // Past the window: no samples, no quantiles, totals stay.
    const later = s.summary(20_000).series[0];
    expect(later).toMatchObject({ samples: 0, successRate: null, latencyMs: { p50: null }, total: { successes: 1, failures: 1 } });
  });

  test('model names past the series cap share one series per provider, counted, not dropped', () => {
    const s = new TelemetryStore(0, 10_000, 100);
    for (let i = 0; i < MAX_SERIES + 200; i++) s.failure(1000, 'p', `made-up-${i}`);
    s.success(1000, 'p', 'made-up-0', { latencyMs: 10, inputTokens: 1, outputTokens: 1, costUsd: 0 });
    const series = s.summary(2000).series;
    expect(series).toHaveLength(MAX_SERIES + 1);
    expect(series.find((x) => x.model === 'made-up-0')).toMatchObject({ total: { successes: 1, failures: 1 } });
    expect(series.find((x) => x.model === OTHER_MODEL)).toMatchObject({ provider: 'p', total: { failures: 200 } });
  });
});
