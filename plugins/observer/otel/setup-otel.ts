import { redactPatterns } from '../../../core/log/redact.ts';
import type { PluginContext } from '../../../core/plugin/types.ts';
import { OtlpExporter } from './otlp-exporter.ts';
import type { OtelConfig } from './plugin.ts';
import { createSpanRecorder } from './span-recorder.ts';

/** `<endpoint>/v1/traces`, unless the endpoint names the traces path itself. */
export function tracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
}

/** Setup of the otel plugin: the exporter, the hooks that start spans, the events that end them. */
export function setupOtel(ctx: PluginContext<OtelConfig>): void {
  const c = ctx.config;
  const exporter = new OtlpExporter({
    url: tracesUrl(c.endpoint), headers: c.headers, http: ctx.host.http, allowPrivateNetwork: c.allow_private_network,
    resource: { serviceName: c.service_name, version: ctx.host.version }, log: ctx.log,
    intervalMs: c.interval_ms, maxBatch: c.max_batch, maxQueue: c.max_queue,
  });
  // The host's redactor knows the configured keys; the patterns alone miss a provider key an upstream echoes.
  const spans = createSpanRecorder({ sampleRatio: c.sample_ratio, emit: (s) => exporter.add(s), redact: ctx.host.redact ?? redactPatterns });
  // First, so a request refused by another hook is traced too; attempts innermost, one span per upstream call.
  ctx.hook('beforeRequest', (req, call) => spans.beforeRequest(req, call), { order: 'pre' });
  ctx.hook('wrapCall', (next, attempt, call) => spans.wrapCall(next, attempt, call), { order: 'post' });
  ctx.on('response:completed', (e) => spans.completed(e));
  ctx.on('request:failed', (e) => spans.failed(e));
  ctx.onDispose(() => exporter.close());
}
