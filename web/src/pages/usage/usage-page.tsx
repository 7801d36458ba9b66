import { createMemo, createSignal, For, Show } from 'solid-js';
import { api, query } from '../../api/api-client.ts';
import type { KeyView, Timeseries, UsageTotals } from '../../api/types.ts';
import { BarChart } from '../../components/bar-chart.tsx';
import { Pending } from '../../components/ui.tsx';
import { fmt, locale, t } from '../../i18n/i18n.ts';
import { createLoader } from '../../lib/create-loader.ts';
import { BudgetBars } from './budget-bars.tsx';
import { toChart, type Metric } from './usage-series.ts';

const RANGES = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
type Range = keyof typeof RANGES;

/** Requests, tokens and cost over time by model/provider/key, daily and monthly totals, budgets, CSV. */
export default function UsagePage() {
  const tz = -new Date().getTimezoneOffset();
  const [range, setRange] = createSignal<Range>('24h');
  const [groupBy, setGroupBy] = createSignal<'model' | 'provider' | 'key'>('model');
  const [metric, setMetric] = createSignal<Metric>('requests');
  const [period, setPeriod] = createSignal<'day' | 'month'>('day');
  const span = () => {
    const to = Date.now() + 1;
    return { from: to - RANGES[range()], to };
  };
  const bucket = () => (range() === '24h' ? 'hour' : 'day');
  const ts = createLoader(() => {
    const w = span();
    return api<Timeseries>(`/api/usage/timeseries${query({ ...w, bucket: bucket(), groupBy: groupBy(), tzOffsetMin: tz })}`);
  }, 15_000);
  const totals = createLoader(() => api<UsageTotals>(`/api/usage/totals${query({ period: period(), tzOffsetMin: tz })}`), 30_000);
  const keys = createLoader(() => api<{ keys: KeyView[] }>('/api/keys'), 30_000);
  const refresh = () => { void ts.reload(); void totals.reload(); };
  const fmtMetric = (n: number) => (metric() === 'costUsd' ? fmt.usd(n) : fmt.num(n));
  /** A client key's name as the keys page shows it (the id when the key is not listed). */
  const keyLabel = (id: string | null) => {
    if (id === null) return t('usage.noKey');
    const k = keys.data()?.keys.find((x) => x.id === id);
    return k ? `${k.name} (${k.prefix}…)` : id;
  };
  const chart = createMemo(() => {
    const d = ts.data();
    if (!d) return null;
    const named = d.groupBy === 'key' ? { ...d, series: d.series.map((s) => ({ ...s, group: keyLabel(s.group) })) } : d;
    return toChart(named, metric(), tz, t('usage.other'));
  });
  const label = (start: number) => {
    const d = new Date(start);
    return bucket() === 'hour' ? `${String(d.getHours()).padStart(2, '0')}h` : d.toLocaleDateString(locale(), { day: 'numeric', month: 'numeric' });
  };
  const csv = () => `/api/usage/export.csv${query({ ...span(), tzOffsetMin: tz })}`;
  const sel = <T extends string>(set: (v: T) => void) => (e: Event & { currentTarget: HTMLSelectElement }) => { set(e.currentTarget.value as T); refresh(); };

  return (
    <>
      <div class="page-head">
        <h1>{t('usage.title')}</h1>
        {/* The range ends when the button is clicked, not when the page was opened. */}
        <a class="btn" href={csv()} download="" data-testid="csv-export" onClick={(e) => { e.currentTarget.href = csv(); }}>{t('usage.csv')}</a>
      </div>
      <div class="card">
        <div class="row" style={{ 'margin-bottom': '10px' }}>
          <select aria-label={t('usage.range')} value={range()} onChange={sel(setRange)}>
            <For each={Object.keys(RANGES) as Range[]}>{(r) => <option value={r}>{t(`usage.range.${r}`)}</option>}</For>
          </select>
          <select aria-label={t('usage.groupBy')} data-testid="usage-group" value={groupBy()} onChange={sel(setGroupBy)}>
            <option value="model">{t('common.model')}</option>
            <option value="provider">{t('common.provider')}</option>
            <option value="key">{t('usage.key')}</option>
          </select>
          <select aria-label={t('usage.metric')} value={metric()} onChange={(e) => setMetric(e.currentTarget.value as Metric)}>
            <option value="requests">{t('common.requests')}</option>
            <option value="tokens">{t('usage.tokens')}</option>
            <option value="costUsd">{t('usage.cost')}</option>
          </select>
        </div>
        <Show when={ts.data()} fallback={<Pending error={ts.error()} />}>
          {(d) => (
            <>
              <div class="grid" style={{ 'margin-bottom': '12px' }} data-testid="usage-totals">
                <div class="stat"><div class="label">{t('common.requests')}</div><div class="value" data-testid="usage-requests">{fmt.num(d().totals.requests)}</div></div>
                <div class="stat"><div class="label">{t('common.errors')}</div><div class="value">{fmt.num(d().totals.errors)}</div></div>
                <div class="stat"><div class="label">{t('usage.tokens')}</div><div class="value">{fmt.num(d().totals.tokens)}</div>
                  <div class="sub">{t('common.inOut', { input: fmt.num(d().totals.inputTokens), output: fmt.num(d().totals.outputTokens) })}</div></div>
                <div class="stat"><div class="label">{t('usage.cost')}</div><div class="value">{fmt.usd(d().totals.costUsd)}</div></div>
              </div>
              <Show when={d().series.length > 0} fallback={<div class="empty">{t('usage.empty')}</div>}>
                <BarChart testid="usage-chart" labels={chart()!.starts.map(label)} series={chart()!.series} format={fmtMetric} integer={metric() !== 'costUsd'} />
              </Show>
            </>
          )}
        </Show>
      </div>
      <div class="grid-2" style={{ 'margin-top': '14px' }}>
        <div class="card">
          <div class="row" style={{ 'margin-bottom': '8px' }}>
            <h2 style={{ margin: 0 }}>{t('usage.totals')}</h2>
            <span class="spacer" />
            <select aria-label={t('usage.period')} value={period()} onChange={(e) => { setPeriod(e.currentTarget.value as 'day' | 'month'); void totals.reload(); }}>
              <option value="day">{t('usage.perDay')}</option>
              <option value="month">{t('usage.perMonth')}</option>
            </select>
          </div>
          <Show when={totals.data()} fallback={<Pending error={totals.error()} />}>
            {(d) => (
              <Show when={d().rows.length > 0} fallback={<div class="empty">{t('usage.empty')}</div>}>
                <div class="table-wrap" style={{ 'max-height': '320px' }}>
                  <table data-testid="usage-period-table">
                    <thead><tr><th>{t('usage.period')}</th><th class="num">{t('common.requests')}</th><th class="num">{t('usage.tokens')}</th><th class="num">{t('usage.cost')}</th></tr></thead>
                    <tbody>
                      <For each={[...d().rows].reverse()}>{(r) => (
                        <tr><td>{r.period}</td><td class="num">{fmt.num(r.requests)}</td><td class="num">{fmt.num(r.tokens)}</td><td class="num">{fmt.usd(r.costUsd)}</td></tr>
                      )}</For>
                    </tbody>
                  </table>
                </div>
              </Show>
            )}
          </Show>
        </div>
        <div class="card">
          <h2>{t('usage.budgets')}</h2>
          <BudgetBars keys={keys.data()?.keys ?? []} />
        </div>
      </div>
    </>
  );
}
