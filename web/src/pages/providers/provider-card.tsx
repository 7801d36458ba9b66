import { createSignal, For, Show } from 'solid-js';
import { api } from '../../api/api-client.ts';
import type { OAuthAccount, ProviderView, QuotaLine, TestResult, Timeseries } from '../../api/types.ts';
import { toast } from '../../components/toasts.tsx';
import { Badge, useAction } from '../../components/ui.tsx';
import { fmt, t, tn, tx } from '../../i18n/i18n.ts';
import { AccountsTable } from './accounts-table.tsx';
import { OAuthConnectModal } from './oauth-connect-modal.tsx';
import { oauthFlows } from './oauth-support.ts';

/** Data from optional plugin routes, shared by every card. */
export interface ProviderExtras {
  quotas: QuotaLine[];
  oauthAccounts: OAuthAccount[];
  usage: Timeseries['series'];
  /** Today's usage per `provider/account`. */
  accountUsage: Timeseries['series'];
}

/** One provider: status, switches, connection test, accounts and today's usage. */
export function ProviderCard(props: { provider: ProviderView; extras: ProviderExtras | undefined; onChanged: () => Promise<void> }) {
  const p = () => props.provider;
  const [testModel, setTestModel] = createSignal('');
  const [result, setResult] = createSignal<TestResult | null>(null);
  const [connecting, setConnecting] = createSignal(false);
  const [newKey, setNewKey] = createSignal('');
  const [newLabel, setNewLabel] = createSignal('');
  const base = () => `/api/providers/${encodeURIComponent(p().name)}`;

  const [toggle, toggling] = useAction(async () => {
    await api(`${base()}/${p().enabled ? 'disable' : 'enable'}`, { method: 'POST' });
    await props.onChanged();
  });
  const [test, testing] = useAction(async () => {
    setResult(null);
    setResult(await api<TestResult>(`${base()}/test`, { method: 'POST', body: testModel() ? { model: testModel() } : {} }));
  });
  const [remove] = useAction(async () => {
    if (!confirm(t('providers.confirmDelete', { name: p().name }))) return;
    await api(base(), { method: 'DELETE' });
    toast(t('providers.deleted', { name: p().name }));
    await props.onChanged();
  });
  const [addKey, addingKey] = useAction(async (e: Event) => {
    e.preventDefault();
    await api(`${base()}/keys`, { method: 'POST', body: { apiKey: newKey(), ...(newLabel() ? { label: newLabel() } : {}) } });
    setNewKey('');
    setNewLabel('');
    toast(t('providers.keyAdded'));
    await props.onChanged();
  });

  const usage = () => {
    const s = props.extras?.usage.find((x) => x.group === p().name);
    return s?.points.reduce((a, x) => ({ requests: a.requests + x.requests, tokens: a.tokens + x.tokens, costUsd: a.costUsd + x.costUsd }),
      { requests: 0, tokens: 0, costUsd: 0 });
  };
  const flows = () => oauthFlows(p());

  return (
    <section class="card" data-testid={`provider-${p().name}`}>
      <div class="row">
        <h2 style={{ margin: 0 }}>{p().name}</h2>
        <span class="chip">{p().preset ? `${p().preset} · ${p().type}` : p().type}</span>
        <Badge state={p().status} label={tx(`providers.status.${p().status}`, p().status)} />
        <Show when={p().breaker}>{(b) => <span class="small muted">{t('providers.breaker')} <Badge state={b().state} label={tx(`overview.breaker.${b().state}`, b().state)} /></span>}</Show>
        <span class="spacer" />
        <label class="check">
          <input type="checkbox" data-testid="provider-enabled" checked={p().enabled} disabled={toggling()} onChange={() => void toggle()} />
          {t('providers.enabled')}
        </label>
        <button class="danger" onClick={() => void remove()}>{t('common.delete')}</button>
      </div>
      <p class="muted small mono" style={{ margin: '6px 0 10px' }}>
        {p().baseUrl ?? '—'} · {t('providers.strategy')}: {p().accountStrategy}
        {p().allowPrivateNetwork ? ` · ${t('providers.privateNet')}` : ''}
      </p>
      <Show when={usage()}>
        {(u) => <p class="small">{t('providers.today', { requests: tn('common.requestCount', u().requests), tokens: tn('common.tokenCount', u().tokens), cost: fmt.usd(u().costUsd) })}</p>}
      </Show>
      <AccountsTable provider={p()} extras={props.extras} onChanged={props.onChanged} />
      <div class="row" style={{ 'margin-top': '10px' }}>
        <form class="row" onSubmit={(e) => void addKey(e)}>
          <input type="password" autocomplete="off" placeholder={t('providers.apiKey')} aria-label={t('providers.apiKey')}
            data-testid="new-key" value={newKey()} onInput={(e) => setNewKey(e.currentTarget.value)} />
          <input placeholder={t('providers.keyLabel')} aria-label={t('providers.keyLabel')} size={10}
            value={newLabel()} onInput={(e) => setNewLabel(e.currentTarget.value)} />
          <button type="submit" disabled={!newKey() || addingKey()}>{t('providers.addKey')}</button>
        </form>
        <Show when={flows().length > 0}>
          <button data-testid="oauth-connect" onClick={() => setConnecting(true)}>{t('providers.connect')}</button>
        </Show>
        <span class="spacer" />
        <select aria-label={t('common.model')} value={testModel()} onChange={(e) => setTestModel(e.currentTarget.value)}>
          <option value="">{p().models[0] ?? t('providers.defaultModel')}</option>
          <For each={p().models.slice(1)}>{(m) => <option value={m}>{m}</option>}</For>
        </select>
        <button data-testid="test-provider" disabled={testing()} onClick={() => void test()}>
          {testing() ? t('providers.testing') : t('providers.test')}
        </button>
      </div>
      <Show when={result()}>
        {(r) => (
          <div class={r().ok ? 'alert ok' : 'alert err'} style={{ 'margin-top': '10px' }} data-testid="test-result">
            {r().ok
              ? t('providers.testOk', { model: r().model ?? '', ms: Math.round(r().latencyMs) })
              : t('providers.testFailed', { status: r().status, error: r().error ?? '' })}
          </div>
        )}
      </Show>
      <Show when={connecting()}>
        <OAuthConnectModal provider={p().name} flows={flows()} onClose={() => setConnecting(false)}
          onConnected={() => { setConnecting(false); void props.onChanged(); }} />
      </Show>
    </section>
  );
}
