import { GatewayError, isGatewayError } from '../../../core/errors/gateway-error.ts';
import { readReplyJson } from '../../../core/http/read-reply.ts';
import type { Attempt, CountTokensRequest, CountTokensResult } from '../../../core/plugin/types.ts';
import { mapToolNames, OPENAI_TOOL_NAMES } from '../../../core/util/map-tool-names.ts';
import { sendRepaired } from '../../../core/util/send-repaired.ts';
import { convertToResponsesRequest } from './convert-to-responses-request.ts';
import { isEncryptedReasoningRejection, withoutEncryptedReasoning } from './drop-foreign-reasoning.ts';
import { readResponsesError } from './map-responses-error.ts';
import { responsesHeaders, responsesUrl } from './responses-chat.ts';
import { countFields, countTimeouts } from '../../../core/util/count-tokens.ts';

type Json = Record<string, unknown>;

/**
 * The body fields `input_tokens` takes: a Responses body without `stream`, `store`, `include`,
 * output limits, sampling or metadata. `previous_response_id` and `conversation` are never sent:
 * the gateway has already put what they stand for in `input`.
 */
const COUNT_FIELDS: ReadonlySet<string> = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'reasoning', 'text', 'truncation', 'personality',
]);


/**
 * `countTokens` for a Responses API upstream: `POST {base}/responses/input_tokens` with the
 * account key as a bearer token. A Responses client's own body (the whole conversation, without
 * reasoning another provider made) goes with the target's model; any other request is converted
 * as `generate` converts it. Either keeps only the fields the endpoint takes. Reasoning another
 * OpenAI organization encrypted is dropped and the count asked once more when the upstream
 * refuses it, as a generation does.
 *
 * Errors: the mapped upstream error (a 404 from a compatible server without the endpoint);
 * GW_UPSTREAM_TIMEOUT past 10 s (or the provider's shorter limit); retryable 502
 * GW_UPSTREAM_PROTOCOL for a reply without `input_tokens`.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/input-tokens
 */
export async function countResponsesInputTokens(req: CountTokensRequest, attempt: Attempt): Promise<CountTokensResult> {
  const res = await sendRepaired((b) => post(b, attempt), countBody(req), (err, b) => {
    const input = isGatewayError(err) && isEncryptedReasoningRejection(err) ? withoutEncryptedReasoning(b.input) : undefined;
    return input ? { ...b, input } : undefined;
  });
  const json = (await readReplyJson(res, attempt.provider.name)) as { input_tokens?: unknown } | null;
  const n = json?.input_tokens;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The Responses upstream answered input_tokens without a count.', { status: 502, retryable: true });
  }
  return { inputTokens: n, usage: { inputTokens: 0, outputTokens: 0 } };
}

async function post(body: Json, attempt: Attempt): Promise<Response> {
  const res = await attempt.fetch(`${responsesUrl(attempt.provider)}/input_tokens`, {
    method: 'POST',
    headers: responsesHeaders(attempt, false),
    body: JSON.stringify(body),
    signal: attempt.signal,
    timeouts: countTimeouts(attempt.provider),
    stream: false,
  });
  if (!res.ok) throw await readResponsesError(res, attempt.account?.secret);
  return res;
}

/** The `input_tokens` body for `req.model`: the client's own or the converted request, its count fields only. */
function countBody(req: CountTokensRequest): Json {
  let body: Json;
  if (req.native?.dialect === 'openai-responses') {
    body = req.native.body;
  } else {
    const { stop: _stop, ...chat } = req.chat;
    body = convertToResponsesRequest({ ...(mapToolNames(chat, OPENAI_TOOL_NAMES)?.request ?? chat), stream: false }, req.model);
  }
  return countFields(body, COUNT_FIELDS, req.model);
}

