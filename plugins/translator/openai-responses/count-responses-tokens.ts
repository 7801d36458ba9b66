import { GatewayError, toGatewayError } from '../../../core/errors/gateway-error.ts';
import { readJsonBody } from '../../../core/pipeline/read-json-body.ts';
import type {
  CountTokensRequest, GatewayRequest, HttpInput, RouteHost, } from '../../../core/plugin/types.ts';
import { assertModelAllowed } from '../../../core/util/assert-model-allowed.ts';
import { badRequest } from './check-schema.ts';
import { decodeResponsesRequest, inputItems } from './decode-responses-request.ts';
import { encodeResponsesError } from './encode-responses-error.ts';
import type { ResponsesRequestBody } from './responses-request-schema.ts';
import type { StoredResponses } from './stored-responses.ts';
import { countTokensCodec } from '../../../core/util/count-tokens.ts';

type Json = Record<string, unknown>;

/** Tokens counted for one image or file part, whatever its size. */
const MEDIA_TOKENS = 1000;
/** Characters per token of the estimate (English prose and JSON). */
const CHARS_PER_TOKEN = 4;
/** Body limit of the count route (it is not a generation). */
const LIMIT_BYTES = 32 * 1024 * 1024;

/**
 * `POST /v1/responses/input_tokens`: the input tokens of a Responses request, the conversation
 * of a `previous_response_id` included. Authenticated and validated as today (a `model` outside
 * the key's scopes is a 403, an unknown `previous_response_id` a 400, as on `/v1/responses`),
 * then routed like a response (aliases, combos, fallback): the answer,
 * `{object: "response.input_tokens", input_tokens}`, is the count of the first target whose
 * upstream counts exactly (`operations.countTokens`: OpenAI's `input_tokens` for the client's
 * own request with its whole conversation, Anthropic's or Gemini's for the converted request).
 * Without a model, when no target can count, or when the upstream fails, it is the estimate of
 * `estimateResponsesInputTokens`: a count never fails for an upstream's sake.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/input-tokens
 */
export async function countResponsesTokens(input: HttpInput, host: RouteHost, stored: StoredResponses | undefined): Promise<Response> {
  let run: HttpInput;
  let body: Json;
  let history: readonly unknown[] = [];
  try {
    const key = await host.authenticate(input);
    const read = input.body ?? (await readJsonBody(input.request, LIMIT_BYTES));
    if (typeof read !== 'object' || read === null || Array.isArray(read)) {
      throw new GatewayError('GW_BAD_REQUEST', 'The request body must be a JSON object.', { status: 400 });
    }
    body = read as Json;
    if (typeof body.model === 'string' && body.model) assertModelAllowed(host, key, body.model);
    if (typeof body.previous_response_id === 'string' && body.previous_response_id) {
      const found = stored?.history(body.previous_response_id, key?.id ?? '');
      if (!found) throw badRequest(`Previous response with id '${body.previous_response_id}' not found.`, 'previous_response_id');
      history = found;
    }
    run = { ...input, body, key };
  } catch (e) {
    return encodeResponsesError(toGatewayError(e));
  }
  const answer = (n: number) => Response.json({ object: 'response.input_tokens', input_tokens: n });
  const estimate = () => answer(estimateResponsesInputTokens(body, history));
  if (typeof body.model !== 'string' || !body.model) return estimate();
  try {
    return await host.run(countTokensCodec('openai-responses', answer, estimate), run, upstreamCountRequest(run, body, body.model, stored));
  } catch {
    return estimate();
  }
}

/**
 * Estimates the input tokens of a Responses request without calling any upstream: 4 characters
 * a token over `instructions`, the `history` of its `previous_response_id`, `input` and
 * `tools` as JSON; an image or file part counts 1,000 whatever its size.
 */
export function estimateResponsesInputTokens(body: Json, history: readonly unknown[]): number {
  let media = 0;
  const replacer = (k: string, value: unknown): unknown => {
    if ((k === 'image_url' || k === 'file_data') && typeof value === 'string' && value.length > 256) {
      media++;
      return '';
    }
    return value;
  };
  const chars = JSON.stringify([body.instructions ?? '', history, body.input ?? '', body.tools ?? []], replacer).length;
  return Math.ceil(chars / CHARS_PER_TOKEN) + media * MEDIA_TOKENS;
}

/**
 * The request the pipeline routes, decoded as `/v1/responses` decodes it: the conversation a
 * `previous_response_id` or `conversation` stands for and the items `item_reference`s name are
 * put in `input` (looked up only: a count is never stored and joins no conversation), and that
 * whole body, without reasoning another provider made, is what a Responses upstream counts.
 * Throws the decoder's and the lookups' 400/404.
 */
function upstreamCountRequest(run: HttpInput, body: Json, model: string, stored: StoredResponses | undefined): GatewayRequest<'countTokens'> {
  let wire: Json = { ...body, store: false };
  if (stored) {
    // A throwaway input: what `begin` notes for storage is never found by the pipeline's run.
    const { history, own } = stored.begin({ ...run }, wire, inputItems(body.input as ResponsesRequestBody['input']));
    const { previous_response_id: _p, conversation: _c, ...rest } = wire;
    wire = { ...rest, input: [...history, ...own] };
  }
  const decoded = decodeResponsesRequest({ ...run, body: wire });
  const req: CountTokensRequest = { model, chat: decoded.body };
  if (decoded.raw) req.native = { dialect: 'openai-responses', body: decoded.raw };
  return { operation: 'countTokens', model, stream: false, body: req };
}

