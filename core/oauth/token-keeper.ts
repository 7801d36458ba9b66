import type { AccountsRepo } from '../db/accounts-repo.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Logger } from '../log/logger.ts';
import { maskSecret } from '../util/upstream-error-body.ts';
import type { AccessGrant, OAuthSpec, OAuthSpecContext, TokenSet } from './oauth-types.ts';
import { accessTokenValid, refreshDue, refreshTokenSet, type RefreshFailure } from './refresh-token-set.ts';

/** Refresh this long before expiry unless the spec says otherwise. */
export const DEFAULT_REFRESH_SKEW_MS = 5 * 60_000;
/** After a failed (not revoked) refresh, callers fail fast for this long instead of hammering the server. */
const FAILED_REFRESH_BACKOFF_MS = 15_000;
/**
 * A refresh ahead of expiry holds a request at most this long while the current token still
 * works; a slow token endpoint (the auth server's bad day) then costs no request its latency,
 * and the refresh goes on for the next ones.
 */
const AHEAD_REFRESH_WAIT_MS = 2_000;
/** A token that dies sooner than this is not worth sending: the request waits for the refresh. */
const MIN_USEFUL_LIFE_MS = 30_000;
/**
 * How long a request waits for the refresh of a token that is expired (or about to be). A token
 * endpoint answers in well under a second; one that hangs would otherwise hold every request
 * for its 30 s first-byte timeout before the router could try the next target. The refresh goes
 * on for the requests after it.
 */
const EXPIRED_REFRESH_WAIT_MS = 8_000;

export interface KeeperDeps {
  repo: AccountsRepo;
  /** The stored account's state (cached by the service), undefined when the store lacks it. */
  stateOf(provider: string, accountId: string): string | undefined;
  now(): number;
  /** The spec and hook context serving a provider name, or undefined when none does. */
  specOf(provider: string): { spec: OAuthSpec; ctx: OAuthSpecContext } | undefined;
  /** The account's secret from `keys:` in the config, for accounts the store does not hold. */
  staticSecret(provider: string, accountId: string): string | undefined;
  registerSecret(value: string): void;
  /** Tests shorten the wait for the refresh of an expired token (`EXPIRED_REFRESH_WAIT_MS`). */
  expiredRefreshWaitMs?: number;
  onStateChanged(provider: string, accountId: string, state: string, reason: string): void;
  onRefreshed(provider: string, accountId: string, tokens: TokenSet): void;
  log: Logger;
}

interface Entry {
  tokens: TokenSet;
  /** Held only in memory: a `keys:` secret, never written to the store. */
  ephemeral: boolean;
  /** The `keys:` secret an ephemeral entry came from: a config reload that changes it starts over. */
  source?: string;
  failedUntil?: number;
}

/**
 * Access tokens per account: decrypted once and cached, refreshed ahead of expiry, one refresh
 * in flight per account however many requests wait for it. A refused refresh (`invalid_grant`)
 * marks the account `needs-reauth`; a refresh that merely failed (network, 5xx) keeps a token
 * that is still valid and otherwise fails the request with a retryable error.
 */
export class TokenKeeper {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();

  constructor(private readonly d: KeeperDeps) {}

  /**
   * The grant to use now; see `OAuthHost.getAccessToken`. A refresh due ahead of expiry is
   * waited for at most `AHEAD_REFRESH_WAIT_MS` while the current token still has a useful life;
   * after that the current token is used and the refresh finishes for later requests. A token
   * without that life waits for the refresh at most `EXPIRED_REFRESH_WAIT_MS`, then is used if
   * still valid, else the request fails over (retryable) while the refresh goes on.
   */
  async grant(provider: string, accountId: string): Promise<AccessGrant> {
    const entry = this.entry(provider, accountId);
    const skew = this.d.specOf(provider)?.spec.refreshSkewMs ?? DEFAULT_REFRESH_SKEW_MS;
    const now = this.d.now();
    if (!refreshDue(entry.tokens, now, skew)) return toGrant(entry.tokens);
    const refreshing = this.refresh(provider, accountId, entry);
    const useful = accessTokenValid(entry.tokens, now + MIN_USEFUL_LIFE_MS);
    const settled = await settleWithin(refreshing, useful ? AHEAD_REFRESH_WAIT_MS : this.d.expiredRefreshWaitMs ?? EXPIRED_REFRESH_WAIT_MS);
    if (!settled) {
      if (accessTokenValid(entry.tokens, this.d.now())) return toGrant(entry.tokens);
      throw authError(`The token of "${provider}/${accountId}" expired and its token server has not answered the refresh yet; the next requests get the new token.`);
    }
    if (!settled.ok) throw settled.error;
    return toGrant(settled.value.tokens);
  }

