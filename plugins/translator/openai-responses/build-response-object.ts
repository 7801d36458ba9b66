import type { GatewayRequest } from '../../../core/plugin/types.ts';
import type { ChatRequest, Usage } from '../../../core/types/hub.ts';

/**
 * The Responses `response` object: what `POST /v1/responses` returns and what the lifecycle
 * stream events (`response.created`, `response.completed`…) carry. Besides the output it echoes
 * the request settings, as OpenAI does; the SDKs type these fields as required.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */

/** The JSON of one output item (message, function_call, reasoning). */
export type OutputItem = Record<string, unknown>;

/** The statuses this gateway reports (never `queued` or `cancelled`: nothing runs in the background). */
export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** Settings echoed in every response object; computed once per request. */
export type ResponseEcho = Record<string, unknown>;

/** What changes over a response's life; the rest of the object is the echo. */
export interface ResponseState {
  id: string;
  createdAt: number;
  model: string;
  status: ResponseStatus;
  output: OutputItem[];
  usage?: Usage;
  completedAt?: number | null;
  error?: { code: string; message: string } | null;
  incompleteReason?: 'max_output_tokens' | 'content_filter';
}

/**
 * A new id for `resp_`, `msg_`, `fc_`, `rs_`, `conv_` and other items: 48 hex digits, the first
 * 12 the time in ms, the rest random. Ids made later sort later, so the stores' indexes grow at
 * their end: random keys touched a different page per row (~70 µs more per stored response).
 */
export function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return prefix + Date.now().toString(16).padStart(12, '0') + Buffer.from(bytes).toString('hex');
}

/**
 * The id of output item `index` of response `responseId` (48 hex digits after the prefix, like
 * `newId`): derived, not random, so the response the client saw, streamed or not, and the
 * stored copy built again from the same reply name their items alike, and an `item_reference`
 * to one of them finds it. The gateway's own response ids lend their first 44 digits (time
 * first, so items sort like their responses) and the index fills the last 4. Any other id is
 * hashed: an upstream's, which the stored copy of a passthrough reply without output items of
 * its own keeps, or any id when the translator runs without a store.
 */
export function outputItemId(prefix: string, responseId: string, index: number): string {
  if (OWN_ID.test(responseId) && index < 0x10000) return prefix + responseId.slice(5, 49) + index.toString(16).padStart(4, '0');
  return prefix + new Bun.CryptoHasher('sha256').update(`${responseId}#${index}`).digest('hex').slice(0, 48);
}

/** A response id made by `newId('resp_')`. */
const OWN_ID = /^resp_[0-9a-f]{48}$/;

/**
 * A result id as a Responses id: kept when it already is one, prefixed otherwise; `fallback`
 * (else a new id) when the result has none.
 */
export function toResponseId(id: string | undefined, fallback?: string): string {
  if (!id) return fallback ?? newId('resp_');
  return id.startsWith('resp_') ? id : `resp_${id.replace(/[^A-Za-z0-9_-]/g, '')}`;
}

/** True when the client asked for `reasoning.encrypted_content` in `include`. */
export function wantsEncryptedReasoning(req: GatewayRequest): boolean {
  const include = req.raw?.include;
  return Array.isArray(include) && include.includes('reasoning.encrypted_content');
}

/** What a response says about its storage (see `StoredResponses`); default: not stored. */
export interface StorageEcho {
  store: boolean;
  previousResponseId: string | null;
  conversationId?: string | null;
}

/** The request settings a response echoes, from the client's body (falling back to the hub). */
export function buildResponseEcho(req: GatewayRequest, storage?: StorageEcho): ResponseEcho {
  const raw = req.raw ?? {};
  const chat = req.body as ChatRequest;
  const text = isObject(raw.text) ? raw.text : {};
  const reasoning = isObject(raw.reasoning) ? raw.reasoning : {};
  return {
    instructions: raw.instructions ?? null,
    max_output_tokens: raw.max_output_tokens ?? null,
    max_tool_calls: raw.max_tool_calls ?? null,
    parallel_tool_calls: raw.parallel_tool_calls ?? chat.parallelToolCalls ?? true,
    previous_response_id: storage?.previousResponseId ?? null,
    reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? reasoning.generate_summary ?? null },
    service_tier: raw.service_tier && raw.service_tier !== 'auto' ? raw.service_tier : 'default',
    store: storage?.store ?? false,
    temperature: raw.temperature ?? 1,
    text: { ...text, format: text.format ?? { type: 'text' } },
    tool_choice: raw.tool_choice ?? 'auto',
    tools: Array.isArray(raw.tools) ? raw.tools.map(echoTool) : [],
    top_logprobs: raw.top_logprobs ?? 0,
    top_p: raw.top_p ?? 1,
    truncation: raw.truncation ?? 'disabled',
    background: false,
    prompt_cache_key: raw.prompt_cache_key ?? null,
    safety_identifier: raw.safety_identifier ?? null,
    user: raw.user ?? null,
    metadata: isObject(raw.metadata) ? raw.metadata : {},
    ...(storage?.conversationId ? { conversation: { id: storage.conversationId } } : {}),
  };
}

/** Assembles the response object in OpenAI's field order. */
export function buildResponseObject(state: ResponseState, echo: ResponseEcho): Record<string, unknown> {
  const { instructions, max_output_tokens, ...rest } = echo;
  return {
    id: state.id,
    object: 'response',
    created_at: state.createdAt,
    status: state.status,
    completed_at: state.completedAt ?? null,
    error: state.error ?? null,
    incomplete_details: state.incompleteReason ? { reason: state.incompleteReason } : null,
    instructions,
    max_output_tokens,
    model: state.model,
    output: state.output,
    ...rest,
    usage: encodeUsage(state.usage),
  };
}

/** Hub usage → Responses `usage` (null when the upstream reported none). */
export function encodeUsage(usage: Usage | undefined): Record<string, unknown> | null {
  if (!usage) return null;
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0, cache_write_tokens: usage.cacheWriteTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/** Function tools are echoed in full form (`parameters` and `strict` always present, as OpenAI does). */
function echoTool(tool: unknown): unknown {
  if (!isObject(tool) || tool.type !== 'function') return tool;
  return { ...tool, parameters: tool.parameters ?? null, strict: tool.strict ?? null };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
