import { configAccountId } from '../../../config/config-account-id.ts';
import { loadPresets } from '../../../config/presets.ts';
import { resolveProvider } from '../../../config/resolve-providers.ts';
import type { GatewayConfig, ProviderConfig } from '../../../config/schema.ts';
import type { AccountsRepo } from '../../../db/accounts-repo.ts';
import type { Snapshot } from '../../../plugin/snapshot.ts';
import type { ProviderAdapter, ProviderRuntime } from '../../../plugin/types.ts';
import { maskConfigTree } from '../config/mask-config-tree.ts';
import { maskUrlSecrets } from '../../../log/redact.ts';
import { maskSecret } from '../playground/mask-secrets.ts';

/** One account of a provider as the dashboard shows it (never a secret in clear). */
export interface AccountView {
  id: string;
  label: string;
  /** `config`: from the YAML; `dashboard`: a key typed in the dashboard; `oauth`: a connected login. */
  source: 'config' | 'dashboard' | 'oauth';
  /** `${ENV}` reference as written, or a masked hint. */
  key: string | null;
  state: string;
}

export interface ProviderView {
  name: string;
  type: string | null;
  preset: string | null;
  baseUrl: string | null;
  enabled: boolean;
  status: 'active' | 'disabled' | 'no-adapter' | 'no-accounts' | 'invalid';
  accounts: AccountView[];
  accountCount: number;
  accountStrategy: string;
  models: string[];
  allowPrivateNetwork: boolean;
  breaker: { state: string } | null;
}

/** Breaker state per provider (`account: null` rows of `/api/breakers`). */
export type BreakerStates = ReadonlyMap<string, string> | null;

/**
 * The view of every configured provider: what the YAML says (`raw`: the file's own entries,
 * keys as written), what the running snapshot made of it, and the dashboard/OAuth accounts of
 * the token store. Disabled providers are resolved on the side so their type and models show.
 */
export function describeProviders(
  config: GatewayConfig, raw: Record<string, unknown>, snap: Snapshot, accounts: AccountsRepo | undefined, breakers: BreakerStates,
): ProviderView[] {
  const names = new Set([...Object.keys(config.providers), ...Object.keys(raw)]);
  return [...names].map((name) => describeProvider(name, config, raw[name], snap, accounts, breakers));
}

function describeProvider(
  name: string, config: GatewayConfig, rawEntry: unknown, snap: Snapshot, accounts: AccountsRepo | undefined, breakers: BreakerStates,
): ProviderView {
  const entry = config.providers[name] as ProviderConfig | undefined;
  const enabled = entry?.enabled !== false && (rawObj(rawEntry).enabled !== false);
  const runtime = snap.providers.get(name) ?? (entry ? resolveQuietly(name, entry, config) : undefined);
  const stored = accounts?.list(name) ?? [];
  const storedIds = new Set(stored.map((a) => a.accountId));
  const fromConfig: AccountView[] = (runtime?.accounts ?? []).filter((a) => !storedIds.has(a.id))
    .map((a) => ({ id: a.id, label: a.label, source: 'config', key: rawKeyOf(rawEntry, a.id, a.secret), state: 'active' }));
  const fromStore: AccountView[] = stored.map((a) => ({
    id: a.accountId, label: a.label, source: a.meta.kind === 'api-key' ? 'dashboard' : 'oauth',
    key: typeof a.meta.masked === 'string' ? a.meta.masked : null, state: a.state,
  }));
  const all = [...fromConfig, ...fromStore];
  const adapter = runtime ? snap.adapters.get(runtime.type) : undefined;
  const needsKey = runtime ? runtime.type !== 'mock' && !runtime.allowPrivateNetwork && !ownCredentials(runtime, adapter) : false;
  const status: ProviderView['status'] = !enabled ? 'disabled' : !runtime ? 'invalid' : !adapter ? 'no-adapter'
    : needsKey && all.filter((a) => a.state === 'active').length === 0 ? 'no-accounts' : 'active';
  const breakerState = breakers?.get(name);
  return {
    name, type: runtime?.type ?? entry?.type ?? null, preset: runtime?.preset ?? entry?.preset ?? null, baseUrl: runtime?.baseUrl ? maskUrlSecrets(runtime.baseUrl) : null,
    enabled, status, accounts: all, accountCount: all.length, accountStrategy: runtime?.accountStrategy ?? entry?.account_strategy ?? 'fill-first',
    models: runtime?.models ?? entry?.models ?? [], allowPrivateNetwork: runtime?.allowPrivateNetwork ?? false,
    breaker: breakers ? { state: breakerState ?? 'closed' } : null,
  };
}

function resolveQuietly(name: string, entry: ProviderConfig, config: GatewayConfig): ProviderRuntime | undefined {
  try {
    const r = resolveProvider(name, { ...entry, enabled: true }, config, loadPresets());
    return 'path' in r ? undefined : r;
  } catch {
    return undefined;
  }
}

function rawObj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * The key of a config account as written in the YAML: `${ENV}` references are names, shown as
 * they are; anything else is a literal secret and is masked.
 */
function rawKeyOf(rawEntry: unknown, id: string, secret: string | undefined): string | null {
  const written = writtenKeyOf(rawObj(rawEntry), id);
  if (typeof written === 'string' && /^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/.test(written.trim())) return written.trim();
  if (typeof written === 'string' && written) return maskSecret(written);
  return secret ? maskSecret(secret) : null;
}

/**
 * The key the YAML item behind account `id` holds, found by the routing's rule
 * (`configAccountId`): like routing, it passes over empty keys and disabled accounts, whose ids
 * a later item may reuse.
 */
function writtenKeyOf(e: Record<string, unknown>, id: string): unknown {
  const keys: unknown[] = Array.isArray(e.keys) ? e.keys : [];
  const k = keys.findIndex((key, i) => key !== '' && configAccountId('keys', i) === id);
  if (k >= 0) return keys[k];
  const accounts = (Array.isArray(e.accounts) ? e.accounts : []).map(rawObj);
  const account = accounts.find((a, i) => a.enabled !== false && configAccountId('accounts', i, typeof a.label === 'string' ? a.label : undefined) === id);
  return account?.key;
}

/**
 * The raw YAML entry with literal secrets masked, `${ENV}` references kept: every string under
 * a credential name at any depth (keys, account keys, credential headers, `oauth.client_secret`),
 * and the password of any URL (`base_url`, `proxy`).
 */
export function maskedEntry(rawEntry: unknown): Record<string, unknown> {
  return maskConfigTree(rawObj(rawEntry)) as Record<string, unknown>;
}

/** True when the entry sets one of its adapter's `credentialOptions`: it serves without accounts. */
function ownCredentials(runtime: ProviderRuntime, adapter: ProviderAdapter | undefined): boolean {
  return adapter?.credentialOptions?.some((o) => {
    const v = runtime.options[o];
    return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
  }) ?? false;
}
