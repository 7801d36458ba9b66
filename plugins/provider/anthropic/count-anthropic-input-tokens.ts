import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { readReplyJson } from '../../../core/http/read-reply.ts';
import type { Attempt, CallContext, CountTokensRequest, CountTokensResult, ProviderRuntime } from '../../../core/plugin/types.ts';
import { ANTHROPIC_TOOL_NAMES, mapToolNames } from '../../../core/util/map-tool-names.ts';
import { anthropicHeaders, anthropicMessagesUrl, convertOptionsOf } from './anthropic-chat.ts';
import { convertToAnthropicMessagesRequest } from './convert-to-anthropic-messages-request.ts';
import { readAnthropicError } from './map-anthropic-error.ts';
import { countFields, countTimeouts } from '../../../core/util/count-tokens.ts';
import { createExpiringSet } from '../../../core/util/expiring-set.ts';

/**
 * The body fields `count_tokens` takes: a Messages body without `max_tokens`, sampling, stop
 * sequences, `metadata`, `stream`, `service_tier` or `container`, which the API refuses there.
 */
const COUNT_FIELDS: ReadonlySet<string> = new Set([
  'model', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'output_config', 'output_format', 'cache_control',
  'context_management', 'mcp_servers', 'speed',
]);


/**
 * `countTokens` for a Messages API upstream: `POST {base}/v1/messages/count_tokens` with the
 * headers of a Messages call (the account key, `anthropic-version`, the client's beta flags,
 * `?beta=true` when the client's call had it). An Anthropic client's own body goes with the
 * target's model; any other request is converted as `generate` converts it (tool names fitted,
 * structured output as configured). Either keeps only the fields `count_tokens` takes.
 *
 * Errors: the mapped upstream error (a 400 for what the endpoint cannot count: server tools,
 * MCP servers, files by URL); GW_UPSTREAM_TIMEOUT past 10 s (or the provider's shorter limit);
 * retryable 502 GW_UPSTREAM_PROTOCOL for a reply without a count; for an hour after a 404 or
 * 405 for the same URL and model, GW_UNSUPPORTED without a call (the next target, or the
 * estimate).
 *
 * @see https://docs.anthropic.com/en/api/messages-count-tokens
 */
export async function countAnthropicInputTokens(req: CountTokensRequest, attempt: Attempt, call: CallContext): Promise<CountTokensResult> {
  const beta = call.http?.url?.searchParams.get('beta') === 'true' ? '?beta=true' : '';
  const url = anthropicCountTokensUrl(attempt.provider.baseUrl);
  const missingKey = `${url} ${req.model}`;
  if (noCountEndpoint.has(missingKey)) {
    throw new GatewayError('GW_UNSUPPORTED', `Provider "${attempt.provider.name}" has no count_tokens endpoint for ${req.model} (it answered 404 or 405).`);
  }
  const res = await attempt.fetch(url + beta, {
    method: 'POST',
    headers: anthropicHeaders(attempt, call.http?.headers),
    body: JSON.stringify(countBody(req, attempt.provider)),
    signal: attempt.signal,
    timeouts: countTimeouts(attempt.provider),
    stream: false,
  });
  if (!res.ok) {
    if (res.status === 404 || res.status === 405) noCountEndpoint.add(missingKey);
    throw await readAnthropicError(res);
  }
  const json = (await readReplyJson(res, attempt.provider.name)) as { input_tokens?: unknown } | null;
  const n = json?.input_tokens;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The Anthropic upstream answered count_tokens without input_tokens.', { status: 502, retryable: true });
  }
  return { inputTokens: n, usage: { inputTokens: 0, outputTokens: 0 } };
}

/**
 * Count endpoints that answered 404 or 405, by URL and model, until when they are not asked
 * again. Anthropic-compatible vendors (GLM, MiniMax, Kimi…) serve `/v1/messages` but not always
 * `count_tokens`, and Claude Code counts often: without this every count waited for the 404
 * before its estimate. Keyed by model too, since Anthropic's own 404 can mean an unknown model.
 */
const noCountEndpoint = createExpiringSet({ ttlMs: 60 * 60_000, max: 256 });

/** `${baseUrl}/v1/messages/count_tokens` (a base URL ending with `/v1` is not doubled). */
export function anthropicCountTokensUrl(baseUrl: string | undefined): string {
  return `${anthropicMessagesUrl(baseUrl)}/count_tokens`;
}

/** The `count_tokens` body for `req.model`: the client's own or the converted request, its count fields only. */
function countBody(req: CountTokensRequest, provider: ProviderRuntime): Record<string, unknown> {
  let body: Record<string, unknown>;
  if (req.native?.dialect === 'anthropic-messages') {
    body = req.native.body;
  } else {
    const { stop: _stop, ...chat } = req.chat;
    const named = mapToolNames(chat, ANTHROPIC_TOOL_NAMES)?.request ?? chat;
    body = convertToAnthropicMessagesRequest({ ...named, stream: false }, req.model, convertOptionsOf(provider, req.model)).body;
  }
  return countFields(body, COUNT_FIELDS, req.model);
}

