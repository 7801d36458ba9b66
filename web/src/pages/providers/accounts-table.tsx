import { For, Show } from 'solid-js';
import { api } from '../../api/api-client.ts';
import type { OAuthAccount, ProviderView, QuotaLine } from '../../api/types.ts';
import { toast } from '../../components/toasts.tsx';
import { Badge, Countdown, Meter, useAction } from '../../components/ui.tsx';
import { fmt, t, tx } from '../../i18n/i18n.ts';
import type { ProviderExtras } from './provider-card.tsx';

interface Row {
  id: string;
  label: string;
  source: string;
  key: string;
  state: string;
  oauth?: OAuthAccount;
}

/** Quota lines of the quota plugin: used / limit per metric with the reset countdown. */
function QuotaLines(props: { lines: QuotaLine[] }) {
  return (
    <For each={props.lines}>{(q) => (
      <div class="small" data-testid="quota-line">
        <For each={Object.keys(q.limits)}>{(metric) => (
          <div>
            <span class="muted">{q.window} · {metric}: </span>
            {t('providers.quotaLeft', { left: fmt.num(q.remaining[metric]), limit: fmt.num(q.limits[metric]) })}
            <Meter value={q.used[metric] ?? 0} max={q.limits[metric] ?? 0} />
          </div>
        )}</For>
        <Show when={q.resetsAt}>
          <span class="muted">{t('providers.resetsIn')} </span><Countdown until={q.resetsAt ? Date.parse(q.resetsAt) : null} />
        </Show>
        <Show when={q.exhausted}> <Badge state="error" label={t('providers.exhausted')} /></Show>
      </div>
    )}</For>
  );
}

/** Subscription windows reported for an OAuth account (5-hour, weekly…). */
function OAuthWindows(props: { account: OAuthAccount }) {
  return (
    <For each={props.account.windows}>{(w) => (
      <div class="small">
        <span class="muted">{w.name}: </span>{fmt.num(w.usedPercent, 1)}%
        <Meter value={w.usedPercent} max={100} />
        <Show when={w.resetsAt}><span class="muted">{t('providers.resetsIn')} </span><Countdown until={w.resetsAt ?? null} /></Show>
      </div>
    )}</For>
  );
}

/** Accounts of one provider (config keys, dashboard keys, OAuth logins) with their quotas. */
export function AccountsTable(props: { provider: ProviderView; extras: ProviderExtras | undefined; onChanged: () => Promise<void> }) {
  const name = () => props.provider.name;
  const oauth = () => props.extras?.oauthAccounts.filter((a) => a.provider === name()) ?? [];
  const rows = (): Row[] => {
    const list: Row[] = props.provider.accounts.map((a) => ({ ...a, oauth: oauth().find((o) => o.accountId === a.id) }));
    for (const o of oauth()) {
      if (!list.some((r) => r.id === o.accountId)) list.push({ id: o.accountId, label: o.label, source: 'oauth', key: '—', state: o.state, oauth: o });
    }
    return list;
  };
  const usedToday = (account: string) => {
    const s = props.extras?.accountUsage.find((x) => x.group === `${name()}/${account}`);
    return s?.points.reduce((a, x) => ({ requests: a.requests + x.requests, tokens: a.tokens + x.tokens, costUsd: a.costUsd + x.costUsd }),
      { requests: 0, tokens: 0, costUsd: 0 });
  };
  const quotas = (account: string | null) => props.extras?.quotas.filter((q) => q.provider === name() && q.account === account) ?? [];
  const [removeKey] = useAction(async (r: Row) => {
    if (!confirm(t('providers.confirmRemoveKey', { label: r.label }))) return;
    const path = r.source === 'oauth'
      ? `/api/accounts/${encodeURIComponent(name())}/${encodeURIComponent(r.id)}`
      : `/api/providers/${encodeURIComponent(name())}/keys/${encodeURIComponent(r.id)}`;
    await api(path, { method: 'DELETE' });
    toast(t('providers.keyRemoved'));
    await props.onChanged();
  });
  return (
    <>
      <QuotaLines lines={quotas(null)} />
      <Show when={rows().length > 0} fallback={<p class="muted small">{t('providers.noAccounts')}</p>}>
        <div class="table-wrap">
          <table class="rows-sm" data-testid="accounts">
            <thead>
              <tr><th>{t('common.account')}</th><th>{t('providers.source')}</th><th>{t('providers.key')}</th><th>{t('common.state')}</th><th>{t('providers.quota')}</th><th>{t('providers.usedToday')}</th><th /></tr>
            </thead>
            <tbody>
              <For each={rows()}>{(r) => (
                <tr>
                  <td>{r.label}</td>
                  <td><span class="chip">{r.source}</span></td>
                  <td class="mono" data-testid="masked-key">{r.key}</td>
                  <td><Badge state={r.state} label={tx(`providers.status.${r.state}`, r.state)} /></td>
                  <td style={{ 'min-width': '180px' }}>
                    <QuotaLines lines={quotas(r.id)} />
                    <Show when={r.oauth}>{(o) => <OAuthWindows account={o()} />}</Show>
                  </td>
                  <td class="small" data-testid="account-usage">
                    <Show when={usedToday(r.id)} fallback={<span class="muted">—</span>}>
                      {(u) => `${u().requests} · ${fmt.num(u().tokens)} · ${fmt.usd(u().costUsd)}`}
                    </Show>
                  </td>
                  <td>
                    <Show when={r.source === 'dashboard' || r.source === 'oauth'}>
                      <button class="icon danger" title={t('common.remove')} onClick={() => void removeKey(r)}>✕</button>
                    </Show>
                  </td>
                </tr>
              )}</For>
            </tbody>
          </table>
        </div>
      </Show>
    </>
  );
}
