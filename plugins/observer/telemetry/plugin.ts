import * as v from 'valibot';
import type { Plugin } from '../../../core/plugin/types.ts';

/** The `telemetry:` entry of `plugins:`. */
export const TelemetryConfigSchema = v.object({
  /** Sliding window of the percentiles, success rates and rates. */
  window_ms: v.optional(v.pipe(v.number(), v.minValue(1000)), 300_000),
  /** Samples kept per provider/model at most (the newest win). */
  max_samples: v.optional(v.pipe(v.number(), v.integer(), v.minValue(10)), 1000),
});

export type TelemetryConfig = v.InferOutput<typeof TelemetryConfigSchema>;

/**
 * Telemetry from bus events (it never touches a request): per provider/model end-to-end
 * latency and time to first token p50/p95/p99, success rate and rate over a sliding window,
 * plus totals. `GET /api/metrics/summary` answers JSON, `GET /metrics` the Prometheus text
 * format; both sit behind the admin token.
 */
export default {
  name: 'telemetry',
  kind: 'observer',
  apiVersion: 1,
  description: 'Latency/TTFT percentiles, success rates and rates per provider/model; Prometheus /metrics.',
  config: TelemetryConfigSchema,
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupTelemetry } = await import('./setup-telemetry.ts');
    setupTelemetry(ctx);
  },
} satisfies Plugin<TelemetryConfig>;
