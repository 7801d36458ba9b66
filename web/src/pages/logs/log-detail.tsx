import { For, Show } from 'solid-js';
import { api } from '../../api/api-client.ts';
import type { LogDetail } from '../../api/types.ts';
import { Badge, JsonBlock, Pending } from '../../components/ui.tsx';
import { fmt, t, tx } from '../../i18n/i18n.ts';
import { createLoader } from '../../lib/create-loader.ts';

/** Pretty JSON when a captured body is JSON, the raw text otherwise (SSE). */
const pretty = (text: string) => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

/** One request: the route taken, every attempt with timings, the event trail and (debug mode) bodies. */
export function LogDetailPanel(props: { id: string; onClose: () => void }) {
  const detail = createLoader(() => api<LogDetail>(`/api/logs/${encodeURIComponent(props.id)}`));
  return (
    <section class="card" style={{ 'margin-bottom': '14px' }} data-testid="log-detail">
      <div class="row">
        <h2 style={{ margin: 0 }}>{t('logs.request')} <span class="mono small">{props.id}</span></h2>
        <span class="spacer" />
        <button class="icon" aria-label={t('common.close')} onClick={() => props.onClose()}>✕</button>
      </div>
      <Show when={detail.data()} fallback={<Pending error={detail.error()} />}>
        {(d) => (
          <div class="stack" style={{ 'margin-top': '10px' }}>
            <Show when={d().row}>
              {(r) => (
                <dl class="kv small">
                  <dt>{t('common.status')}</dt><dd><Badge state={r().status} label={tx(`logs.state.${r().status}`, r().status)} /> {r().httpStatus ?? ''} {r().errorCode ?? ''}</dd>
                  <dt>{t('logs.time')}</dt><dd>{fmt.dateTime(r().ts)}</dd>
                  <dt>{t('logs.dialect')}</dt><dd>{r().dialect} · {r().operation}{r().stream ? ` · ${t('logs.stream')}` : ''}{r().cached ? ` · ${t('logs.fromCache')}` : ''}</dd>
                  <dt>{t('common.model')}</dt><dd class="mono">{r().modelRequested} → {r().provider ?? '—'}/{r().upstreamModel ?? '—'} ({r().account ?? '—'})</dd>
                  <dt>{t('usage.tokens')}</dt><dd>{t('logs.tokenSplit', { input: r().inputTokens, output: r().outputTokens, cached: r().cachedTokens, reasoning: r().reasoningTokens })}{r().estimated ? ` ${t('logs.estimated')}` : ''}</dd>
                  <dt>{t('logs.timings')}</dt><dd>{t('logs.latency')} {fmt.ms(r().latencyMs)} · TTFT {fmt.ms(r().ttftMs)} · {t('logs.attempts')} {r().attempts}</dd>
                  <dt>{t('usage.cost')}</dt><dd>{fmt.usd(r().costUsd)}</dd>
                  <dt>{t('usage.key')}</dt><dd class="mono">{r().keyId ?? '—'}</dd>
                </dl>
              )}
            </Show>
            <Show when={d().trace} fallback={<p class="muted small">{t('logs.noTrace')}</p>}>
              {(tr) => (
                <>
                  <Show when={tr().route}>
                    {(route) => (
                      <div>
                        <h3>{t('logs.route')} <span class="muted small">{route().strategy ?? ''}</span></h3>
                        <div class="row"><For each={route().targets}>{(x, i) => <span class="chip">{i() + 1}. {x.provider}/{x.model}</span>}</For></div>
                      </div>
                    )}
                  </Show>
                  <div class="table-wrap">
                    <h3>{t('logs.attempts')}</h3>
                    <table class="small" data-testid="attempts">
                      <thead><tr><th>#</th><th>{t('common.provider')}</th><th>{t('common.model')}</th><th>{t('logs.outcome')}</th><th class="num">{t('logs.latency')}</th><th>{t('logs.error')}</th></tr></thead>
                      <tbody>
                        <For each={tr().attempts}>{(a) => (
                          <tr>
                            <td>{a.n}</td><td>{a.provider}{a.account ? ` (${a.account})` : ''}</td><td class="mono">{a.model}</td>
                            <td><Badge state={a.outcome === 'ok' || a.outcome === 'succeeded' ? 'ok' : a.outcome} label={`${a.outcome}${a.status ? ' ' + a.status : ''}`} /></td>
                            <td class="num">{fmt.ms(a.latencyMs)}</td><td>{a.code ?? ''} {a.error ?? ''}</td>
                          </tr>
                        )}</For>
                      </tbody>
                    </table>
                  </div>
                  <details>
                    <summary class="small muted">{t('logs.events', { n: tr().events.length })}</summary>
                    <ul class="feed">
                      <For each={tr().events}>{(e) => (
                        <li><span>{fmt.time(e.at)}</span><span>{e.type}</span><span>{JSON.stringify(e.data)}</span></li>
                      )}</For>
                    </ul>
                  </details>
                </>
              )}
            </Show>
            <Show when={d().bodies} fallback={<p class="muted small">{t('logs.noBodies')}</p>}>
              {(b) => (
                <div class="grid-2">
                  <div><h3>{t('logs.requestBody')}</h3><JsonBlock value={pretty(b().request)} /></div>
                  <div><h3>{t('logs.responseBody')}</h3><JsonBlock value={pretty(b().response)} /></div>
                </div>
              )}
            </Show>
          </div>
        )}
      </Show>
    </section>
  );
}
