import * as v from 'valibot';
import { GatewayError, toGatewayError } from '../../../core/errors/gateway-error.ts';
import { readJsonBody } from '../../../core/pipeline/read-json-body.ts';
import { assertModelAllowed } from '../../../core/util/assert-model-allowed.ts';
import type { HttpInput, RouteHost } from '../../../core/plugin/types.ts';
import { CountTokensRequestSchema, type CountTokensRequest } from './anthropic-messages-request-schema.ts';
import { invalidRequest } from './decode-anthropic-messages-request.ts';
import { encodeAnthropicError } from './encode-anthropic-error.ts';

/** Tokens counted for one image, whatever its size (Anthropic bills at most ~1,600 per image). */
const IMAGE_TOKENS = 1600;
/** Characters per token of the estimate: the usual rule of thumb for English text and JSON. */
const CHARS_PER_TOKEN = 4;

/**
 * Estimates the input tokens of a Messages request without calling any upstream: the length of
 * `system`, `messages` and `tools` serialized as JSON, divided by 4 and rounded up, with each
 * image or base64 document counted as a flat 1,600 tokens instead of its base64 length. Good to
 * roughly ±20% for prose; clients use it for context-window bookkeeping, not billing.
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
 * the body), reads the body within `limitBytes`, validates it and answers
 * `{ "input_tokens": n }` with the estimate above; a model outside the key's scopes is a 403, as
 * on `/v1/messages`. Errors use the Messages error envelope.
 *
 * @see https://docs.anthropic.com/en/api/messages-count-tokens
 */
export async function handleCountTokens(input: HttpInput, host: RouteHost, limitBytes: number): Promise<Response> {
  try {
    const key = await host.authenticate(input);
    const body = input.body ?? (await readJsonBody(input.request, limitBytes));
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new GatewayError('GW_BAD_REQUEST', 'The request body must be a JSON object.');
    }
    const parsed = v.safeParse(CountTokensRequestSchema, body);
    if (!parsed.success) throw invalidRequest(parsed.issues);
    assertModelAllowed(host, key, parsed.output.model);
    return Response.json({ input_tokens: estimateAnthropicInputTokens(parsed.output) });
  } catch (e) {
    return encodeAnthropicError(toGatewayError(e));
  }
}
