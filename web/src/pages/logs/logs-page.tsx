import { A, useNavigate, useParams } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { api, query } from '../../api/api-client.ts';
import type { UsageRow } from '../../api/types.ts';
import { Badge, Pending, useAction } from '../../components/ui.tsx';
import { fmt, t, tx } from '../../i18n/i18n.ts';
import { createLoader } from '../../lib/create-loader.ts';
import { LogDetailPanel } from './log-detail.tsx';
import { LogsTabs } from './logs-tabs.tsx';
import { mergeLogRows } from './merge-log-rows.ts';

const STATUSES = ['ok', 'error', 'error_midstream', 'client_cancelled', 'rejected'];
const detailPath = (id: string) => `/logs/${encodeURIComponent(id)}`;

/** The request log: filters, pages of rows, and the detail of one request (`/logs/:id`). */
export default function LogsPage() {
  const params = useParams<{ id?: string }>();
  const navigate = useNavigate();
  const [status, setStatus] = createSignal('');
  const [model, setModel] = createSignal('');
  const [provider, setProvider] = createSignal('');
  const [key, setKey] = createSignal('');
  // Once older pages were loaded: every row shown so far, newest first. The poll only fetches the
  // newest page, so rows that slide off its bottom stay here instead of vanishing.
  const [kept, setKept] = createSignal<UsageRow[] | null>(null);
  const [next, setNext] = createSignal<number | null>(null);
  const typed = () => ({ status: status(), model: model().trim(), provider: provider().trim(), key: key().trim() });
  // The list follows the filters as last applied (Filter, Enter, the status menu), not a half-typed
  // value: the refresh and "Older requests" ask for the rows the list is showing.
  const [applied, setApplied] = createSignal(typed());
  const filters = () => ({ ...applied(), limit: 100 });
  const logs = createLoader(async () => {
    const r = await api<{ items: UsageRow[]; nextBefore: number | null }>(`/api/logs${query(filters())}`);
    if (!kept()) setNext(r.nextBefore);
    return r;
  }, 5000);
  const apply = (e?: Event) => {
    e?.preventDefault();
    setApplied(typed());
    setKept(null);
    void logs.reload();
  };
  const rows = () => {
    const page = logs.data()?.items ?? [];
    const k = kept();
    return k ? mergeLogRows(page, k) : page;
  };
  const [more] = useAction(async () => {
    const r = await api<{ items: UsageRow[]; nextBefore: number | null }>(`/api/logs${query({ ...filters(), before: next() })}`);
    setKept(mergeLogRows(rows(), r.items));
    setNext(r.nextBefore);
  });
  return (
    <>
      <div class="page-head"><h1>{t('logs.title')}</h1></div>
      <LogsTabs />
      <form class="row card" style={{ 'margin-bottom': '14px' }} onSubmit={apply}>
        <select aria-label={t('common.status')} data-testid="filter-status" value={status()} onChange={(e) => { setStatus(e.currentTarget.value); apply(); }}>
          <option value="">{t('logs.anyStatus')}</option>
          <For each={STATUSES}>{(s) => <option value={s}>{tx(`logs.state.${s}`, s)}</option>}</For>
        </select>
        <input placeholder={t('common.model')} aria-label={t('common.model')} data-testid="filter-model" value={model()} onInput={(e) => setModel(e.currentTarget.value)} />
        <input placeholder={t('common.provider')} aria-label={t('common.provider')} value={provider()} onInput={(e) => setProvider(e.currentTarget.value)} />
        <input placeholder={t('logs.keyId')} aria-label={t('logs.keyId')} value={key()} onInput={(e) => setKey(e.currentTarget.value)} />
        <button type="submit">{t('logs.filter')}</button>
      </form>
      <Show when={params.id} keyed>
        {(id) => <LogDetailPanel id={id} onClose={() => navigate('/logs')} />}
      </Show>
      <Show when={logs.data()} fallback={<Pending error={logs.error()} />}>
        <div class="card table-wrap">
          <Show when={rows().length > 0} fallback={<div class="empty">{t('logs.empty')}</div>}>
            <table data-testid="logs-table">
              <thead>
                <tr>
                  <th>{t('logs.time')}</th><th>{t('common.status')}</th><th>{t('common.model')}</th><th class="hide-sm">{t('logs.servedBy')}</th>
                  <th class="num">{t('usage.tokens')}</th><th class="num hide-sm">{t('usage.cost')}</th><th class="num">{t('logs.latency')}</th>
                </tr>
              </thead>
              <tbody>
                <For each={rows()}>{(r) => (
                  <tr class={params.id === r.requestId ? 'clickable selected' : 'clickable'} data-testid="log-row" data-request-id={r.requestId}
                    onClick={(e) => { if (!(e.target as Element).closest('a')) navigate(detailPath(r.requestId)); }}>
                    {/* The time is a link too: the keyboard's way to a request's detail. */}
                    <td class="small"><A href={detailPath(r.requestId)} class="plain">{fmt.dateTime(r.ts)}</A></td>
                    <td><Badge state={r.status} label={`${tx(`logs.state.${r.status}`, r.status)}${r.httpStatus ? ` ${r.httpStatus}` : ''}`} /></td>
                    <td class="mono small">{r.modelRequested}</td>
                    <td class="mono small hide-sm">{r.provider ? `${r.provider}/${r.upstreamModel ?? ''}` : '—'}{r.attempts > 1 ? ` (${r.attempts}×)` : ''}</td>
                    <td class="num">{fmt.num(r.inputTokens + r.outputTokens)}</td>
                    <td class="num hide-sm">{fmt.usd(r.costUsd)}</td>
                    <td class="num">{fmt.ms(r.latencyMs)}</td>
                  </tr>
                )}</For>
              </tbody>
            </table>
          </Show>
          <Show when={next()}>
            <div class="row end" style={{ 'margin-top': '10px' }}><button onClick={() => void more()}>{t('logs.more')}</button></div>
          </Show>
        </div>
      </Show>
    </>
  );
}
