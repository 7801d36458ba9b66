import { configAccountId } from '../../../config/config-account-id.ts';
import { accountFingerprint } from '../../../config/resolve-providers.ts';
import type { AccountsRepo, StoredAccount } from '../../../db/accounts-repo.ts';
import type { ProviderRuntime } from '../../../plugin/types.ts';

/** `meta.kind` of a stored account that holds a plain API key typed in the dashboard. */
export const API_KEY_KIND = 'api-key';

/**
 * Provider runtimes with the secrets of dashboard-entered API keys filled in. The token store
 * merge adds stored accounts without a secret (OAuth adapters ask for tokens at request time);
 * a plain API key is sent by ordinary adapters from `account.secret`, so it is decrypted here,
 * registered for log redaction, and set on its account with a fingerprint of its own (a key replaced
 * under the same label starts its guard state afresh). Accounts that fail to decrypt (key
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
    out.set(stored.provider, { ...rt, accounts: rt.accounts.map((a) => (a.id === stored.accountId ? { ...a, secret, fingerprint: accountFingerprint({ secret }) } : a)) });
  }
  return out;
}

/** The parts of a provider's YAML entry that name accounts. */
export interface AccountEntries {
  keys?: readonly unknown[];
  accounts?: ReadonlyArray<{ label?: string }>;
}

/**
 * The account ids a provider's YAML entry gives (`configAccountId`). Disabled and empty entries
 * count too: they keep their id and may come back.
 */
export function configAccountIds(entry: AccountEntries | undefined): Set<string> {
  const ids = new Set<string>();
  (entry?.keys ?? []).forEach((_, i) => ids.add(configAccountId('keys', i)));
  (entry?.accounts ?? []).forEach((a, i) => ids.add(configAccountId('accounts', i, a.label)));
  return ids;
}

/**
 * Why `label` cannot name a new dashboard key of `provider`, or undefined when it can. Dashboard
 * keys share one id space with the YAML's accounts and the connected (OAuth) accounts: an id the
 * config uses would leave the stored key unused, and saving over a connected account would
 * replace its tokens. A dashboard key with the same label is free: it is replaced.
 */
export function labelConflict(provider: string, label: string, configIds: ReadonlySet<string>, stored: readonly StoredAccount[]): string | undefined {
  if (configIds.has(label)) return `Provider "${provider}" already has an account "${label}" in the config: choose another label.`;
  const other = stored.find((a) => a.accountId === label);
  if (other && other.meta.kind !== API_KEY_KIND) return `Provider "${provider}" already has a connected account "${label}": choose another label.`;
  return undefined;
}