  /** See `OAuthHost.refreshAfterRejection`. */
  async afterRejection(provider: string, accountId: string, rejected: string): Promise<AccessGrant> {
    const key = keyOf(provider, accountId);
    const running = this.inflight.get(key);
    if (running) return toGrant((await running).tokens);
    const entry = this.entry(provider, accountId);
    if (entry.tokens.accessToken !== rejected) return toGrant(entry.tokens);
    return toGrant((await this.refresh(provider, accountId, entry)).tokens);
  }

  /** Stores fresh tokens for an account (login, import) and caches them. */
  put(provider: string, accountId: string, tokens: TokenSet): void {
    this.registerAll(tokens, provider);
    this.cache.set(keyOf(provider, accountId), { tokens, ephemeral: false });
  }

  /** Forgets the cached tokens (removed account, state change). */
  forget(provider: string, accountId: string): void {
    this.cache.delete(keyOf(provider, accountId));
  }

  private entry(provider: string, accountId: string): Entry {
    const key = keyOf(provider, accountId);
    const state = this.d.stateOf(provider, accountId);
    if (state !== undefined && state !== 'active') {
      throw authError(`Account "${provider}/${accountId}" ${state === 'needs-reauth' ? 'needs to be connected again (its login was revoked or expired)' : 'is disabled'}.`);
    }
    const hit = this.cache.get(key);
    if (hit && (!hit.ephemeral || hit.source === this.d.staticSecret(provider, accountId))) return hit;
    if (state !== undefined) {
      const text = this.d.repo.readSecret(provider, accountId);
      if (!text) throw authError(`Account "${provider}/${accountId}" has no stored token.`);
      const stored = parseTokenSet(text);
      // A key typed in the dashboard is stored as typed: it serves like the same key under `keys:`.
      if (!stored) return this.keyEntry(provider, key, text);
      const entry: Entry = { tokens: stored, ephemeral: false };
      this.registerAll(entry.tokens, provider);
      this.cache.set(key, entry);
      return entry;
    }
    const secret = this.d.staticSecret(provider, accountId);
    if (!secret) throw authError(`Provider "${provider}" has no connected account "${accountId}".`);
    return this.keyEntry(provider, key, secret);
  }

  /** An entry for a plain key (`keys:` or the dashboard): held in memory only, never written back. */
  private keyEntry(provider: string, key: string, secret: string): Entry {
    const asRefresh = this.d.specOf(provider)?.spec.keyIs === 'refresh-token';
    const entry: Entry = { tokens: asRefresh ? { accessToken: '', refreshToken: secret, expiresAt: 0 } : { accessToken: secret }, ephemeral: true, source: secret };
    this.cache.set(key, entry);
    return entry;
  }

