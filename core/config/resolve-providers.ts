import { GatewayError } from '../errors/gateway-error.ts';
import type { AccountRuntime, ModelPrice, ProviderRuntime, Timeouts } from '../plugin/types.ts';
import type { ConfigProblem } from './check-references.ts';
import { configAccountId } from './config-account-id.ts';
import { defaultAuth, type Preset, type PresetCatalogue } from './presets.ts';
import { toModelPrice, type GatewayConfig, type ProviderConfig } from './schema.ts';
import { DEFAULT_TIMEOUTS } from '../http/default-timeouts.ts';

/**
 * Adapter types that need no base URL: `mock` never leaves the process, `bedrock` builds its
 * endpoint from `region:`, `vertex` from `location:`.
 */
const URL_LESS_TYPES = new Set(['mock', 'bedrock', 'vertex']);

/** True when an entry of this adapter type must name its upstream's URL (`base_url` or a preset's). */
export function needsBaseUrl(type: string): boolean {
  return !URL_LESS_TYPES.has(type);
}

export type ResolveResult = { ok: true; providers: Map<string, ProviderRuntime> } | { ok: false; problem: ConfigProblem };

/**
 * The preset an entry uses: `preset:` names it explicitly (an unknown name is a problem);
 * otherwise a provider named like a preset uses it when it sets no `type` or the same type
 * (so `anthropic: { type: anthropic, keys: [...] }` still gets its URL and prices).
 */
function pickPreset(name: string, entry: ProviderConfig, presets: PresetCatalogue): Preset | ConfigProblem | undefined {
  if (entry.preset !== undefined) {
    const preset = presets.get(entry.preset);
    if (preset) return preset;
    return { path: ['providers', name, 'preset'], message: `unknown preset "${entry.preset}" (known: ${[...presets.keys()].join(', ')})` };
  }
  const byName = presets.get(name);
  if (byName && (entry.type === undefined || entry.type === byName.type)) return byName;
  return undefined;
}

/** Preset prices < global bare-model prices < entry prices < global `provider/model` prices. */
function mergePricing(name: string, entry: ProviderConfig, preset: Preset | undefined, config: GatewayConfig): Record<string, ModelPrice> {
  const pricing: Record<string, ModelPrice> = { ...preset?.pricing };
  const scoped: Array<[string, ModelPrice]> = [];
  for (const [key, price] of Object.entries(config.pricing)) {
    const slash = key.indexOf('/');
    if (slash < 0) pricing[key] = toModelPrice(price);
    else if (key.slice(0, slash) === name) scoped.push([key.slice(slash + 1), toModelPrice(price)]);
  }
  for (const [model, price] of Object.entries(entry.pricing ?? {})) pricing[model] = toModelPrice(price);
  for (const [model, price] of scoped) pricing[model] = price;
  return pricing;
}

/**
 * The key of account fingerprints: random per process, so a fingerprint cannot be checked against
 * a guessed secret outside it (guard state, the only thing that compares them, lives in memory).
 */
const FINGERPRINT_KEY = crypto.getRandomValues(new Uint8Array(32));

/**
 * An account's `fingerprint`: what tells it apart from another account that takes its id. From
 * the secret when it has one (an API key), else from the provider and the account's id (a
 * keyless account; a stored or OAuth account, whose id is its database key and names the same
 * login for as long as it exists). HMAC-SHA-256 with a per-process key, cut to 12 characters:
 * not the secret, not reversible. Runs once per account per runtime build; never throws.
 */
export function accountFingerprint(of: { secret: string } | { provider: string; account: string }): string {
  const basis = 'secret' in of ? `secret\0${of.secret}` : `account\0${of.provider}\0${of.account}`;
  // Bun's hasher, not node:crypto: that module costs memory at start-up (see secret-box.ts).
  return new Bun.CryptoHasher('sha256', FINGERPRINT_KEY).update(basis).digest('base64url').slice(0, 12);
}

