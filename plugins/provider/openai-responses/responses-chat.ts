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
import { repairTaughtRefusal, withLearnedFits } from './learned-fits.ts';
import { withoutKnownOrphanReasoning, withoutOrphanReasoning } from './orphan-reasoning.ts';
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
 * POSTs `body` and returns the 2xx answer; throws the mapped GatewayError otherwise. Call ids
 * the API would refuse as too long are fitted first (`fit-call-ids.ts`), on both lanes. A 400
 * that refuses reasoning another organization encrypted is answered by sending the request once
 * more without it (see `drop-foreign-reasoning.ts`); one that refuses a tool's schema (an array
 * without `items`, a pattern it cannot compile), with the tools fitted (`repairToolSchemas`);
 * one that lists the reasoning efforts the model takes, or refuses a sampling parameter the
 * model takes only at its default, set right as it says (`repairTaughtRefusal`); one that
 * refuses a stored reasoning item replayed without the item after it, without that reasoning
 * (`withoutOrphanReasoning`); and the model's later requests fitted before they go. Up to
 * `MAX_REPAIRS` in a row.
 */
function send(given: Record<string, unknown>, attempt: Attempt): Promise<Response> {
  const body = withoutKnownOrphanReasoning(withLearnedFits(withKnownReadableArguments(withKnownSchemaFits(given, attempt), attempt), attempt), attempt);
  const input = fitCallIds(body.input);
  return sendRepaired((b) => post(b, attempt), input ? { ...body, input } : body, (err, b) => {
    const input = isGatewayError(err) && isEncryptedReasoningRejection(err) ? withoutEncryptedReasoning(b.input) : undefined;
    if (input) return { ...b, input };
    return (repairToolSchemas(err, b, attempt) ?? repairUnreadableArguments(err, b, attempt))?.body ?? repairTaughtRefusal(err, b, attempt)
      ?? withoutOrphanReasoning(err, b, attempt);
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
