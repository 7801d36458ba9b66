import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { postTokenRequest } from '../../../core/oauth/token-endpoint.ts';
import type { TokenSet } from '../../../core/oauth/oauth-types.ts';
import type { HostServices, ProviderRuntime } from '../../../core/plugin/types.ts';
import { entraTokenUrl, type EntraCredentials } from './entra-credentials.ts';

/** A token is fetched again when it has less than this left (Entra's tokens live 60–90 minutes). */
const RENEW_AHEAD_MS = 5 * 60_000;

interface Held {
  /** The credentials the token was fetched with: another `entra:` after a reload starts over. */
  key: string;
  token?: string;
  expiresAt?: number;
  pending?: Promise<string>;
}

/**
 * Bearer tokens of the providers with `entra:` client credentials, one per provider name:
 * fetched on first use through the outbound client (SSRF guard, the provider's proxy and
 * private-network setting), renewed 5 minutes ahead of expiry, one fetch in flight at a time
 * whatever the number of waiting requests. Every token and client secret is registered with the
 * logger's redaction list. State is per plugin instance and bounded by the number of providers.
 */
export class EntraTokens {
  private readonly held = new Map<string, Held>();

  constructor(private readonly host: HostServices) {}

  /**
   * A token valid for at least a few more minutes.
   * Errors: GatewayError `GW_UPSTREAM_AUTH` (502, retryable: the next target serves) when
   * Entra ID refuses the credentials or cannot be reached.
   */
  get(provider: ProviderRuntime, c: EntraCredentials): Promise<string> {
    const key = `${c.authority}\0${c.tenantId}\0${c.clientId}\0${c.clientSecret}\0${c.scope}`;
    let h = this.held.get(provider.name);
    if (!h || h.key !== key) this.held.set(provider.name, (h = { key }));
    if (h.token && (h.expiresAt === undefined || h.expiresAt - this.host.now() > RENEW_AHEAD_MS)) return Promise.resolve(h.token);
    const held = h;
    held.pending ??= this.fetchToken(provider, c).then((t) => {
      held.token = t.accessToken;
      held.expiresAt = t.expiresAt;
      return t.accessToken;
    }).finally(() => {
      held.pending = undefined;
    });
    return held.pending;
  }

  /** Drops the provider's token (Azure refused it): the next request fetches a new one. */
  forget(provider: ProviderRuntime): void {
    this.held.delete(provider.name);
  }

  private async fetchToken(provider: ProviderRuntime, c: EntraCredentials): Promise<TokenSet> {
    this.host.registerSecret?.(c.clientSecret);
    const fetch = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => this.host.http.fetch(url, {
      ...init, allowPrivateNetwork: provider.allowPrivateNetwork, proxy: provider.proxy, timeouts: provider.wholeReplyTimeouts ?? provider.timeouts, stream: false,
    });
    const params = { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret, scope: c.scope };
    try {
      const tokens = await postTokenRequest({ fetch, now: () => this.host.now() }, entraTokenUrl(c), params);
      this.host.registerSecret?.(tokens.accessToken);
      return tokens;
    } catch (e) {
      const why = e instanceof Error ? e.message : 'unknown error';
      throw new GatewayError('GW_UPSTREAM_AUTH', `Microsoft Entra ID gave provider "${provider.name}" no token: ${why}`, { status: 502, retryable: true, cause: e });
    }
  }
}
