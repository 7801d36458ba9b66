import { accountFingerprint } from '../config/resolve-providers.ts';
import type { AccountsRepo } from '../db/accounts-repo.ts';
import type { AccountRuntime, ProviderRuntime } from '../plugin/types.ts';

/**
 * Provider runtimes with the accounts of the token store added: every `active` stored account
 * of a configured provider becomes an `AccountRuntime` (id, label, priority and weight from its
 * meta) after the config's own `keys:`/`accounts:`, its fingerprint from that id (the row's
 * key: an OAuth id names the login, not a position). The secret is not copied: adapters ask
 * `host.oauth.getAccessToken` at request time, so a refreshed token is used at once without
 * rebuilding anything. Accounts that need re-auth or are disabled are left out, so routing never
 * plans them. Runtimes without stored accounts are returned as they are (same object).
 */
export function withStoredAccounts(
  providers: ReadonlyMap<string, ProviderRuntime>, repo: Pick<AccountsRepo, 'list'>,
): Map<string, ProviderRuntime> {
  const out = new Map(providers);
  const byProvider = new Map<string, AccountRuntime[]>();
  for (const a of repo.list()) {
    if (a.state !== 'active' || !providers.has(a.provider)) continue;
    const list = byProvider.get(a.provider) ?? [];
    list.push({
      id: a.accountId,
      label: a.label,
      fingerprint: accountFingerprint({ provider: a.provider, account: a.accountId }),
      priority: typeof a.meta.priority === 'number' ? a.meta.priority : 0,
      weight: typeof a.meta.weight === 'number' ? a.meta.weight : 1,
    });
    byProvider.set(a.provider, list);
  }
  for (const [name, stored] of byProvider) {
    const rt = providers.get(name)!;
    const own = new Set(rt.accounts.map((a) => a.id));
    out.set(name, { ...rt, accounts: [...rt.accounts, ...stored.filter((a) => !own.has(a.id))] });
  }
  return out;
}
