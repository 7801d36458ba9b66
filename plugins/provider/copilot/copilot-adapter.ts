import { createDelegatingAdapter, oauthAttempt, oauthOf } from '../../../core/oauth/oauth-attempt.ts';
import type { Attempt, HostServices, ProviderAdapter } from '../../../core/plugin/types.ts';
import { COPILOT_CHAT_HEADERS } from './copilot-headers.ts';

/** Where `copilot` goes when neither the token exchange nor the config names an API endpoint. */
export const COPILOT_BASE_URL = 'https://api.githubcopilot.com';

/**
 * The API endpoint the token exchange named (business and enterprise seats get their own), when
 * it is a Copilot host or the configured base URL's origin; otherwise the configured one. An
 * answer from GitHub never sends the token anywhere else.
 */
export function copilotBaseUrl(configured: string, fromExchange: string | undefined): string {
  const base = configured || COPILOT_BASE_URL;
  const u = fromExchange ? URL.parse(fromExchange) : null;
  if (!u) return base;
  const trusted = (u.protocol === 'https:' && (u.hostname === 'githubcopilot.com' || u.hostname.endsWith('.githubcopilot.com')))
    || u.origin === URL.parse(base)?.origin;
  return trusted ? fromExchange!.replace(/\/+$/, '') : base;
}

function copilotAttempt(host: HostServices, attempt: Attempt): Promise<Attempt> {
  return oauthAttempt(oauthOf(host), attempt, {
    provider: (p, grant) => ({
      ...p,
      baseUrl: copilotBaseUrl(p.baseUrl, grant.extra.apiBase),
      headers: { ...COPILOT_CHAT_HEADERS, ...p.headers },
      auth: { header: 'authorization', scheme: 'Bearer' },
    }),
    authorize(h, grant) {
      h.set('authorization', `Bearer ${grant.token}`);
      h.set('x-request-id', crypto.randomUUID());
    },
  });
}

/**
 * The `copilot` adapter: a GitHub Copilot seat through its OpenAI-style chat API. It delegates
 * to the `openai` adapter of the running snapshot with a short-lived Copilot token (exchanged
 * from the account's GitHub token ahead of expiry, single-flight) and the editor headers
 * Copilot requires. Native dialect `openai-chat`: OpenAI clients pass through.
 */
export function createCopilotAdapter(host: HostServices): ProviderAdapter {
  return createDelegatingAdapter(host, {
    id: 'copilot',
    nativeDialect: 'openai-chat',
    delegate: 'openai',
    dress: (attempt) => copilotAttempt(host, attempt),
  });
}
