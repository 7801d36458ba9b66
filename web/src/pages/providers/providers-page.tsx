import { createSignal, For, Show } from 'solid-js';
import { api, optionalApi } from '../../api/api-client.ts';
import type { OAuthAccount, Preset, ProviderView, QuotaLine, Timeseries } from '../../api/types.ts';
import { Pending } from '../../components/ui.tsx';
import { t } from '../../i18n/i18n.ts';
import { createLoader } from '../../lib/create-loader.ts';
import { pluginRoutes } from '../../lib/plugin-routes.ts';
import { AddProviderModal } from './add-provider-modal.tsx';
import { ProviderCard, type ProviderExtras } from './provider-card.tsx';

interface Catalogue {
  presets: Preset[];
  types: string[];
  /** Types that build their URL from other fields (bedrock: region, vertex: location). */
  typesWithoutUrl?: string[];
}

/** Today's usage per provider (local midnight to now). */
async function usageToday(groupBy: 'provider' | 'account' = 'provider'): Promise<Timeseries | null> {
  const start = new Date();
  start.setHours(0, 0, 0, 0);
  const tz = -new Date().getTimezoneOffset();
  return optionalApi<Timeseries>(`/api/usage/timeseries?from=${start.getTime()}&to=${Date.now() + 1}&bucket=day&groupBy=${groupBy}&tzOffsetMin=${tz}`);
}

/**
 * Providers: status, accounts (keys masked), quota left with reset countdowns, OAuth accounts,
 * and forms to add providers and keys. Quota and OAuth data come from optional plugin routes.
 */
export default function ProvidersPage() {
  const providers = createLoader(() => api<{ providers: ProviderView[] }>('/api/providers'), 10_000);
  const catalogue = createLoader(() => api<Catalogue>('/api/presets'));
  const extras = createLoader<ProviderExtras>(async () => {
    const [quota, accounts, usage, accountUsage] = await Promise.all([
      // The quota plugin's route, asked only while it runs (else a 404 on every refresh).
      pluginRoutes().then((routes) => (routes.has('/api/quota') ? optionalApi<{ quotas: QuotaLine[] }>('/api/quota') : null)).catch(() => null),
      optionalApi<{ accounts: OAuthAccount[] }>('/api/accounts').catch(() => null),
      usageToday().catch(() => null),
      usageToday('account').catch(() => null),
    ]);
    return {
      quotas: quota?.quotas ?? [], oauthAccounts: accounts?.accounts ?? [], usage: usage?.series ?? [], accountUsage: accountUsage?.series ?? [],
    };
  }, 10_000);
  const [adding, setAdding] = createSignal(false);
  const reloadAll = async () => {
    await Promise.all([providers.reload(), extras.reload(), catalogue.reload()]);
  };
  return (
    <>
      <div class="page-head">
        <h1>{t('providers.title')}</h1>
        <button class="primary" data-testid="add-provider" onClick={() => setAdding(true)}>{t('providers.add')}</button>
      </div>
      <Show when={providers.data()} fallback={<Pending error={providers.error()} />}>
        {(d) => (
          <Show when={d().providers.length > 0} fallback={<div class="card empty">{t('providers.none')}</div>}>
            <div class="stack">
              {/* One card per name, kept across refreshes: a key being typed, a test result or a
                  login in progress in the OAuth dialog survive a change of the provider's state. */}
              <For each={d().providers.map((p) => p.name)}>{(name) => (
                <Show when={d().providers.find((p) => p.name === name)}>
                  {(p) => <ProviderCard provider={p()} extras={extras.data()} onChanged={reloadAll} />}
                </Show>
              )}</For>
            </div>
          </Show>
        )}
      </Show>
      <Show when={adding()}>
        <AddProviderModal catalogue={catalogue.data()} existing={providers.data()?.providers.map((p) => p.name) ?? []}
          onClose={() => setAdding(false)} onAdded={() => { setAdding(false); void reloadAll(); }} />
      </Show>
    </>
  );
}
