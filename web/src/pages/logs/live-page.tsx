import { createSignal, For, onCleanup, Show } from 'solid-js';
import { events } from '../../api/event-stream.ts';
import type { BusEvent } from '../../api/types.ts';
import { Badge } from '../../components/ui.tsx';
import { fmt, t } from '../../i18n/i18n.ts';
import { LogsTabs } from './logs-tabs.tsx';

interface LiveRequest {
  id: string;
  at: number;
  model: string;
  dialect: string;
  stream: boolean;
  provider: string | null;
  attempts: number;
  status: 'running' | 'ok' | 'error';
  code: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
  tokens: number | null;
}

const MAX = 100;
const str = (v: unknown) => (typeof v === 'string' ? v : null);
const num = (v: unknown) => (typeof v === 'number' ? v : null);

/** Folds one bus event into the request it belongs to. */
function apply(list: LiveRequest[], e: BusEvent): LiveRequest[] {
  const d = e.data ?? {};
  const id = str(d.id);
  if (!id) return list;
  if (e.type === 'request:received') {
    const row: LiveRequest = {
      id, at: e.at, model: str(d.model) ?? '?', dialect: str(d.dialect) ?? '', stream: d.stream === true,
      provider: null, attempts: 0, status: 'running', code: null, latencyMs: null, ttftMs: null, tokens: null,
    };
    return [row, ...list].slice(0, MAX);
  }
  return list.map((r) => {
    if (r.id !== id) return r;
    switch (e.type) {
      case 'attempt:started': return { ...r, attempts: r.attempts + 1, provider: `${str(d.provider) ?? ''}/${str(d.model) ?? ''}` };
      case 'stream:first-part': return { ...r, ttftMs: num(d.ttftMs) };
      case 'response:completed': {
        const u = (d.usage ?? {}) as { inputTokens?: number; outputTokens?: number };
        return { ...r, status: 'ok', latencyMs: num(d.latencyMs), tokens: (u.inputTokens ?? 0) + (u.outputTokens ?? 0), provider: r.provider ?? str(d.provider) };
      }
      case 'request:failed': return { ...r, status: 'error', code: str(d.code), latencyMs: num(d.latencyMs) };
      default: return r;
    }
  });
}

/** Requests as they happen, from the server-sent event stream of the bus. */
export default function LivePage() {
  const [rows, setRows] = createSignal<LiveRequest[]>([]);
  const [feed, setFeed] = createSignal<BusEvent[]>([]);
  const [paused, setPaused] = createSignal(false);
  const [connected, setConnected] = createSignal(false);
  onCleanup(events.onStatus(setConnected));
  onCleanup(events.subscribe(['request:*', 'attempt:*', 'stream:first-part', 'response:completed'], (e) => {
    if (paused()) return;
    setRows((l) => apply(l, e));
    setFeed((l) => [e, ...l].slice(0, 200));
  }));
  return (
    <>
      <div class="page-head">
        <h1>{t('logs.title')}</h1>
        <span class="row small"><span class={connected() ? 'live-dot on' : 'live-dot'} data-testid="live-status" />{connected() ? t('logs.connected') : t('logs.disconnected')}</span>
        <button onClick={() => setPaused(!paused())}>{paused() ? t('logs.resume') : t('logs.pause')}</button>
        <button onClick={() => { setRows([]); setFeed([]); }}>{t('logs.clear')}</button>
      </div>
      <LogsTabs />
      <div class="card table-wrap">
        <Show when={rows().length > 0} fallback={<div class="empty">{t('logs.waiting')}</div>}>
          <table data-testid="live-table">
            <thead>
              <tr><th>{t('logs.time')}</th><th>{t('common.status')}</th><th>{t('common.model')}</th><th>{t('logs.servedBy')}</th>
                <th class="num">TTFT</th><th class="num">{t('logs.latency')}</th><th class="num">{t('usage.tokens')}</th></tr>
            </thead>
            <tbody>
              <For each={rows()}>{(r) => (
                <tr data-testid="live-row" data-request-id={r.id}>
                  <td class="small">{fmt.time(r.at)}</td>
                  <td><Badge state={r.status === 'running' ? 'probing' : r.status} label={r.code ?? t(`logs.state.${r.status}`)} /></td>
                  <td class="mono small">{r.model}<Show when={r.stream}> <span class="chip">{t('logs.stream')}</span></Show></td>
                  <td class="mono small">{r.provider ?? '—'}{r.attempts > 1 ? ` (${r.attempts}×)` : ''}</td>
                  <td class="num">{fmt.ms(r.ttftMs)}</td><td class="num">{fmt.ms(r.latencyMs)}</td><td class="num">{fmt.num(r.tokens)}</td>
                </tr>
              )}</For>
            </tbody>
          </table>
        </Show>
      </div>
      <details class="card" style={{ 'margin-top': '14px' }}>
        <summary>{t('logs.rawEvents', { n: feed().length })}</summary>
        <ul class="feed">
          <For each={feed()}>{(e) => (
            <li><span>{fmt.time(e.at)}</span><span>{e.type}</span><span>{JSON.stringify(e.data)}</span></li>
          )}</For>
        </ul>
      </details>
    </>
  );
}
