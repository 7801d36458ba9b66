import { For } from 'solid-js';
import { fmt, t } from '../../i18n/i18n.ts';

/** The telemetry plugin's `GET /api/metrics/summary` (the fields shown here). */
export interface MetricsSummary {
  windowMs: number;
  series: Array<{
    provider: string; model: string; samples: number; successRate: number | null; requestsPerSecond: number;
    latencyMs: { p50: number | null; p95: number | null; p99: number | null };
    ttftMs: { p50: number | null; p95: number | null; p99: number | null };
  }>;
}

/** Latency and TTFT percentiles per provider/model, from the telemetry plugin. */
export function MetricsTable(props: { summary: MetricsSummary }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>{t('common.provider')}</th><th>{t('common.model')}</th><th class="num">{t('overview.samples')}</th>
            <th class="num">{t('overview.success')}</th><th class="num">p50</th><th class="num">p95</th><th class="num">TTFT p50</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.summary.series}>{(s) => (
            <tr>
              <td>{s.provider}</td><td class="mono">{s.model}</td><td class="num">{s.samples}</td>
              <td class="num">{fmt.pct(s.successRate)}</td><td class="num">{fmt.ms(s.latencyMs.p50)}</td>
              <td class="num">{fmt.ms(s.latencyMs.p95)}</td><td class="num">{fmt.ms(s.ttftMs.p50)}</td>
            </tr>
          )}</For>
        </tbody>
      </table>
    </div>
  );
}
