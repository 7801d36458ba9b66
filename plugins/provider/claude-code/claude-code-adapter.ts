import { createDelegatingAdapter, oauthAttempt, oauthOf } from '../../../core/oauth/oauth-attempt.ts';
import type { Attempt, HostServices, ProviderAdapter } from '../../../core/plugin/types.ts';
import { CLAUDE_CODE_HEADERS, mergeBetas, withClaudeCodeSystem, withClaudeCodeSystemBody } from './claude-code-request.ts';
import { mapClaudeRateLimitHeaders } from './map-claude-usage.ts';

/** Where `claude-code` goes without a `base_url`. */
export const CLAUDE_CODE_BASE_URL = 'https://api.anthropic.com';

/**
 * The attempt the `anthropic` adapter runs: the account's OAuth token as a bearer (refreshed
 * ahead of expiry, refreshed and retried once on a 401), the Claude Code headers and beta flags,
 * no `x-api-key`; rate-limit headers of each answer feed the account's live windows.
 */
function claudeCodeAttempt(host: HostServices, attempt: Attempt): Promise<Attempt> {
  const oauth = oauthOf(host);
  return oauthAttempt(oauth, attempt, {
    provider: (p) => ({
      ...p,
      baseUrl: p.baseUrl || CLAUDE_CODE_BASE_URL,
      headers: { ...CLAUDE_CODE_HEADERS, ...p.headers },
      options: { ...p.options, auth: 'bearer' },
    }),
    authorize(h, grant) {
      h.delete('x-api-key');
      h.set('authorization', `Bearer ${grant.token}`);
      h.set('anthropic-beta', mergeBetas(h.get('anthropic-beta')));
    },
    onResponse(res) {
      const windows = mapClaudeRateLimitHeaders(res.headers);
      if (windows.length > 0 && attempt.account) oauth.reportWindows(attempt.provider.name, attempt.account.id, windows);
    },
  });
}

/**
 * The `claude-code` adapter: a Claude Pro/Max subscription through the Messages API. It speaks
 * the Anthropic wire format by delegating to the `anthropic` adapter of the running snapshot
 * (composition; plugins never import each other), after dressing the attempt as Claude Code.
 * Native dialect `anthropic-messages`, so Anthropic clients take the passthrough lane.
 */
export function createClaudeCodeAdapter(host: HostServices): ProviderAdapter {
  return createDelegatingAdapter(host, {
    id: 'claude-code',
    nativeDialect: 'anthropic-messages',
    delegate: 'anthropic',
    dress: (attempt) => claudeCodeAttempt(host, attempt),
    request: withClaudeCodeSystem,
    body: withClaudeCodeSystemBody,
  });
}
