import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { mergeWindows } from '../../../core/oauth/merge-windows.ts';
import { createDelegatingAdapter, delegateOf, oauthAttempt, oauthOf } from '../../../core/oauth/oauth-attempt.ts';
import { withPlanRetryAfter } from '../../../core/oauth/with-plan-retry-after.ts';
import { usedUpUntil } from '../../../core/oauth/window-resets.ts';
import type { Attempt, CallContext, CountTokensRequest, CountTokensResult, HostServices, ProviderAdapter } from '../../../core/plugin/types.ts';
import { CLAUDE_CODE_HEADERS, mergeBetas, withClaudeCodeSystem, withClaudeCodeSystemBody } from './claude-code-request.ts';
import { isRevokedTokenAnswer } from './is-revoked-token-answer.ts';
import { mapClaudeRateLimitHeaders, unifiedRejectedUntil } from './map-claude-usage.ts';

/** Where `claude-code` goes without a `base_url`. */
export const CLAUDE_CODE_BASE_URL = 'https://api.anthropic.com';

/**
 * The attempt the `anthropic` adapter runs: the account's OAuth token as a bearer (refreshed
 * ahead of expiry, refreshed and retried once on a 401 or a 403 "OAuth token has been revoked"),
 * the Claude Code headers and beta flags, no `x-api-key`; rate-limit headers of each answer
 * update the account's live windows (merged with the usage endpoint's), and a plan-limit 429
 * gets the used-up window's reset as its Retry-After.
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
    rejects: isRevokedTokenAnswer,
    onResponse(res) {
      const windows = mapClaudeRateLimitHeaders(res.headers);
      const [name, account] = [attempt.provider.name, attempt.account?.id];
      if (windows.length > 0 && account) oauth.reportWindows(name, account, mergeWindows(oauth.windows(name, account), windows));
    },
    adaptResponse(res) {
      if (res.status !== 429) return res;
      const now = host.now();
      return withPlanRetryAfter(res, usedUpUntil(mapClaudeRateLimitHeaders(res.headers), now) ?? unifiedRejectedUntil(res.headers), now);
    },
  });
}

/**
 * The `claude-code` adapter: a Claude Pro/Max subscription through the Messages API. It speaks
 * the Anthropic wire format by delegating to the `anthropic` adapter of the running snapshot
 * (composition; plugins never import each other), after dressing the attempt as Claude Code.
 * Native dialect `anthropic-messages`, so Anthropic clients take the passthrough lane. Token
 * counts go to `count_tokens` the same way (see `countClaudeCodeTokens`).
 */
export function createClaudeCodeAdapter(host: HostServices): ProviderAdapter {
  const adapter = createDelegatingAdapter(host, {
    id: 'claude-code',
    nativeDialect: 'anthropic-messages',
    delegate: 'anthropic',
    dress: (attempt) => claudeCodeAttempt(host, attempt),
    request: withClaudeCodeSystem,
    body: withClaudeCodeSystemBody,
  });
  return { ...adapter, operations: { countTokens: (req, attempt, call) => countClaudeCodeTokens(host, req, attempt, call) } };
}

/**
 * `countTokens` through the `anthropic` adapter's, with the attempt dressed as for a message
 * (the OAuth token, Claude Code's headers and beta flags) and the Claude Code system block the
 * message would carry, so the count is that of the request the subscription would run.
 * Errors: the delegate's; retryable 503 when the `anthropic` plugin is not loaded; 400
 * GW_UNSUPPORTED when it cannot count.
 */
async function countClaudeCodeTokens(host: HostServices, req: CountTokensRequest, attempt: Attempt, call: CallContext): Promise<CountTokensResult> {
  const count = delegateOf(host, 'anthropic').operations?.countTokens;
  if (!count) throw new GatewayError('GW_UNSUPPORTED', 'The "anthropic" provider plugin cannot count tokens.');
  const dressed: CountTokensRequest = { ...req, chat: withClaudeCodeSystem(req.chat) };
  if (req.native) dressed.native = { ...req.native, body: withClaudeCodeSystemBody(req.native.body) };
  return (await count(dressed, await claudeCodeAttempt(host, attempt), call)) as CountTokensResult;
}
