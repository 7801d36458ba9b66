import { GatewayError, isGatewayError } from '../../../core/errors/gateway-error.ts';
import { sessionCacheKey } from '../../../core/util/session-cache-key.ts';
import { isOpenAIApi, openAIUrl } from '../../../core/util/openai-api.ts';
import type { Attempt, PassthroughReply, ProviderAdapter, ProviderRuntime, UpstreamPreview } from '../../../core/plugin/types.ts';
import type { ChatRequest, ChatResult, StreamPart } from '../../../core/types/hub.ts';
import { convertToResponsesRequest } from './convert-to-responses-request.ts';
import { createResponsesJsonParser, createResponsesStreamParser } from './create-responses-stream-parser.ts';
import { isEncryptedReasoningRejection, withoutEncryptedReasoning } from './drop-foreign-reasoning.ts';
import { fitCallIds } from './fit-call-ids.ts';
import { readResponsesError } from './map-responses-error.ts';
import { mapResponsesResult } from './map-responses-result.ts';
import { partsFromBody } from '../../../core/util/parts-from-body.ts';
import { modelQuirks } from '../../../core/config/resolve-providers.ts';
import { mapToolNames, OPENAI_TOOL_NAMES } from '../../../core/util/map-tool-names.ts';
import { capOutputTokens, outputTokenLimit } from '../../../core/util/output-token-limit.ts';
import { sendRepaired } from '../../../core/util/send-repaired.ts';
import { ProviderMemo } from '../../../core/util/provider-memo.ts';
import { refusedSamplingField } from '../../../core/util/refused-fields.ts';
import { EFFORTS, fitReasoningEffort, statedEfforts } from '../../../core/util/reasoning-effort.ts';
import type { ReasoningEffort } from '../../../core/types/hub.ts';
import { repairToolSchemas, withKnownSchemaFits } from '../../../core/util/openai-tool-schemas.ts';
import { repairUnreadableArguments, withKnownReadableArguments } from '../../../core/util/readable-arguments.ts';

/** `${baseUrl}/responses` (the OpenAI API when the provider has no base URL). */
export function responsesUrl(provider: Pick<ProviderRuntime, 'baseUrl'>): string {
  return openAIUrl(provider.baseUrl, '/responses');
}

/**
 * Outbound headers: JSON content type, `accept` for SSE or JSON, the provider's configured
 * headers, then the account key as `authorization: Bearer` (no key, no auth header).
 */
