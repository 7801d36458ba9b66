import './oauth-events.ts';
import type { GatewayEvents } from '../bus/events.ts';
import type { AccountsRepo } from '../db/accounts-repo.ts';
import { providerFetch } from '../http/provider-fetch.ts';
import type { HttpClient } from '../http/types.ts';
import type { Logger } from '../log/logger.ts';
import type { ProviderRuntime } from '../plugin/types.ts';
import { FlowBook } from './flow-book.ts';
import { defaultIdentity } from './default-identity.ts';
import * as logins from './oauth-logins.ts';
import type {
  AccessGrant, AccountIdentity, AccountView, FlowStart, FlowStatus, OAuthHost, OAuthSpec, OAuthSpecContext, QuotaWindow, TokenSet,
} from './oauth-types.ts';
import type { PollOptions } from './device-code-flow.ts';
import { resolveEndpoints } from './resolve-endpoints.ts';
import { refreshStaleLogin } from './refresh-stale-login.ts';
import { storedAccountId } from './stored-account-id.ts';
import { DEFAULT_REFRESH_SKEW_MS, TokenKeeper } from './token-keeper.ts';
import { WindowBook } from './window-book.ts';

export interface OAuthServiceOptions {
  repo: AccountsRepo;
  http: HttpClient;
  log: Logger;
  now?: () => number;
  env?: Record<string, string | undefined>;
  /** The providers of the snapshot now serving (name → runtime). */
  providers(): ReadonlyMap<string, ProviderRuntime>;
  emit<E extends keyof GatewayEvents>(type: E, e: GatewayEvents[E]): void;
  /** Adds a value to the logger's redaction list. */
  registerSecret(value: string): void;
  /** Stored accounts were added, removed or changed state: provider runtimes must be rebuilt. */
  onAccountsChanged?(): void;
  /** Device-flow poll sleep (tests pass a fast one). */
  sleep?: PollOptions['sleep'];
  /** How often the usage scheduler looks for stale windows (default 60 s; 0 disables it). */
  usageTickMs?: number;
}

const keyOf = (provider: string, accountId: string) => `${provider}\u0000${accountId}`;
const DEFAULT_USAGE_INTERVAL_MS = 5 * 60_000;
const OAUTH_TIMEOUTS = { connectMs: 10_000, firstByteMs: 30_000, idleMs: 30_000, totalMs: 60_000 };

/**
 * The OAuth service: specs registered by provider plugins, logins (PKCE, device, import), the
 * encrypted token store, refresh, and live quota windows. Plugins see it as `OAuthHost`
 * (`ctx.host.oauth`); the admin API uses the rest.
 */
export class OAuthService implements OAuthHost {
  private readonly specs = new Map<string, OAuthSpec[]>();
  private readonly flows: FlowBook;
  private readonly keeper: TokenKeeper;
  private readonly windowBook: WindowBook;
  private readonly usageRunning = new Set<string>();
  /** Account states by key, read once from the store and kept in step with every write here. */
  private states: Map<string, string> | undefined;
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private readonly now: () => number;
  private readonly env: Record<string, string | undefined>;
  private readonly log: Logger;

  constructor(private readonly o: OAuthServiceOptions) {
    this.now = o.now ?? Date.now;
    this.env = o.env ?? process.env;
    this.log = o.log.child({ component: 'oauth' });
    this.flows = new FlowBook(this.now);
    this.windowBook = new WindowBook(o.repo, this.now);
    this.keeper = new TokenKeeper({
      repo: o.repo, now: this.now, log: this.log, registerSecret: o.registerSecret,
      stateOf: (p, a) => this.accountState(p, a),
      specOf: (p) => this.specFor(p),
      staticSecret: (p, a) => o.providers().get(p)?.accounts.find((x) => x.id === a)?.secret,
      onStateChanged: (provider, account, state, reason) => {
        this.stateMap().set(keyOf(provider, account), state);
        o.emit('oauth:account-state-changed', { provider, account, state, reason });
        o.onAccountsChanged?.();
      },
      onRefreshed: (provider, account, tokens) => {
        if (o.repo.get(provider, account)) o.repo.mergeMeta(provider, account, { expiresAt: tokens.expiresAt, lastRefreshAt: this.now(), lastError: undefined });
        o.emit('oauth:token-refreshed', { provider, account, expiresAt: tokens.expiresAt });
      },
    });
    const tick = o.usageTickMs ?? 60_000;
    if (tick > 0) {
      this.timer = setInterval(() => void this.refreshStaleUsage(), tick);
      this.timer.unref?.();
    }
  }

  register(spec: OAuthSpec): () => void {
    const list = this.specs.get(spec.type) ?? [];
    list.push(spec);
    this.specs.set(spec.type, list);
    return () => {
      const l = this.specs.get(spec.type);
      const i = l?.indexOf(spec) ?? -1;
      if (l && i >= 0) l.splice(i, 1);
    };
  }

