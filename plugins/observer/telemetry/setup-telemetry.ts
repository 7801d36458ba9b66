import type { PluginContext } from '../../../core/plugin/types.ts';
import type { TelemetryConfig } from './plugin.ts';
import { renderPrometheus } from './render-prometheus.ts';
import { TelemetryStore } from './telemetry-store.ts';

const STORES = new Map<string, TelemetryStore>();

function storeFor(ctx: PluginContext<TelemetryConfig>): TelemetryStore {
  const id = `${ctx.host.dataDir}\0${ctx.name}`;
  let s = STORES.get(id);
  if (!s) {
    s = new TelemetryStore(ctx.host.now(), ctx.config.window_ms, ctx.config.max_samples);
    STORES.set(id, s);
  }
  s.resize(ctx.config.window_ms, ctx.config.max_samples);
  return s;
}

/** Failures that say nothing about the upstream: the client left or the request ran out of time. */
const NOT_UPSTREAM = new Set(['GW_CLIENT_CLOSED', 'GW_DEADLINE']);

/** Setup of the telemetry plugin: the bus listeners and the metrics routes. */
export function setupTelemetry(ctx: PluginContext<TelemetryConfig>): void {
  const store = storeFor(ctx);
  const now = () => ctx.host.now();
  // While a reload overlaps two instances, both hear every event: only the newest counts.
  const token = Symbol(ctx.name);
  store.owner = token;
  const on: typeof ctx.on = (type, fn) => ctx.on(type, (e) => {
    if (store.owner === token) fn(e);
  });

  on('request:received', () => {
    store.received++;
  });
  on('response:completed', (e) => {
    // Token counts are a client's bookkeeping, not traffic (see the event).
    if (e.operation === 'countTokens') return;
    const t = now();
    store.requestEnded(t, e.status, e.cached);
    if (e.cached || !e.provider) return;
    store.success(t, e.provider, e.model, {
      latencyMs: e.latencyMs, ttftMs: e.ttftMs, inputTokens: e.usage?.inputTokens ?? 0,
      outputTokens: e.usage?.outputTokens ?? 0, costUsd: e.costUsd ?? 0,
    });
  });
  on('request:failed', (e) => {
    if (e.operation === 'countTokens') return;
    const t = now();
    store.requestEnded(t, e.usageStatus);
    // A stream that broke after it started failed without an `attempt:failed`.
    if (e.usageStatus === 'error_midstream' && e.provider && e.model) store.failure(t, e.provider, e.model);
  });
  on('attempt:failed', (e) => {
    if (!NOT_UPSTREAM.has(e.code)) store.failure(now(), e.provider, e.model);
  });

  ctx.provide('api', {
    method: 'GET',
    path: '/api/metrics/summary',
    summary: 'Latency and TTFT percentiles, success rate and rate per provider/model over the sliding window.',
    handle: () => Response.json(store.summary(now())),
  });
  ctx.provide('api', {
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics (text exposition format).',
    handle: () => new Response(renderPrometheus(store.summary(now())), {
      headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
    }),
  });
}