  private refresh(provider: string, accountId: string, entry: Entry): Promise<Entry> {
    const key = keyOf(provider, accountId);
    const running = this.inflight.get(key);
    if (running) return running;
    const p = this.doRefresh(provider, accountId, entry).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private async doRefresh(provider: string, accountId: string, entry: Entry): Promise<Entry> {
    const now = this.d.now();
    const stillValid = accessTokenValid(entry.tokens, now);
    if (entry.failedUntil !== undefined && now < entry.failedUntil) {
      if (stillValid) return entry;
      throw authError(`The token of "${provider}/${accountId}" could not be refreshed; retrying shortly.`);
    }
    const found = this.d.specOf(provider);
    if (!found) throw authError(`No plugin handles the OAuth provider "${provider}".`);
    const r = await refreshTokenSet(found.spec, found.ctx, entry.tokens);
    const current = this.cache.get(keyOf(provider, accountId));
    if (current !== entry) {
      // A login or import replaced the tokens (or the account was removed) while the refresh ran:
      // its outcome, good or bad, belongs to the old grant. Nothing is written or marked, and the
      // requests that waited get the new tokens.
      if (current) return current;
      throw authError(`Account "${provider}/${accountId}" was disconnected.`);
    }
    if (!r.ok) return this.refreshFailed(provider, accountId, entry, r, stillValid);
    const { tokens } = r;
    this.registerAll(tokens, provider);
    const next: Entry = { tokens, ephemeral: entry.ephemeral, ...(entry.source === undefined ? {} : { source: entry.source }) };
    this.cache.set(keyOf(provider, accountId), next);
    if (!entry.ephemeral) this.d.repo.setSecret(provider, accountId, JSON.stringify(tokens));
    this.d.onRefreshed(provider, accountId, tokens);
    return next;
  }

  private refreshFailed(provider: string, accountId: string, entry: Entry, failure: RefreshFailure, stillValid: boolean): Entry {
    // The server's own words, kept on the account (plain JSON beside the sealed tokens): a server
    // that quotes the token it refused must not put it there.
    const reason = this.secretsOf(entry.tokens, provider).reduce((text, secret) => maskSecret(text, secret), failure.reason);
    if (failure.revoked) {
      this.cache.delete(keyOf(provider, accountId));
      if (!entry.ephemeral) {
        this.d.repo.setState(provider, accountId, 'needs-reauth');
        this.d.repo.mergeMeta(provider, accountId, { lastError: reason, lastErrorAt: this.d.now() });
      }
      this.d.log.warn('oauth refresh refused: the account needs to be connected again', { provider, account: accountId, reason });
      this.d.onStateChanged(provider, accountId, 'needs-reauth', reason);
      throw authError(`Account "${provider}/${accountId}" needs to be connected again: its refresh was refused (${reason}).`);
    }
    entry.failedUntil = this.d.now() + FAILED_REFRESH_BACKOFF_MS;
    this.d.log.warn('oauth refresh failed', { provider, account: accountId, reason, keptValidToken: stillValid });
    if (stillValid) return entry;
    throw authError(`The token of "${provider}/${accountId}" expired and could not be refreshed (${reason}).`);
  }

  private registerAll(t: TokenSet, provider: string): void {
    for (const v of this.secretsOf(t, provider)) this.d.registerSecret(v);
  }

  /** The tokens of a set and the secrets kept beside them (`secretExtras`). */
  private secretsOf(t: TokenSet, provider: string): string[] {
    const extras = (this.d.specOf(provider)?.spec.secretExtras ?? []).map((k) => t.extra?.[k]);
    return [t.accessToken, t.refreshToken, t.idToken, ...extras].filter((v): v is string => typeof v === 'string' && v !== '');
  }
}

/**
 * `p`'s outcome if it settles within `ms`, else undefined (its later rejection is then handled
 * here: the refresh's own failure handling has already recorded it).
 */
async function settleWithin<T>(p: Promise<T>, ms: number): Promise<{ ok: true; value: T } | { ok: false; error: unknown } | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([outcome, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A stored token set, or undefined when the stored secret is a plain key (not a token set's JSON). */
function parseTokenSet(text: string): TokenSet | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && typeof (v as TokenSet).accessToken === 'string' ? (v as TokenSet) : undefined;
  } catch {
    return undefined;
  }
}

function keyOf(provider: string, accountId: string): string {
  return `${provider}\u0000${accountId}`;
}

function toGrant(t: TokenSet): AccessGrant {
  return { token: t.accessToken, extra: t.extra ?? {}, ...(t.expiresAt === undefined ? {} : { expiresAt: t.expiresAt }) };
}

/** Retryable, so the pipeline moves on to the next target; a 502 when it was the last one. */
export function authError(message: string): GatewayError {
  return new GatewayError('GW_UPSTREAM_AUTH', message, { status: 502, retryable: true });
}
