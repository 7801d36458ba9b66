import { A } from '@solidjs/router';
import { createEffect, createMemo, For, on, Show } from 'solid-js';
import { api, optionalApi } from '../../api/api-client.ts';
import type { Overview } from '../../api/types.ts';
import { Badge, Pending } from '../../components/ui.tsx';
import { fmt, t, tn, tx } from '../../i18n/i18n.ts';
import { createLoader } from '../../lib/create-loader.ts';
import { MetricsTable, type MetricsSummary } from './metrics-table.tsx';

function Stat(props: { label: string; value: string; sub?: string; testid?: string }) {
  return (
    <div class="card stat" data-testid={props.testid}>
      <div class="label">{props.label}</div>
      <div class="value">{props.value}</div>
      <Show when={props.sub}><div class="sub">{props.sub}</div></Show>
    </div>
  );
}

const pcts = (p: { p50: number | null; p95: number | null; p99: number | null }) =>
  `p50 ${fmt.ms(p.p50)} · p95 ${fmt.ms(p.p95)} · p99 ${fmt.ms(p.p99)}`;

/** Health at a glance: traffic, latency, errors, breakers, plugins and the config state. */
export default function OverviewPage() {
  const ov = createLoader(() => api<Overview>('/api/overview'), 5000);
  // The per-model table is the telemetry plugin's route: asked only while that plugin runs (a
  // 404 every 5 s otherwise).
  const telemetry = createMemo(() => !!ov.data()?.plugins.some((p) => p.name === 'telemetry' && p.state === 'active'));
  const metrics = createLoader(async () => (telemetry() ? optionalApi<MetricsSummary>('/api/metrics/summary') : null), 5000);
  createEffect(on(telemetry, () => void metrics.reload(), { defer: true }));
  return (
    <>
      <div class="page-head"><h1>{t('overview.title')}</h1></div>
      <Show when={ov.data()} fallback={<Pending error={ov.error()} />}>
        {(o) => (
            <div class="stack">
              <Show when={o().config.lastReloadError}>
                {(err) => (
                  <div class="alert err" data-testid="reload-error">
                    <strong>{t('overview.reloadError')}</strong>{' '}
                    {err().file}{err().line ? `:${err().line}:${err().col}` : ''} — {err().message} ({fmt.time(err().at)})
                  </div>
                )}
              </Show>
              <div class="grid">
                <Stat testid="stat-requests" label={t('overview.requests')} value={fmt.num(o().window.requests)}
                  sub={t('overview.perSec', { n: fmt.num(o().window.requestsPerSec, 2) })} />
                <Stat label={t('overview.errorRate')} value={fmt.pct(o().window.errorRate)} sub={tn('overview.errors', o().window.errors)} />
                <Stat label={t('overview.latency')} value={fmt.ms(o().window.latencyMs.p50)} sub={pcts(o().window.latencyMs)} />
                <Stat label={t('overview.ttft')} value={fmt.ms(o().window.ttftMs.p50)} sub={pcts(o().window.ttftMs)} />
                <Stat label={t('overview.tokens')} value={fmt.num(o().window.tokens.input + o().window.tokens.output)}
                  sub={t('common.inOut', { input: fmt.num(o().window.tokens.input), output: fmt.num(o().window.tokens.output) })} />
                <Stat label={t('overview.cost')} value={fmt.usd(o().window.costUsd)} sub={t('overview.window', { m: Math.round(o().window.ms / 60000) })} />
                <Stat label={t('overview.uptime')} value={fmt.duration(o().uptimeSec * 1000)} sub={`v${o().version}`} />
                <Stat label={t('overview.memory')} value={`${fmt.num(o().memory.rssMb, 1)} MB`} sub={`heap ${fmt.num(o().memory.heapUsedMb, 1)} MB`} />
              </div>
              <div class="grid-2">
                <div class="card">
                  <h2>{t('overview.providers')}</h2>
                  <p>
                    <A href="/providers">{[tn('overview.providersTotal', o().providers.total), tn('overview.providersActive', o().providers.active),
                      tn('overview.providersDisabled', o().providers.disabled)].join(' · ')}</A>
                  </p>
                  <h3>{t('overview.breakers')}</h3>
                  <Show when={o().breakers} fallback={<p class="muted">{t('overview.noBreakerPlugin')}</p>}>
                    <Show when={o().breakers!.length > 0} fallback={<p class="muted">{t('overview.noBreakers')}</p>}>
                      <table>
                        <thead><tr><th>{t('common.provider')}</th><th>{t('common.account')}</th><th>{t('common.state')}</th><th>{t('overview.retryIn')}</th></tr></thead>
                        <tbody>
                          <For each={o().breakers!}>{(b) => (
                            <tr><td>{b.provider}</td><td>{b.account ?? '—'}</td><td><Badge state={b.state} label={tx(`overview.breaker.${b.state}`, b.state)} /></td><td>{fmt.duration(b.retryInMs)}</td></tr>
                          )}</For>
                        </tbody>
                      </table>
                    </Show>
                  </Show>
                </div>
                <div class="card">
                  <h2>{t('overview.plugins')}</h2>
                  <div class="row">
                    <For each={o().plugins}>{(p) => (
                      <span class="chip" title={p.error ?? p.kind}>{p.name} <Badge state={p.state} label={tx(`plugins.state.${p.state}`, p.state)} /></span>
                    )}</For>
                  </div>
                  <p class="muted small">{t('overview.config', { gen: o().config.generation, file: o().config.file })}</p>
                </div>
              </div>
              <Show when={metrics.data()?.series.length}>
                <div class="card"><h2>{t('overview.perModel')}</h2><MetricsTable summary={metrics.data()!} /></div>
              </Show>
            </div>
        )}
      </Show>
    </>
  );
}