/** Keys become `key-N` accounts, `accounts:` become `label`/`account-N`; disabled/empty are skipped. */
function buildAccounts(name: string, entry: ProviderConfig): AccountRuntime[] | ConfigProblem {
  const accounts: AccountRuntime[] = [];
  (entry.keys ?? []).forEach((key, i) => {
    if (key === '') return;
    const id = configAccountId('keys', i);
    accounts.push({ id, label: id, secret: key, fingerprint: accountFingerprint({ secret: key }), priority: 0, weight: 1 });
  });
  for (const [i, a] of (entry.accounts ?? []).entries()) {
    if (!a.enabled) continue;
    const id = configAccountId('accounts', i, a.label);
    if (accounts.some((x) => x.id === id)) {
      return { path: ['providers', name, 'accounts', i], message: `duplicate account id "${id}" (give each account a distinct label)` };
    }
    const secret = a.key === undefined || a.key === '' ? undefined : a.key;
    accounts.push({
      id,
      label: id,
      ...(secret === undefined ? {} : { secret }),
      fingerprint: accountFingerprint(secret === undefined ? { provider: name, account: id } : { secret }),
      priority: a.priority,
      weight: a.weight,
      ...(a.limits ? { limits: a.limits } : {}),
    });
  }
  return accounts;
}

/**
 * A provider's limits: its own, else the top-level `timeouts:`, else the defaults. The default
 * first-byte limit is for streamed replies: a reply that is not streamed sends its head with the
 * whole answer (a long generation, an image), so its wait is bounded by the total limit instead,
 * unless `first_byte_ms` is configured.
 */
function mergeTimeouts(entry: ProviderConfig, config: GatewayConfig): Pick<ProviderRuntime, 'timeouts' | 'wholeReplyTimeouts'> {
  const e = entry.timeouts ?? {};
  const g = config.timeouts ?? {};
  const firstByte = e.first_byte_ms ?? g.first_byte_ms;
  const timeouts: Timeouts = {
    connectMs: e.connect_ms ?? g.connect_ms ?? DEFAULT_TIMEOUTS.connectMs,
    firstByteMs: firstByte ?? DEFAULT_TIMEOUTS.firstByteMs,
    idleMs: e.idle_ms ?? g.idle_ms ?? DEFAULT_TIMEOUTS.idleMs,
    totalMs: e.total_ms ?? g.total_ms ?? DEFAULT_TIMEOUTS.totalMs,
  };
  if (firstByte !== undefined) return { timeouts };
  return { timeouts, wholeReplyTimeouts: { ...timeouts, firstByteMs: timeouts.totalMs > 0 ? Math.max(timeouts.firstByteMs, timeouts.totalMs) : 0 } };
}

