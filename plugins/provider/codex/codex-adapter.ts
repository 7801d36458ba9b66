import { createDelegatingAdapter, oauthAttempt, oauthOf } from '../../../core/oauth/oauth-attempt.ts';
import { withPlanRetryAfter } from '../../../core/oauth/with-plan-retry-after.ts';
import { sessionCacheKey } from '../../../core/util/session-cache-key.ts';
import type { Attempt, HostServices, ProviderAdapter } from '../../../core/plugin/types.ts';
import { codexLimitUntil } from './codex-limit-until.ts';
import { chatgptClaims } from './codex-oauth.ts';
import { parseCodexRateLimits } from './parse-codex-rate-limits.ts';
import { sseToResponseJson } from './sse-to-response-json.ts';

/** Where `codex` goes without a `base_url` (the adapter appends `/responses`). */
export const CODEX_BASE_URL = 'https://chatgpt.com/backend-api/codex';
/** Sent when neither the client nor the config gives `instructions` (the backend requires them). */
export const DEFAULT_INSTRUCTIONS = 'You are a helpful assistant.';
/**
 * Parameters the ChatGPT backend refuses ("Unsupported parameter"): sampling and limits, and
 * `prompt_cache_retention`, which a client sets to ask OpenAI for a 24 h prompt cache (the
 * backend keeps its own).
 */
const REFUSED = ['max_output_tokens', 'max_tokens', 'temperature', 'top_p', 'metadata', 'user', 'safety_identifier', 'prompt_cache_retention'];

/**
 * The body as the ChatGPT backend takes it: always streamed, never stored, with
 * `instructions`, and without the sampling and limit fields it refuses. Never stored, so a
 * reasoning item without `encrypted_content` can only be looked up by an id the backend never
 * kept (a 404 "Items are not persisted when store is set to false"): such items are left out.
 * They come from a stored response replayed by `previous_response_id` or a conversation.
 * Output items replayed as they came (the `openai` SDK's continuation does) carry a `status`
 * the backend refuses on messages and function calls ("Unknown parameter: 'input[2].status'"),
 * where Codex CLI never sends one: it is left out there.
 * A `system` message in the input goes as `developer`, the role Codex CLI uses: the backend
 * refuses the other ("System messages are not allowed"); an OpenAI Chat client's system message
 * after its first turn arrives as one.
 * A body without `prompt_cache_key` gets one from its `user` (Claude Code's per-session
 * `metadata.user_id` arrives there), hashed: the backend routes same-prefix requests by that key
 * to the machine holding their cache, as it does Codex CLI's, which sends its session id.
 */
export function toCodexBody(body: Record<string, unknown>, instructions: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body, stream: true, store: false };
  if (out.prompt_cache_key == null && typeof body.user === 'string' && body.user) out.prompt_cache_key = sessionCacheKey(body.user);
  for (const k of REFUSED) delete out[k];
  if (typeof out.instructions !== 'string' || out.instructions === '') out.instructions = instructions;
  if (Array.isArray(out.input) && out.input.some(isBareReasoning)) out.input = out.input.filter((i) => !isBareReasoning(i));
  if (Array.isArray(out.input) && out.input.some(needsRewrite)) out.input = out.input.map((i) => (needsRewrite(i) ? rewritten(i) : i));
  return out;
}

/** Item types the backend takes without a `status` only (Codex CLI sends those without one). */
const NO_STATUS: ReadonlySet<unknown> = new Set(['message', 'function_call', 'function_call_output']);

/** An input item with a field the backend refuses: a `status` it takes on no such item, the `system` role. */
function needsRewrite(item: unknown): boolean {
  if (typeof item !== 'object' || item === null) return false;
  const i = item as { type?: unknown; role?: unknown };
  return ('status' in i && NO_STATUS.has(i.type ?? 'message')) || (i.role === 'system' && (i.type ?? 'message') === 'message');
}

function rewritten(item: unknown): unknown {
  const out: Record<string, unknown> = { ...(item as Record<string, unknown>) };
  if (NO_STATUS.has(out.type ?? 'message')) delete out.status;
  if (out.role === 'system') out.role = 'developer';
  return out;
}

function isBareReasoning(item: unknown): boolean {
  if (typeof item !== 'object' || item === null) return false;
  const o = item as { type?: unknown; encrypted_content?: unknown };
  return o.type === 'reasoning' && !(typeof o.encrypted_content === 'string' && o.encrypted_content.length > 0);
}

function codexAttempt(host: HostServices, attempt: Attempt): Promise<Attempt> {
  const oauth = oauthOf(host);
  const opt = attempt.provider.options;
  const instructions = typeof opt.instructions === 'string' && opt.instructions ? opt.instructions : DEFAULT_INSTRUCTIONS;
  const session = crypto.randomUUID();
  return oauthAttempt(oauth, attempt, {
    provider: (p) => ({ ...p, baseUrl: p.baseUrl || CODEX_BASE_URL }),
    authorize(h, grant) {
      h.set('authorization', `Bearer ${grant.token}`);
      const account = grant.extra.accountId ?? chatgptClaims(grant.token).accountId;
      if (account) h.set('chatgpt-account-id', account);
      h.set('openai-beta', 'responses=experimental');
      h.set('originator', 'codex_cli_rs');
      h.set('session_id', session);
      h.set('accept', 'text/event-stream');
    },
    rewriteBody: (b) => toCodexBody(b, instructions),
    onResponse(res) {
      const windows = parseCodexRateLimits(res.headers, host.now());
      if (windows.length > 0 && attempt.account) oauth.reportWindows(attempt.provider.name, attempt.account.id, windows);
    },
    async adaptResponse(res, sent) {
      if (res.status === 429) return withPlanRetryAfter(res, await codexLimitUntil(res, host.now()), host.now());
      const streamed = (res.headers.get('content-type') ?? '').includes('text/event-stream');
      return res.ok && streamed && sent?.stream !== true && res.body ? sseToResponseJson(res) : res;
    },
  });
}

/**
 * The `codex` adapter: a ChatGPT plan through the Codex backend
 * (`POST chatgpt.com/backend-api/codex/responses`), which speaks the Responses API. It delegates
 * to the `openai-responses` adapter of the running snapshot with an attempt dressed as the
 * Codex CLI (bearer token, `chatgpt-account-id`, forced streaming turned back into JSON for
 * non-streaming callers; a plan-limit 429 gets the used-up window's reset as its Retry-After).
 * Native dialect `openai-responses`: Responses clients pass through.
 */
export function createCodexAdapter(host: HostServices): ProviderAdapter {
  return createDelegatingAdapter(host, {
    id: 'codex',
    nativeDialect: 'openai-responses',
    delegate: 'openai-responses',
    dress: (attempt) => codexAttempt(host, attempt),
  });
}
