import type { AccountsRepo } from '../../../db/accounts-repo.ts';
import type { ProviderRuntime } from '../../../plugin/types.ts';

/** `meta.kind` of a stored account that holds a plain API key typed in the dashboard. */
export const API_KEY_KIND = 'api-key';

/**
 * Provider runtimes with the secrets of dashboard-entered API keys filled in. The token store
 * merge adds stored accounts without a secret (OAuth adapters ask for tokens at request time);
 * a plain API key is sent by ordinary adapters from `account.secret`, so it is decrypted here,
 * registered for log redaction, and set on its account. Accounts that fail to decrypt (key
 * rotated away) stay without a secret. Providers without such accounts are returned as they are.
 */
export function withDashboardKeys(
  providers: ReadonlyMap<string, ProviderRuntime>, repo: Pick<AccountsRepo, 'list' | 'readSecret'>, registerSecret: (s: string) => void,
): Map<string, ProviderRuntime> {
  const out = new Map(providers);
  for (const stored of repo.list()) {
    if (stored.meta.kind !== API_KEY_KIND || stored.state !== 'active') continue;
    const rt = out.get(stored.provider);
    if (!rt || !rt.accounts.some((a) => a.id === stored.accountId && a.secret === undefined)) continue;
    let secret: string | undefined;
    try {
      secret = repo.readSecret(stored.provider, stored.accountId);
    } catch {
      continue;
    }
    if (!secret) continue;
    registerSecret(secret);
    out.set(stored.provider, { ...rt, accounts: rt.accounts.map((a) => (a.id === stored.accountId ? { ...a, secret } : a)) });
  }
  return out;
}
