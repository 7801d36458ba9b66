import { createDelegatingAdapter, oauthAttempt, oauthOf } from '../../../core/oauth/oauth-attempt.ts';
import type { Attempt, HostServices, ProviderAdapter } from '../../../core/plugin/types.ts';

/** Where `iflow` goes without a `base_url`. */
export const IFLOW_BASE_URL = 'https://apis.iflow.cn/v1';

/**
 * The attempt the `openai` adapter runs: iFlow's chat API takes the account's API key (fetched
 * with the OAuth token at login and refresh), not the OAuth token itself. A `keys:` entry is an
 * API key used as it is. A 401 refreshes the login, which fetches the key again, and retries once.
 */
function iflowAttempt(host: HostServices, attempt: Attempt): Promise<Attempt> {
  return oauthAttempt(oauthOf(host), attempt, {
    provider: (p) => ({ ...p, baseUrl: p.baseUrl || IFLOW_BASE_URL, auth: { header: 'authorization', scheme: 'Bearer' } }),
    authorize: (h, grant) => h.set('authorization', `Bearer ${grant.extra.apiKey ?? grant.token}`),
  });
}

/**
 * The `iflow` adapter: iFlow's free models (Qwen, Kimi, GLM, DeepSeek…) through its
 * OpenAI-compatible chat API, by delegation to the `openai` adapter of the running snapshot.
 * Native dialect `openai-chat`.
 */
export function createIflowAdapter(host: HostServices): ProviderAdapter {
  return createDelegatingAdapter(host, {
    id: 'iflow',
    nativeDialect: 'openai-chat',
    delegate: 'openai',
    dress: (attempt) => iflowAttempt(host, attempt),
  });
}