export function responsesHeaders(attempt: Pick<Attempt, 'provider' | 'account'>, stream: boolean): Headers {
  const h = new Headers({ 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json' });
  for (const [k, v] of Object.entries(attempt.provider.headers ?? {})) h.set(k, v);
  const secret = attempt.account?.secret;
  if (secret) h.set('authorization', `Bearer ${secret}`);
  return h;
}

/** Refusals answered by sending once more, at most this many in a row (a validator names one field at a time). */
const MAX_REPAIRS = 3;

/**
 * Sampling parameters each model's upstream refused (`refusedSamplingField`: OpenAI's reasoning
 * models, "Unsupported parameter: 'temperature' is not supported with this model."; Claude Opus
 * 4.7 and later): its later requests go without them.
 */
const refusedSampling = new ProviderMemo<readonly string[]>();

/** The body without the sampling parameters the model's upstream refused before; the same body otherwise. */
function withoutKnownRefusedSampling(body: Record<string, unknown>, attempt: Attempt): Record<string, unknown> {
  const refused = refusedSampling.get(attempt.provider, attempt.target.model);
  if (!refused || !refused.some((k) => body[k] !== undefined)) return body;
  return Object.fromEntries(Object.entries(body).filter(([k]) => !refused.includes(k)));
}

/** The body without the sampling parameter the upstream refused (remembered for the model), or undefined. */
function withoutRefusedSampling(err: unknown, body: Record<string, unknown>, attempt: Attempt): Record<string, unknown> | undefined {
  const field = refusedSamplingField(err, body);
  if (field === undefined) return undefined;
  refusedSampling.set(attempt.provider, attempt.target.model, [...(refusedSampling.get(attempt.provider, attempt.target.model) ?? []), field]);
  const { [field]: _refused, ...rest } = body;
  return rest;
}

/**
 * The reasoning efforts each model's upstream listed as its own when it refused another
 * (`statedEfforts`: "Unsupported value: 'minimal' is not supported with the 'gpt-5.1' model.
 * Supported values are: 'none', 'low', 'medium', and 'high'."): later requests are fitted.
 */
const statedModelEfforts = new ProviderMemo<readonly ReasoningEffort[]>();

/** The body with `reasoning.effort` fitted to `allowed` (`fitReasoningEffort`); the same body when it fits or has none. */
function withEffortWithin(body: Record<string, unknown>, allowed: readonly ReasoningEffort[]): Record<string, unknown> {
  const reasoning = body.reasoning as Record<string, unknown> | undefined;
  const effort = reasoning?.effort;
  if (typeof effort !== 'string' || !(EFFORTS as readonly string[]).includes(effort) || allowed.includes(effort as ReasoningEffort)) return body;
  const fitted = fitReasoningEffort(effort as ReasoningEffort, allowed);
  const { effort: _refused, ...rest } = reasoning!;
  return { ...body, reasoning: fitted ? { ...rest, effort: fitted } : rest };
}

/** The body with its effort fitted to the efforts the model's upstream listed before; the same body otherwise. */
function withKnownEfforts(body: Record<string, unknown>, attempt: Attempt): Record<string, unknown> {
  const allowed = statedModelEfforts.get(attempt.provider, attempt.target.model);
  return allowed ? withEffortWithin(body, allowed) : body;
}

/** The body with its effort fitted to the efforts a refusal lists (remembered for the model), or undefined. */
function withStatedEfforts(err: unknown, body: Record<string, unknown>, attempt: Attempt): Record<string, unknown> | undefined {
  const allowed = statedEfforts(err);
  if (!allowed) return undefined;
  const fitted = withEffortWithin(body, allowed);
  if (fitted === body) return undefined;
  statedModelEfforts.set(attempt.provider, attempt.target.model, allowed);
  return fitted;
}

/**
 * POSTs `body` and returns the 2xx answer; throws the mapped GatewayError otherwise. Call ids
 * the API would refuse as too long are fitted first (`fit-call-ids.ts`), on both lanes. A 400
 * that refuses reasoning another organization encrypted is answered by sending the request once
 * more without it (see `drop-foreign-reasoning.ts`); one that refuses a tool's schema (an array
 * without `items`, a pattern it cannot compile), with the tools fitted (`repairToolSchemas`);
 * one that lists the reasoning efforts the model takes, with the effort fitted to them
 * (`withStatedEfforts`); one that refuses a sampling parameter the model takes only at its
 * default (a reasoning model: a client's `temperature`), without it (`withoutRefusedSampling`);
 * and the model's later
 * requests fitted before they go. Up to `MAX_REPAIRS` in a row.
 */
function send(given: Record<string, unknown>, attempt: Attempt): Promise<Response> {
  const body = withKnownEfforts(withoutKnownRefusedSampling(withKnownReadableArguments(withKnownSchemaFits(given, attempt), attempt), attempt), attempt);
  const input = fitCallIds(body.input);
  return sendRepaired((b) => post(b, attempt), input ? { ...body, input } : body, (err, b) => {
    const input = isGatewayError(err) && isEncryptedReasoningRejection(err) ? withoutEncryptedReasoning(b.input) : undefined;
    if (input) return { ...b, input };
    return (repairToolSchemas(err, b, attempt) ?? repairUnreadableArguments(err, b, attempt))?.body ?? withStatedEfforts(err, b, attempt)
      ?? withoutRefusedSampling(err, b, attempt);
  }, MAX_REPAIRS);
}


async function post(body: Record<string, unknown>, attempt: Attempt): Promise<Response> {
  const stream = body.stream === true;
  const res = await attempt.fetch(responsesUrl(attempt.provider), {
    method: 'POST',
    headers: responsesHeaders(attempt, stream),
    body: JSON.stringify(body),
    signal: attempt.signal,
    stream,
  });
  if (!res.ok) throw await readResponsesError(res, attempt.account?.secret);
  if (!res.body) throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The Responses upstream answered without a body.', { retryable: true });
  return res;
}

/**
 * The converted lane's body: `req` with its tool names already fitted, `max_output_tokens`
 * capped to the model's `max_output_tokens` quirk (never raised).
 */
function convertFor(req: ChatRequest, provider: ProviderRuntime, model: string): Record<string, unknown> {
  const body = convertToResponsesRequest(req, model);
  if (typeof body.max_output_tokens === 'number') body.max_output_tokens = capOutputTokens(body.max_output_tokens, outputTokenLimit(modelQuirks(provider, model)));
  // OpenAI routes a session's requests to the machine holding its prompt cache by this key.
  if (body.prompt_cache_key === undefined && req.user && isOpenAIApi(provider.baseUrl)) body.prompt_cache_key = sessionCacheKey(req.user);
  return body;
}

/**
 * Non-streamed call → hub result. Function names the API refuses go renamed and come back as
 * the client wrote them (`mapToolNames`). Throws the mapped GatewayError on a non-2xx answer.
 */
async function generate(req: ChatRequest, attempt: Attempt): Promise<ChatResult> {
  const names = mapToolNames(req, OPENAI_TOOL_NAMES);
  const res = await send(convertFor({ ...(names?.request ?? req), stream: false }, attempt.provider, attempt.target.model), attempt);
  let json: unknown;
  try {
    json = JSON.parse(await res.text());
  } catch {
    throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The Responses upstream returned malformed JSON.', { retryable: true });
  }
  const result = mapResponsesResult(json, attempt.account?.secret);
  return names ? names.restoreResult(result) : result;
}

/** Streamed call; resolves once the upstream answered 2xx. Tool names as in `generate`. */
async function stream(req: ChatRequest, attempt: Attempt): Promise<ReadableStream<StreamPart>> {
  const names = mapToolNames(req, OPENAI_TOOL_NAMES);
  const res = await send(convertFor({ ...(names?.request ?? req), stream: true }, attempt.provider, attempt.target.model), attempt);
  const parts = partsFromBody(res.body!, createResponsesStreamParser({ secret: attempt.account?.secret }), 'Responses upstream');
  return names ? names.restoreStream(parts) : parts;
}

/** The client's own Responses body with only `model` replaced; bytes go back untouched. */
async function passthrough(body: Record<string, unknown>, attempt: Attempt): Promise<PassthroughReply> {
  const res = await send({ ...body, model: attempt.target.model }, attempt);
  const secret = attempt.account?.secret;
  const parser = body.stream === true ? createResponsesStreamParser({ secret }) : createResponsesJsonParser({ secret });
  return { response: res, parser };
}

/**
 * The `openai-responses` adapter: OpenAI's Responses API (`POST {base_url}/responses`) and
 * compatible servers. Native dialect `openai-responses`: Responses clients (Codex, the SDK)
 * take the passthrough lane.
 *
 * @see https://platform.openai.com/docs/api-reference/responses
 */
export const responsesAdapter: ProviderAdapter = {
  id: 'openai-responses',
  nativeDialect: 'openai-responses',
  chat: { generate, stream, passthrough },
  preview,
};

/** The Responses request `generate`/`stream` would send (playground preview; no network). */
function preview(req: ChatRequest, provider: ProviderRuntime): UpstreamPreview {
  const headers = Object.fromEntries(responsesHeaders({ provider, account: provider.accounts[0] }, req.stream));
  return { url: responsesUrl(provider), method: 'POST', headers, body: convertFor(mapToolNames(req, OPENAI_TOOL_NAMES)?.request ?? req, provider, req.model) };
}
