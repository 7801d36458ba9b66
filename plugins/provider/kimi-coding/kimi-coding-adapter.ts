import { createDelegatingAdapter, oauthAttempt, oauthOf } from '../../../core/oauth/oauth-attempt.ts';
import type { Attempt, HostServices, ProviderAdapter } from '../../../core/plugin/types.ts';

/** Where `kimi-coding` goes without a `base_url` (its Anthropic-format endpoint). */
export const KIMI_CODING_BASE_URL = 'https://api.kimi.com/coding';

/**
 * The attempt the `anthropic` adapter runs: the account's OAuth token as a bearer (no
 * `x-api-key`), Kimi CLI's device headers (configured `headers:` win), refresh and one retry on
 * a 401.
 */
function kimiAttempt(host: HostServices, attempt: Attempt, deviceHeaders: Readonly<Record<string, string>>): Promise<Attempt> {
  return oauthAttempt(oauthOf(host), attempt, {
    provider: (p) => ({
      ...p, baseUrl: p.baseUrl || KIMI_CODING_BASE_URL, headers: { ...deviceHeaders, ...p.headers }, options: { ...p.options, auth: 'bearer' },
    }),
    authorize(h, grant) {
      h.delete('x-api-key');
      h.set('authorization', `Bearer ${grant.token}`);
    },
  });
}

/**
 * The `kimi-coding` adapter: a Kimi Code membership logged in with kimi.com (the API-key tier is
 * `type: anthropic`, preset `kimi-coding`), through the Anthropic-format endpoint, by delegation
 * to the `anthropic` adapter of the running snapshot. Native dialect `anthropic-messages`.
 */
export function createKimiCodingAdapter(host: HostServices, deviceHeaders: Readonly<Record<string, string>>): ProviderAdapter {
  return createDelegatingAdapter(host, {
    id: 'kimi-coding',
    nativeDialect: 'anthropic-messages',
    delegate: 'anthropic',
    dress: (attempt) => kimiAttempt(host, attempt, deviceHeaders),
  });
}