/** Quirks: preset < entry, with `models` (per-model quirks by id or glob) merged one level deeper. */
function mergeQuirks(entry: ProviderConfig, preset: Preset | undefined): Record<string, unknown> {
  const own = entry.quirks ?? {};
  const ownModels = isRecord(own.models) ? own.models : {};
  const models = { ...preset?.modelQuirks, ...ownModels };
  const quirks: Record<string, unknown> = { ...preset?.quirks, ...own };
  if (Object.keys(models).length > 0) quirks.models = models;
  else delete quirks.models;
  return quirks;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Resolves one enabled provider entry, or explains why it cannot be used. */
export function resolveProvider(name: string, entry: ProviderConfig, config: GatewayConfig, presets: PresetCatalogue): ProviderRuntime | ConfigProblem {
  const preset = pickPreset(name, entry, presets);
  if (preset && 'path' in preset) return preset;
  const type = entry.type ?? preset?.type ?? 'openai';
  const baseUrl = (entry.base_url ?? preset?.baseUrl ?? '').replace(/\/+$/, '');
  if (!baseUrl && needsBaseUrl(type)) {
    return { path: ['providers', name], atKey: true, message: `provider "${name}" needs a base_url (or a preset that has one)` };
  }
  const accounts = buildAccounts(name, entry);
  if (!Array.isArray(accounts)) return accounts;
  const models = [...new Set([...(preset?.models ?? []), ...(entry.models ?? [])])];
  // `proxy: ${HTTPS_PROXY:-}` expands to '' when unset: that means direct, not a proxy.
  const proxy = entry.proxy || config.proxy || undefined;
  const auth = entry.auth ?? preset?.auth ?? defaultAuth(type);
  return {
    name,
    type,
    baseUrl,
    accounts,
    accountStrategy: entry.account_strategy ?? 'fill-first',
    models,
    headers: { ...preset?.headers, ...entry.headers },
    allowPrivateNetwork: entry.allow_private_network ?? preset?.allowPrivateNetwork ?? false,
    ...(proxy === undefined ? {} : { proxy }),
    ...mergeTimeouts(entry, config),
    quirks: mergeQuirks(entry, preset),
    pricing: mergePricing(name, entry, preset, config),
    options: { ...entry },
    ...(preset ? { preset: preset.id } : {}),
    auth: { header: auth.header.toLowerCase(), ...(auth.scheme ? { scheme: auth.scheme } : {}) },
  };
}

/**
 * Like `resolveProviders`, but returns the first problem (with its YAML path) instead of
 * throwing; `loadConfig` uses it to reject a config with a located error.
 */
export function tryResolveProviders(config: GatewayConfig, presets: PresetCatalogue): ResolveResult {
  const providers = new Map<string, ProviderRuntime>();
  for (const [name, entry] of Object.entries(config.providers)) {
    if (entry.enabled === false) continue;
    const r = resolveProvider(name, entry, config, presets);
    if ('path' in r) return { ok: false, problem: r };
    providers.set(name, r);
  }
  return { ok: true, providers };
}

/**
 * Turns the validated config plus the preset catalogue into one runtime record per enabled
 * provider (disabled providers and accounts are left out). Pure: same input, same output (within
 * one process: account fingerprints are keyed per process).
 * Throws a GatewayError `GW_CONFIG_INVALID` (status 500, `param` = dotted YAML path) on an
 * entry that cannot work (unknown preset, no base URL, duplicate account ids); a config that
 * passed `loadConfig` with the same catalogue never throws here.
 */
export function resolveProviders(config: GatewayConfig, presets: PresetCatalogue): Map<string, ProviderRuntime> {
  const r = tryResolveProviders(config, presets);
  if (r.ok) return r.providers;
  const param = r.problem.path.map((k) => (typeof k === 'number' ? `[${k}]` : k)).join('.').replace(/\.\[/g, '[');
  throw new GatewayError('GW_CONFIG_INVALID', `${param}: ${r.problem.message}`, { status: 500, param });
}

function globMatch(pattern: string, model: string): boolean {
  if (!pattern.includes('*')) return pattern === model;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(model);
}

/** Merged quirks by a provider's quirk record and model; a provider's record is replaced on reload. */
const QUIRKS_BY_MODEL = new WeakMap<object, Map<string, Readonly<Record<string, unknown>>>>();
/** Models remembered per provider (a provider open to any model sees names clients chose). */
const MAX_CACHED_MODELS = 256;

/**
 * The quirks that apply to one model of a provider: provider-wide quirks, then every matching
 * glob in `quirks.models`, then the exact model id (later wins). Adapters call this per request,
 * so the result is worked out once per provider and model (read-only: frozen).
 */
export function modelQuirks(provider: Pick<ProviderRuntime, 'quirks'>, model: string): Readonly<Record<string, unknown>> {
  const quirks = provider.quirks ?? {};
  let byModel = QUIRKS_BY_MODEL.get(quirks);
  const known = byModel?.get(model);
  if (known) return known;
  const merged = Object.freeze(mergeModelQuirks(quirks, model));
  if (!byModel) QUIRKS_BY_MODEL.set(quirks, (byModel = new Map()));
  if (byModel.size < MAX_CACHED_MODELS) byModel.set(model, merged);
  return merged;
}

function mergeModelQuirks(quirks: Record<string, unknown>, model: string): Record<string, unknown> {
  const { models, ...base } = quirks;
  if (!isRecord(models)) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [pattern, q] of Object.entries(models)) {
    if (pattern !== model && globMatch(pattern, model) && isRecord(q)) Object.assign(out, q);
  }
  const exact = models[model];
  if (isRecord(exact)) Object.assign(out, exact);
  return out;
}
