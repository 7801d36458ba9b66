import { createEffect, createSignal, For, Show, untrack } from 'solid-js';
import { api, ApiError } from '../../api/api-client.ts';
import type { ChatTestResult, Dialect, ProviderView, TranslateResult } from '../../api/types.ts';
import { ErrorBox, Field, JsonBlock, useAction } from '../../components/ui.tsx';
import { fmt, t } from '../../i18n/i18n.ts';
import { createLoader } from '../../lib/create-loader.ts';
import { DIALECTS, sampleBody } from './samples.ts';

/**
 * Paste a request in any client dialect: see the normalized form and the exact upstream request
 * for a provider (translate), or send it through the gateway and compare the four stages side
 * by side (chat tester).
 */
export default function PlaygroundPage() {
  const providers = createLoader(() => api<{ providers: ProviderView[] }>('/api/providers'));
  const models = createLoader(() => api<{ models: Array<{ id: string }> }>('/api/models'));
  const [dialect, setDialect] = createSignal<Dialect>('openai-chat');
  const [model, setModel] = createSignal('');
  const [provider, setProvider] = createSignal('');
  const [text, setText] = createSignal(JSON.stringify(sampleBody('openai-chat', ''), null, 2));
  const [translated, setTranslated] = createSignal<TranslateResult | null>(null);
  const [chat, setChat] = createSignal<ChatTestResult | null>(null);
  const body = () => {
    try {
      return JSON.parse(text()) as unknown;
    } catch (e) {
      throw new ApiError(400, t('playground.badJson', { error: (e as Error).message }), 'invalid_json');
    }
  };
  const request = () => ({ dialect: dialect(), body: body(), ...(model() ? { model: model() } : {}) });
  // One error box for both buttons: it shows the last action's error, never an older one.
  const [translate, translating, tError, clearTError] = useAction(async () => {
    clearSError();
    setTranslated(await api<TranslateResult>('/api/playground/translate', { method: 'POST', body: { ...request(), ...(provider() ? { provider: provider() } : {}) } }));
  }, true);
  const [send, sending, sError, clearSError] = useAction(async () => {
    clearTError();
    setChat(await api<ChatTestResult>('/api/playground/chat', { method: 'POST', body: request() }));
  }, true);
  // The sample is sent as it is, and an empty model is refused: start from the first routable one.
  createEffect(() => {
    const first = models.data()?.models[0]?.id;
    if (!first || untrack(model)) return;
    const untouched = untrack(text) === JSON.stringify(sampleBody(untrack(dialect), ''), null, 2);
    setModel(first);
    if (untouched) setText(JSON.stringify(sampleBody(untrack(dialect), untrack(dialect) === 'gemini' ? '' : first), null, 2));
  });
  const pickDialect = (d: Dialect) => {
    setDialect(d);
    setText(JSON.stringify(sampleBody(d, d === 'gemini' ? '' : model()), null, 2));
  };

  return (
    <>
      <div class="page-head"><h1>{t('playground.title')}</h1></div>
      <datalist id="pg-models"><For each={models.data()?.models ?? []}>{(m) => <option value={m.id} />}</For></datalist>
      <div class="card stack">
        <div class="form">
          <Field label={t('playground.dialect')}>
            <select data-testid="pg-dialect" value={dialect()} onChange={(e) => pickDialect(e.currentTarget.value as Dialect)}>
              <For each={DIALECTS}>{(d) => <option value={d}>{d}</option>}</For>
            </select>
          </Field>
          <Field label={t('common.model')} hint={t('playground.modelHint')}>
            <input list="pg-models" data-testid="pg-model" value={model()} onInput={(e) => setModel(e.currentTarget.value)} />
          </Field>
          <Field label={t('playground.provider')}>
            <select data-testid="pg-provider" value={provider()} onChange={(e) => setProvider(e.currentTarget.value)}>
              <option value="">{t('playground.byRoute')}</option>
              <For each={providers.data()?.providers ?? []}>{(p) => <option value={p.name}>{p.name}</option>}</For>
            </select>
          </Field>
        </div>
        <Field label={t('playground.body')}>
          <textarea data-testid="pg-body" rows={10} value={text()} onInput={(e) => setText(e.currentTarget.value)} />
        </Field>
        <div class="row">
          <button class="primary" data-testid="pg-translate" disabled={translating()} onClick={() => void translate()}>{t('playground.translate')}</button>
          <button data-testid="pg-send" disabled={sending()} onClick={() => void send()}>{t('playground.send')}</button>
        </div>
        <ErrorBox error={tError() ?? sError()} />
      </div>
      <Show when={translated()}>
        {(r) => (
          <div class="grid-2" style={{ 'margin-top': '14px' }} data-testid="pg-translation">
            <div class="card">
              <h2>{t('playground.normalized')}</h2>
              <p class="small muted">{r().normalized.operation} · {r().normalized.model}{r().normalized.stream ? ` · ${t('logs.stream')}` : ''}
                <Show when={r().route}>{(route) => <> · {t('logs.route')}: {route().targets.map((x) => `${x.provider}/${x.model}`).join(' → ')}</>}</Show>
              </p>
              <JsonBlock value={r().normalized.body} testid="pg-normalized" />
            </div>
            <div class="card">
              <h2>{t('playground.upstream')}</h2>
              <Show when={r().upstream} fallback={<p class="muted">{t('playground.noUpstream')}</p>}>
                {(u) => (
                  <>
                    <p class="small"><span class="badge info">{u().lane}</span> <span class="mono">POST {u().url}</span></p>
                    <JsonBlock value={u().headers} />
                    <div style={{ 'margin-top': '8px' }}><JsonBlock value={u().body} testid="pg-upstream-body" /></div>
                  </>
                )}
              </Show>
              <For each={r().notes}>{(n) => <p class="small muted">• {n}</p>}</For>
            </div>
          </div>
        )}
      </Show>
      <Show when={chat()}>
        {(c) => (
          <div style={{ 'margin-top': '14px' }} data-testid="pg-chat">
            <p class="small muted">{t('playground.chatSummary', { status: c().status, ms: fmt.ms(c().latencyMs), id: c().requestId })}</p>
            <div class="grid-2">
              <div class="card"><h3>1. {t('playground.clientRequest')}</h3><JsonBlock value={c().clientRequest.body} /></div>
              <div class="card"><h3>2. {t('playground.upstreamRequest')}</h3>
                <For each={c().upstreamRequests}>{(u) => <><p class="small mono">{u.method} {u.url}</p><JsonBlock value={u.body} /></>}</For>
              </div>
              <div class="card"><h3>3. {t('playground.upstreamReply')}</h3>
                <For each={c().upstreamReplies}>{(u) => <><p class="small">HTTP {u.status}</p><JsonBlock value={u.body} /></>}</For>
              </div>
              <div class="card"><h3>4. {t('playground.translatedReply')}</h3><p class="small">HTTP {c().reply.status}</p><JsonBlock value={c().reply.body} testid="pg-reply" /></div>
            </div>
          </div>
        )}
      </Show>
    </>
  );
}
