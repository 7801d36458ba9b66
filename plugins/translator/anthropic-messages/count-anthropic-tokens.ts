import * as v from 'valibot';
import { GatewayError, toGatewayError } from '../../../core/errors/gateway-error.ts';
import { readJsonBody } from '../../../core/pipeline/read-json-body.ts';
import { assertModelAllowed } from '../../../core/util/assert-model-allowed.ts';
import type {
  CountTokensRequest as UpstreamCountRequest, GatewayRequest, HttpInput, RouteHost, } from '../../../core/plugin/types.ts';
import { CountTokensRequestSchema, type CountTokensRequest } from './anthropic-messages-request-schema.ts';
import { carriesForeignReasoning, continuesToolLoopWithoutThinking } from './anthropic-signature.ts';
import { convertRequest, invalidRequest } from './decode-anthropic-messages-request.ts';
import { encodeAnthropicError } from './encode-anthropic-error.ts';
import { countTokensCodec } from '../../../core/util/count-tokens.ts';

/** Tokens counted for one image, whatever its size (Anthropic bills at most ~1,600 per image). */
const IMAGE_TOKENS = 1600;
/** Characters per token of the estimate: the usual rule of thumb for English text and JSON. */
const CHARS_PER_TOKEN = 4;

/**
 * Estimates the input tokens of a Messages request without calling any upstream: the length of
 * `system`, `messages` and `tools` serialized as JSON, divided by 4 and rounded up, with each
 * image or base64 document counted as a flat 1,600 tokens instead of its base64 length. Good to
 * roughly ±20% for prose: the answer when no upstream of the route can count exactly.
 */
export function estimateAnthropicInputTokens(req: Pick<CountTokensRequest, 'system' | 'messages' | 'tools'>): number {
  let media = 0;
  const replacer = (key: string, value: unknown): unknown => {
    if (key === 'source' && typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'base64') {
      media++;
      return undefined;
    }
    return value;
  };
  const chars = JSON.stringify([req.system ?? '', req.messages, req.tools ?? []], replacer).length;
  return Math.ceil(chars / CHARS_PER_TOKEN) + media * IMAGE_TOKENS;
}

/**
 * Handler of `POST /v1/messages/count_tokens`: authenticates like `/v1/messages` (before reading
 * the body), reads the body within `limitBytes`, validates it (a model outside the key's scopes
 * is a 403, as on `/v1/messages`; these errors use the Messages error envelope), then routes it
 * like a message (aliases, combos, fallback) and answers `{ "input_tokens": n }` with the count
 * of the first target whose upstream counts exactly (`operations.countTokens`: Anthropic's
 * `count_tokens` for the client's own body, Gemini's or Responses' for the converted request).
 * When none can, or the upstream fails, the answer is the estimate above: a count never fails
 * for an upstream's sake.
 *
 * @see https://docs.anthropic.com/en/api/messages-count-tokens
 */
export async function handleCountTokens(input: HttpInput, host: RouteHost, limitBytes: number): Promise<Response> {
  let run: HttpInput;
  let count: CountTokensRequest;
  try {
    const key = await host.authenticate(input);
    const body = input.body ?? (await readJsonBody(input.request, limitBytes));
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new GatewayError('GW_BAD_REQUEST', 'The request body must be a JSON object.');
    }
    const parsed = v.safeParse(CountTokensRequestSchema, body);
    if (!parsed.success) throw invalidRequest(parsed.issues);
    assertModelAllowed(host, key, parsed.output.model);
    run = { ...input, body, key };
    count = parsed.output;
  } catch (e) {
    return encodeAnthropicError(toGatewayError(e));
  }
  const estimate = () => Response.json({ input_tokens: estimateAnthropicInputTokens(count) });
  try {
    return await host.run(countTokensCodec('anthropic-messages', (n) => Response.json({ input_tokens: n }), estimate), run, upstreamCountRequest(count, run.body as Record<string, unknown>));
  } catch {
    return estimate();
  }
}

/**
 * The request the pipeline routes: the hub request (what `/v1/messages` would decode), and the
 * client's own body for an Anthropic upstream unless that upstream would refuse it as is
 * (reasoning another provider made, as `decodeAnthropicMessagesRequest` decides).
 */
function upstreamCountRequest(count: CountTokensRequest, body: Record<string, unknown>): GatewayRequest<'countTokens'> {
  const req: UpstreamCountRequest = { model: count.model, chat: convertRequest(count) };
  if (!carriesForeignReasoning(count.messages) && !continuesToolLoopWithoutThinking(count.thinking, count.messages)) {
    req.native = { dialect: 'anthropic-messages', body };
  }
  return { operation: 'countTokens', model: count.model, stream: false, body: req };
}

