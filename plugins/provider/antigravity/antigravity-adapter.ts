import { createDelegatingAdapter } from '../../../core/oauth/oauth-attempt.ts';
import type { Attempt, HostServices, ProviderAdapter } from '../../../core/plugin/types.ts';
import { toAntigravityEnvelope } from './antigravity-envelope.ts';
import { stableProvider } from '../../../core/util/provider-memo.ts';
import { ANTIGRAVITY_BASE_URL, ANTIGRAVITY_USER_AGENT } from './antigravity-project.ts';

/**
 * The attempt the `gemini-cli` adapter runs for Antigravity: its base URL and user agent (the
 * entry's `headers:` win), and a `fetch` that turns Gemini CLI's Code Assist envelope into
 * Antigravity's just before it leaves. The token, the 401 → refresh → retry and the answer's
 * unwrapping stay with `gemini-cli`, which asks the token store for this provider's account.
 */
function antigravityAttempt(attempt: Attempt): Attempt {
  const p = attempt.provider;
  return {
    n: attempt.n, last: attempt.last, target: attempt.target, signal: attempt.signal, passthrough: attempt.passthrough, account: attempt.account,
    provider: stableProvider(p, { ...p, baseUrl: p.baseUrl || ANTIGRAVITY_BASE_URL, headers: { 'user-agent': ANTIGRAVITY_USER_AGENT, ...p.headers } }),
    fetch(url, init = {}) {
      if (typeof init.body !== 'string' || !new URL(url).pathname.includes('/v1internal:')) return attempt.fetch(url, init);
      let envelope: unknown;
      try {
        envelope = JSON.parse(init.body);
      } catch {
        return attempt.fetch(url, init);
      }
      const body = envelope && typeof envelope === 'object' && !Array.isArray(envelope) ? JSON.stringify(toAntigravityEnvelope(envelope as Record<string, unknown>)) : init.body;
      return attempt.fetch(url, { ...init, body });
    },
  };
}

/**
 * The `antigravity` adapter: Gemini (and the Claude / GPT-OSS models Antigravity serves) through
 * Antigravity's Cloud Code Assist endpoint with a Google OAuth token. It reuses Gemini CLI's
 * wire code by delegating to the `gemini-cli` adapter of the running snapshot (which in turn
 * delegates to `gemini`), changing only the envelope, host and user agent. Native dialect
 * `gemini`: Gemini clients pass through.
 */
export function createAntigravityAdapter(host: HostServices): ProviderAdapter {
  return createDelegatingAdapter(host, {
    id: 'antigravity',
    nativeDialect: 'gemini',
    delegate: 'gemini-cli',
    dress: antigravityAttempt,
  });
}
