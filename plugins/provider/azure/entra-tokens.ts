import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { providerFetch } from '../../../core/http/provider-fetch.ts';
import { postTokenRequest } from '../../../core/oauth/token-endpoint.ts';
import type { HostServices, ProviderRuntime } from '../../../core/plugin/types.ts';
import { createTokenCache, type ExpiringToken } from '../../../core/util/token-cache.ts';
import { entraTokenUrl, type EntraCredentials } from './entra-credentials.ts';

/**
 * Bearer tokens of the providers with `entra:` client credentials (`createTokenCache`: per
 * provider and credentials, renewed ahead of expiry, one fetch in flight): fetched through the
 * outbound client (SSRF guard, the provider's proxy and private-network setting). Every token
 * and client secret is registered with the logger's redaction list.
 */
export class EntraTokens {
  private readonly cache;

  constructor(private readonly host: HostServices) {
    this.cache = createTokenCache<ExpiringToken>({ now: () => host.now() });
  }

  /**
   * A token valid for at least a few more minutes.
   * Errors: GatewayError `GW_UPSTREAM_AUTH` (502, retryable: the next target serves) when
   * Entra ID refuses the credentials or cannot be reached.
   */
  async get(provider: ProviderRuntime, c: EntraCredentials): Promise<string> {
    return (await this.cache.get(idOf(provider, c), () => this.fetchToken(provider, c))).token;
  }

  /** Drops the provider's token (Azure refused it): the next request fetches a new one. */
  forget(provider: ProviderRuntime, c: EntraCredentials): void {
    this.cache.forget(idOf(provider, c));
  }

  private async fetchToken(provider: ProviderRuntime, c: EntraCredentials): Promise<ExpiringToken> {
    this.host.registerSecret?.(c.clientSecret);
    const fetch = providerFetch(this.host.http, provider, { timeouts: provider.wholeReplyTimeouts ?? provider.timeouts, stream: false });
    const params = { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret, scope: c.scope };
    try {
      const tokens = await postTokenRequest({ fetch, now: () => this.host.now() }, entraTokenUrl(c), params);
      this.host.registerSecret?.(tokens.accessToken);
      return { token: tokens.accessToken, ...(tokens.expiresAt === undefined ? {} : { expiresAt: tokens.expiresAt }) };
    } catch (e) {
      const why = e instanceof Error ? e.message : 'unknown error';
      throw new GatewayError('GW_UPSTREAM_AUTH', `Microsoft Entra ID gave provider "${provider.name}" no token: ${why}`, { status: 502, retryable: true, cause: e });
    }
  }
}

/** The provider and its credentials: another `entra:` after a reload starts over. */
function idOf(provider: ProviderRuntime, c: EntraCredentials): string {
  return `${provider.name}\0${c.authority}\0${c.tenantId}\0${c.clientId}\0${c.clientSecret}\0${c.scope}`;
}
