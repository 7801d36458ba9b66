import type { TelemetrySummary } from './telemetry-store.ts';

/** A label value with `\`, `"` and newlines escaped as the exposition format wants. */
function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(l: Record<string, string>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function num(n: number): string {
  return Number.isFinite(n) ? String(Math.round(n * 1e6) / 1e6) : 'NaN';
}

/**
 * The telemetry summary in the Prometheus text exposition format (version 0.0.4). Counters are
 * totals since start; latency and TTFT are summaries whose quantiles cover the sliding window
 * and whose `_sum`/`_count` are totals, as Prometheus summaries are.
 *
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */
export function renderPrometheus(s: TelemetrySummary): string {
  const out: string[] = [];
  const metric = (name: string, type: string, help: string, rows: Array<[Record<string, string>, number]>) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of rows) out.push(`${name}${labels(l)} ${num(v)}`);
  };
  metric('switchyard_requests_total', 'counter', 'Requests that ended, by outcome.',
    Object.entries(s.totals.byStatus).map(([status, n]) => [{ status }, n]));
  metric('switchyard_requests_in_flight', 'gauge', 'Requests received and not yet ended.', [[{}, s.totals.inFlight]]);
  metric('switchyard_requests_per_second', 'gauge', 'Requests ended per second over the sliding window.', [[{}, s.totals.requestsPerSecond]]);
  metric('switchyard_cached_responses_total', 'counter', 'Requests answered without an upstream call (cache, idempotent replay).', [[{}, s.totals.cached]]);

  const pm = (x: { provider: string; model: string }) => ({ provider: x.provider, model: x.model });
  metric('switchyard_upstream_requests_total', 'counter', 'Upstream outcomes per provider and model.',
    s.series.flatMap((x) => [[{ ...pm(x), outcome: 'success' }, x.total.successes], [{ ...pm(x), outcome: 'failure' }, x.total.failures]] as Array<[Record<string, string>, number]>));
  metric('switchyard_upstream_success_ratio', 'gauge', 'Share of successful upstream outcomes over the sliding window.',
    s.series.filter((x) => x.successRate !== null).map((x) => [pm(x), x.successRate!]));
  metric('switchyard_upstream_requests_per_second', 'gauge', 'Upstream outcomes per second over the sliding window.',
    s.series.map((x) => [pm(x), x.requestsPerSecond]));

  for (const [name, help, pick, sum, count] of [
    ['switchyard_request_duration_seconds', 'End-to-end latency of requests served, per provider and model.', 'latencyMs', 'latencySumMs', 'successes'],
    ['switchyard_time_to_first_token_seconds', 'Time to the first content of requests served, per provider and model.', 'ttftMs', 'ttftSumMs', 'ttftCount'],
  ] as const) {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} summary`);
    for (const x of s.series) {
      for (const [q, key] of [['0.5', 'p50'], ['0.95', 'p95'], ['0.99', 'p99']] as const) {
        const v = x[pick][key];
        if (v !== null) out.push(`${name}${labels({ ...pm(x), quantile: q })} ${num(v / 1000)}`);
      }
      out.push(`${name}_sum${labels(pm(x))} ${num(x.total[sum] / 1000)}`, `${name}_count${labels(pm(x))} ${num(x.total[count])}`);
    }
  }
  metric('switchyard_tokens_total', 'counter', 'Tokens of requests served, per provider, model and direction.',
    s.series.flatMap((x) => [[{ ...pm(x), direction: 'input' }, x.total.inputTokens], [{ ...pm(x), direction: 'output' }, x.total.outputTokens]] as Array<[Record<string, string>, number]>));
  metric('switchyard_cost_usd_total', 'counter', 'Cost in USD of requests served, per provider and model.', s.series.map((x) => [pm(x), x.total.costUsd]));
  return out.join('\n') + '\n';
}