  getAccessToken(provider: string, accountId: string): Promise<AccessGrant> {
    return this.keeper.grant(provider, accountId);
  }

  refreshAfterRejection(provider: string, accountId: string, rejectedToken: string): Promise<AccessGrant> {
    return this.keeper.afterRejection(provider, accountId, rejectedToken);
  }

  reportWindows(provider: string, accountId: string, windows: QuotaWindow[]): void {
    this.windowBook.set(provider, accountId, windows);
    this.o.emit('quota:windows-updated', { provider, account: accountId, windows });
  }

  windows(provider: string, accountId: string): QuotaWindow[] {
    return this.windowBook.get(provider, accountId).windows;
  }

  accountState(provider: string, accountId: string): string | undefined {
    return this.stateMap().get(keyOf(provider, accountId));
  }

  /**
   * Forgets the cached account states: the next read takes them from the store again. Called
   * whenever provider runtimes are rebuilt, so a state changed by someone else (the dashboard
   * disabling an account) is seen.
   */
  resyncStates(): void {
    this.states = undefined;
  }

  private stateMap(): Map<string, string> {
    this.states ??= new Map(this.o.repo.list().map((a) => [keyOf(a.provider, a.accountId), a.state]));
    return this.states;
  }

  /** The spec serving a provider name and the context its hooks run with. */
  specFor(provider: string): { spec: OAuthSpec; ctx: OAuthSpecContext } | undefined {
    const rt = this.o.providers().get(provider);
    const spec = rt ? this.specs.get(rt.type)?.at(-1) : undefined;
    if (!rt || !spec) return undefined;
    const endpoints = resolveEndpoints(spec, rt, this.env);
    const send = providerFetch(this.o.http, rt, { timeouts: OAUTH_TIMEOUTS });
    return {
      spec,
      ctx: {
        provider: rt, endpoints, now: this.now,
        fetch: (url, init = {}) => send(url, { ...init, ...(spec.requestHeaders ? { headers: { ...spec.requestHeaders, ...init.headers } } : {}) }),
      },
    };
  }

  // --- logins (admin API) ---------------------------------------------------------------------

  startLogin(provider: string, o: { flow?: 'pkce' | 'device'; origin?: string }): Promise<FlowStart> {
    return logins.startLogin(this.loginDeps(), provider, o);
  }

  completeCallback(query: URLSearchParams): Promise<{ provider: string; accountId: string }> {
    return logins.completeCallback(this.loginDeps(), query);
  }

  completePaste(provider: string, o: { input: string; flowId?: string }): Promise<string> {
    return logins.completePaste(this.loginDeps(), provider, o);
  }

  importLogin(provider: string, path?: string): Promise<string> {
    return logins.importLogin(this.loginDeps(), provider, path);
  }

  /** Cancels a pending login (the dashboard's dialog was closed); false when none is pending. */
  cancelLogin(provider: string, flowId: string): boolean {
    return this.flows.cancel(flowId, provider);
  }

  flowStatus(provider: string, flowId?: string): FlowStatus[] {
    if (flowId) {
      const f = this.flows.get(flowId);
      return f && f.provider === provider ? [f] : [];
    }
    return this.flows.list(provider);
  }

  /**
   * The configured providers whose type has an OAuth login, with what the dashboard's
   * "Connect" needs: name, type, display name, supported logins (`pkce`, `device`, `import`)
   * and the risk notice.
   */
  oauthProviders(): Array<{ provider: string; type: string; displayName: string; logins: string[]; riskNotice?: string; accounts: number }> {
    const out = [];
    for (const name of this.o.providers().keys()) {
      const found = this.specFor(name);
      if (!found) continue;
      const { spec } = found;
      out.push({
        provider: name, type: spec.type, displayName: spec.displayName, logins: [...spec.flows],
        ...(spec.riskNotice ? { riskNotice: spec.riskNotice } : {}), accounts: this.o.repo.list(name).length,
      });
    }
    return out;
  }

  /** Accounts of the store (one provider or all) with state, expiry and windows. */
  listAccounts(provider?: string): AccountView[] {
    const providers = this.o.providers();
    return this.o.repo.list(provider).map((a) => {
      const w = this.windowBook.get(a.provider, a.accountId);
      const { windows: _w, windowsAt: _a, expiresAt, ...meta } = a.meta;
      return {
        provider: a.provider, type: providers.get(a.provider)?.type ?? 'unknown', accountId: a.accountId, label: a.label,
        state: a.state, stateUntil: a.stateUntil, expiresAt: typeof expiresAt === 'number' ? expiresAt : null,
        windows: w.windows, windowsAt: w.at, meta,
      };
    });
  }

