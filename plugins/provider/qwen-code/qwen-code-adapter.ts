import { createDelegatingAdapter, oauthAttempt, oauthOf } from '../../../core/oauth/oauth-attempt.ts';
import type { Attempt, HostServices, ProviderAdapter } from '../../../core/plugin/types.ts';

/** Where `qwen-code` goes when neither the token answer nor the config names a host. */
export const QWEN_BASE_URL = 'https://portal.qwen.ai/v1';

/**
 * The API base the token answer named (`resource_url`: `portal.qwen.ai`, scheme optional), when
 * it is a qwen.ai or aliyuncs.com https host or the configured origin; otherwise the configured
 * base. An answer from the auth server never sends the token to another host.
 */
export function qwenBaseUrl(configured: string, resource: string | undefined): string {
  const base = configured || QWEN_BASE_URL;
  if (!resource) return base;
  const u = URL.parse(/^[a-z]+:\/\//i.test(resource) ? resource : `https://${resource}`);
  if (!u) return base;
  const host = u.hostname;
  const trusted = (u.protocol === 'https:' && ['qwen.ai', 'aliyuncs.com'].some((d) => host === d || host.endsWith(`.${d}`)))
    || u.origin === URL.parse(base)?.origin;
  if (!trusted) return base;
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.origin}${path.endsWith('/v1') ? path : `${path}/v1`}`;
}

function qwenAttempt(host: HostServices, attempt: Attempt): Promise<Attempt> {
  return oauthAttempt(oauthOf(host), attempt, {
    provider: (p, grant) => ({ ...p, baseUrl: qwenBaseUrl(p.baseUrl, grant.extra.resource_url), auth: { header: 'authorization', scheme: 'Bearer' } }),
  });
}

/**
 * The `qwen-code` adapter: Qwen's free OAuth tier through its OpenAI-compatible chat API, by
 * delegation to the `openai` adapter of the running snapshot with the account's token.
 * Native dialect `openai-chat`.
 */
export function createQwenCodeAdapter(host: HostServices): ProviderAdapter {
  return createDelegatingAdapter(host, {
    id: 'qwen-code',
    nativeDialect: 'openai-chat',
    delegate: 'openai',
    dress: (attempt) => qwenAttempt(host, attempt),
  });
}
