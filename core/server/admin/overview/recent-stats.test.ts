import { describe, expect, test } from 'bun:test';
import { Bus } from '../../../bus/bus.ts';
import { createRecentStats, percentiles } from './recent-stats.ts';

const ok = (latencyMs: number, extra: Partial<{ ttftMs: number; costUsd: number; input: number; output: number }> = {}) => ({
  id: 'r', provider: 'p', model: 'm', requestedModel: 'm', latencyMs, cached: false, status: 'ok',
  ttftMs: extra.ttftMs, costUsd: extra.costUsd, usage: { inputTokens: extra.input ?? 0, outputTokens: extra.output ?? 0 },
});
const failed = (latencyMs: number, usageStatus: string) => ({ id: 'r', status: 502, code: 'X', message: '', latencyMs, usageStatus });

describe('recent stats', () => {
  test('counts, errors, percentiles, tokens and cost over a window', () => {
    let t = 1_000_000;
    const bus = new Bus();
    const stats = createRecentStats(bus, { now: () => t });
    t += 60_000;
    bus.emit('response:completed', ok(100, { ttftMs: 10, costUsd: 0.001, input: 5, output: 7 }));
    bus.emit('response:completed', ok(300, { costUsd: 0.002, input: 1, output: 1 }));
    bus.emit('request:failed', failed(50, 'error'));
    bus.emit('request:failed', failed(20, 'client_cancelled'));
    bus.emit('request:failed', failed(10, 'rejected'));
    const w = stats.window(60_000);
    expect(w).toEqual({
      ms: 60_000, requests: 5, requestsPerSec: 0.083, errors: 1, errorRate: 0.2,
      latencyMs: percentiles([100, 300, 50, 20, 10]), ttftMs: { p50: 10, p95: 10, p99: 10 },
      tokens: { input: 6, output: 8 }, costUsd: 0.003,
    });
    t += 30_000;
    bus.emit('response:completed', ok(40));
    const recent = stats.window(20_000);
    expect(recent.requests).toBe(1);
    expect(recent.ttftMs).toEqual({ p50: null, p95: null, p99: null });
    expect(stats.window(120_000).requests).toBe(6);
  });

  test('samples older than 15 minutes are pruned as new ones arrive; close stops listening', () => {
    let t = 0;
    const bus = new Bus();
    const stats = createRecentStats(bus, { now: () => t });
    for (let i = 0; i < 600; i++) bus.emit('response:completed', ok(1));
    t += 16 * 60_000;
    for (let i = 0; i < 1024; i++) bus.emit('response:completed', ok(2));
    expect(stats.window(60 * 60_000).requests).toBe(1024);
    stats.close();
    bus.emit('response:completed', ok(3));
    expect(stats.window(60 * 60_000).requests).toBe(1024);
  });

  test('past 200 000 samples the oldest are overwritten, at a flat cost per event', () => {
    const t = 0;
    const bus = new Bus();
    const stats = createRecentStats(bus, { now: () => t });
    const started = performance.now();
    for (let i = 0; i < 150_000; i++) bus.emit('response:completed', ok(1));
    for (let i = 0; i < 100_000; i++) bus.emit('response:completed', ok(2));
    const tookMs = performance.now() - started;
    const w = stats.window(60_000);
    expect(w.requests).toBe(200_000);
    expect(w.latencyMs.p50).toBe(1);
    expect(w.latencyMs.p99).toBe(2);
    // Copying the samples on each event past the cap took minutes for this loop.
    expect(tookMs).toBeLessThan(5_000);
    stats.close();
  });
});
