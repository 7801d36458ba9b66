import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { OutboundInit } from '../../../core/http/types.ts';
import type { Attempt, CallContext, CallResult, ProviderAdapter } from '../../../core/plugin/types.ts';
import type { Usage } from '../../../core/types/hub.ts';

type Json = Record<string, unknown>;

/** An adapter whose upstream may have OpenAI's compaction endpoint (see `canForwardCompaction`). */
export type ResponsesAdapter = ProviderAdapter & { chat: Required<NonNullable<ProviderAdapter['chat']>> };

/**
 * True for an adapter that speaks the Responses API and has the passthrough lane
 * (`openai-responses`, and `codex` which delegates to it).
 */
export function canForwardCompaction(adapter: ProviderAdapter | undefined): adapter is ResponsesAdapter {
  return adapter?.nativeDialect === 'openai-responses' && typeof adapter.chat?.passthrough === 'function';
}

/**
 * Sends a compact request to the upstream's `POST {base}/responses/compact` and answers with its
 * bytes, unchanged. The request is the one the adapter's passthrough builds for `/responses`
 * (its URL, credentials, OAuth refresh, headers, error mapping), moved onto the compaction
 * endpoint by the attempt it runs with (see `onCompactionEndpoint`). A 2xx reply must be JSON
 * with an `output` list; its `usage` is what the request is billed.
 *
 * Errors: the adapter's mapped upstream errors (a 404 when the upstream has no such endpoint);
 * retryable 502 GW_UPSTREAM_PROTOCOL for a reply that is not a compacted history; 400
 * GW_UNSUPPORTED when the adapter's URL is not a `/responses` one.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/compact
 */
export async function forwardCompaction(
  adapter: ResponsesAdapter, body: Json, attempt: Attempt, call: CallContext,
): Promise<CallResult> {
  const reply = await adapter.chat.passthrough({ ...body, model: attempt.target.model }, onCompactionEndpoint(attempt), call);
  if (!reply) throw new GatewayError('GW_UNSUPPORTED', `Provider "${attempt.provider.name}" cannot forward a compaction.`);
  const { status, headers } = reply.response;
  const bytes = new Uint8Array(await reply.response.arrayBuffer());
  const usage = readCompactedReply(bytes);
  return {
    type: 'passthrough', status, headers, parser: reply.parser, prelude: [bytes],
    parts: [usage ? { type: 'finish', reason: 'stop', usage } : { type: 'finish', reason: 'stop' }],
  };
}

/**
 * `attempt` whose requests go to the compaction endpoint: `…/responses` becomes
 * `…/responses/compact`, the reply is asked as JSON, and the body loses `stream` and `store`,
 * which that endpoint does not take (a subscription provider adds them to every Responses body:
 * Codex's backend gets `stream: true, store: false`).
 */
function onCompactionEndpoint(attempt: Attempt): Attempt {
  return {
    ...attempt,
    fetch: (url: string, init?: OutboundInit) => attempt.fetch(compactionUrl(url), compactionInit(init ?? {})),
  };
}

function compactionUrl(url: string): string {
  const u = new URL(url);
  if (!/\/responses\/?$/.test(u.pathname)) {
    throw new GatewayError('GW_UNSUPPORTED', 'This provider\'s Responses requests do not go to a /responses URL, so its compaction endpoint is unknown.');
  }
  u.pathname = `${u.pathname.replace(/\/$/, '')}/compact`;
  return u.toString();
}

function compactionInit(init: OutboundInit): OutboundInit {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  let body = init.body;
  // The adapter's own JSON; parsed only when it may hold one of the two fields.
  if (typeof body === 'string' && (body.includes('"stream"') || body.includes('"store"'))) {
    const json = JSON.parse(body) as Json;
    delete json.stream;
    delete json.store;
    body = JSON.stringify(json);
  }
  return { ...init, headers, body, stream: false };
}

/** The usage of a compaction reply; throws when the reply is not `{output: [...]}`. */
function readCompactedReply(bytes: Uint8Array): Usage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    json = undefined;
  }
  if (!isObject(json) || !Array.isArray(json.output)) {
    throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream answered the compaction without a list of output items.', { retryable: true });
  }
  return mapUsage(json.usage);
}

/** Responses `usage` → hub usage (undefined when the reply has none). */
function mapUsage(u: unknown): Usage | undefined {
  if (!isObject(u) || typeof u.input_tokens !== 'number' || typeof u.output_tokens !== 'number') return undefined;
  const usage: Usage = { inputTokens: u.input_tokens, outputTokens: u.output_tokens };
  const cached = isObject(u.input_tokens_details) ? u.input_tokens_details.cached_tokens : undefined;
  if (typeof cached === 'number' && cached > 0) usage.cachedInputTokens = cached;
  const reasoning = isObject(u.output_tokens_details) ? u.output_tokens_details.reasoning_tokens : undefined;
  if (typeof reasoning === 'number' && reasoning > 0) usage.reasoningTokens = reasoning;
  return usage;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