  /** Removes a stored account (disconnect). */
  removeAccount(provider: string, accountId: string): boolean {
    const removed = this.o.repo.remove(provider, accountId);
    this.stateMap().delete(keyOf(provider, accountId));
    this.keeper.forget(provider, accountId);
    this.windowBook.forget(provider, accountId);
    if (removed) {
      this.o.emit('oauth:account-state-changed', { provider, account: accountId, state: 'removed' });
      this.o.onAccountsChanged?.();
    }
    return removed;
  }

  /** Fetches usage windows now (one account, one provider, or every account with a usage call). */
  async refreshUsage(provider?: string, accountId?: string): Promise<void> {
    const targets = this.o.repo.list(provider).filter((a) => a.state === 'active' && (accountId === undefined || a.accountId === accountId));
    await Promise.all(targets.map((a) => this.fetchUsage(a.provider, a.accountId)));
  }

  /** Stops the usage timer and every device poll. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.flows.close();
  }

  private async refreshStaleUsage(): Promise<void> {
    for (const a of this.o.repo.list()) {
      if (a.state !== 'active') continue;
      const spec = this.specFor(a.provider)?.spec;
      if (!spec?.usage) continue;
      const at = this.windowBook.get(a.provider, a.accountId).at ?? 0;
      if (this.now() - at >= (spec.usageIntervalMs ?? DEFAULT_USAGE_INTERVAL_MS)) await this.fetchUsage(a.provider, a.accountId);
    }
  }

  private async fetchUsage(provider: string, accountId: string): Promise<void> {
    const found = this.specFor(provider);
    const key = keyOf(provider, accountId);
    if (!found?.spec.usage || this.usageRunning.has(key)) return;
    this.usageRunning.add(key);
    try {
      await this.keeper.grant(provider, accountId);
      const text = this.o.repo.readSecret(provider, accountId);
      if (!text) return;
      const windows = await found.spec.usage(JSON.parse(text) as TokenSet, found.ctx);
      this.reportWindows(provider, accountId, windows);
    } catch (e) {
      this.log.debug('usage windows not fetched', { provider, account: accountId, reason: e instanceof Error ? e.message : String(e) });
    } finally {
      this.usageRunning.delete(key);
    }
  }

  private loginDeps(): logins.LoginDeps {
    return {
      specFor: (p) => this.specFor(p), flows: this.flows, env: this.env, now: this.now, log: this.log, sleep: this.o.sleep,
      finish: (provider, tokens, source, identity) => this.finishLogin(provider, tokens, source, identity),
    };
  }

  private async finishLogin(provider: string, raw: TokenSet, source: logins.LoginSource, known?: AccountIdentity): Promise<string> {
    const found = this.specFor(provider);
    if (!found) throw new Error(`"${provider}" has no OAuth plugin any more`);
    const { spec, ctx } = found;
    const fresh = await refreshStaleLogin(spec, ctx, raw, spec.refreshSkewMs ?? DEFAULT_REFRESH_SKEW_MS);
    const tokens = spec.afterLogin ? await spec.afterLogin(fresh, ctx) : fresh;
    const identity = known ?? (spec.identify ? await spec.identify(tokens, ctx) : defaultIdentity(tokens));
    const runtime = this.o.providers().get(provider);
    const taken = (id: string) => {
      const row = this.o.repo.get(provider, id);
      // A key typed in the dashboard (`meta.kind` 'api-key', see dashboard-keys.ts), or an account of the config's own.
      return row ? row.meta.kind === 'api-key' : runtime?.accounts.some((a) => a.id === id) === true;
    };
    const accountId = storedAccountId(identity, (id) => this.o.repo.get(provider, id), taken);
    const existing = this.o.repo.get(provider, accountId);
    const label = identity.label ?? existing?.label ?? identity.accountId;
    this.o.repo.save({
      provider, accountId, label: accountId === identity.accountId ? label : `${label} (${String(identity.meta?.plan ?? identity.workspace)})`,
      secret: JSON.stringify(tokens), state: 'active',
      meta: {
        ...existing?.meta, ...identity.meta, ...(identity.workspace ? { workspace: identity.workspace } : {}),
        kind: 'oauth', source, connectedAt: this.now(), expiresAt: tokens.expiresAt, lastError: undefined,
      },
    });
    this.stateMap().set(keyOf(provider, accountId), 'active');
    this.keeper.put(provider, accountId, tokens);
    this.log.info('oauth account connected', { provider, account: accountId, source });
    this.o.emit('oauth:account-connected', { provider, account: accountId, source });
    this.o.onAccountsChanged?.();
    if (spec.usage) void this.fetchUsage(provider, accountId);
    return accountId;
  }
}
