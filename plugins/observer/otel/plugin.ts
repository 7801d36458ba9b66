import * as v from 'valibot';
import type { Plugin } from '../../../core/plugin/types.ts';

/** The `otel:` entry of `plugins:`. */
export const OtelConfigSchema = v.object({
  /**
   * The collector's OTLP/HTTP base URL (`http://127.0.0.1:4318`, a vendor's OTLP endpoint);
   * spans go to `<endpoint>/v1/traces` unless it already ends that way.
   */
  endpoint: v.pipe(v.string(), v.url()),
  /** Sent with every export (an `authorization` for a hosted collector); use `${ENV}` for secrets. */
  headers: v.optional(v.record(v.string(), v.string()), {}),
  /** `service.name` of the exported resource. */
  service_name: v.optional(v.pipe(v.string(), v.minLength(1)), 'switchyard'),
  /** Share of requests traced (0–1); a client's `traceparent` decides for its own trace. */
  sample_ratio: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1)), 1),
  /** A batch is sent at least this often while spans wait. */
  interval_ms: v.optional(v.pipe(v.number(), v.minValue(100)), 5000),
  /** Spans per export request. */
  max_batch: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 512),
  /** Spans kept while the collector is unreachable; the oldest are dropped past it. */
  max_queue: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 8192),
  /** The collector runs on this machine or the LAN (loopback/private addresses are refused otherwise). */
  allow_private_network: v.optional(v.boolean(), false),
});

export type OtelConfig = v.InferOutput<typeof OtelConfigSchema>;

/**
 * OpenTelemetry traces over OTLP/HTTP: a span per request (GenAI conventions: operation, models,
 * provider, token usage; plus cost, key, cache and outcome) with a child span per upstream
 * attempt, so fallbacks and retries show in any tracing backend. Joins the client's trace when
 * it sends `traceparent`. Off unless listed under `plugins:`.
 */
export default {
  name: 'otel',
  kind: 'observer',
  apiVersion: 1,
  description: 'OpenTelemetry traces (OTLP/HTTP JSON): a span per request and per upstream attempt, GenAI attributes, cost.',
  config: OtelConfigSchema,
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupOtel } = await import('./setup-otel.ts');
    setupOtel(ctx);
  },
} satisfies Plugin<OtelConfig>;
