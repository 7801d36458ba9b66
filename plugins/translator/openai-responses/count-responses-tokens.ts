import { GatewayError, toGatewayError } from '../../../core/errors/gateway-error.ts';
import { readJsonBody } from '../../../core/pipeline/read-json-body.ts';
import type { HttpInput, RouteHost } from '../../../core/plugin/types.ts';
import { assertModelAllowed } from '../../../core/util/assert-model-allowed.ts';
import { badRequest } from './check-schema.ts';
import { encodeResponsesError } from './encode-responses-error.ts';
import type { StoredResponses } from './stored-responses.ts';

/** Tokens counted for one image or file part, whatever its size. */
const MEDIA_TOKENS = 1000;
/** Characters per token of the estimate (English prose and JSON). */
const CHARS_PER_TOKEN = 4;
/** Body limit of the count route (it is not a generation). */
const LIMIT_BYTES = 32 * 1024 * 1024;

/**
 * `POST /v1/responses/input_tokens`: the input tokens of a Responses request, estimated without
 * calling any upstream (4 characters a token over `instructions`, `input` and `tools` as JSON;
 * an image or file part counts 1,000 whatever its size), the conversation of a
 * `previous_response_id` included. Answers `{object: "response.input_tokens", input_tokens}`;
 * clients use it to manage their context window, not for billing. A `model` outside the key's
 * scopes is a 403, as on `/v1/responses`.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/input-tokens
 */
export async function countResponsesTokens(input: HttpInput, host: RouteHost, stored: StoredResponses | undefined): Promise<Response> {
  try {
    const key = await host.authenticate(input);
    const body = input.body ?? (await readJsonBody(input.request, LIMIT_BYTES));
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new GatewayError('GW_BAD_REQUEST', 'The request body must be a JSON object.', { status: 400 });
    }
    const b = body as Record<string, unknown>;
    if (typeof b.model === 'string' && b.model) assertModelAllowed(host, key, b.model);
    let history: readonly unknown[] = [];
    if (typeof b.previous_response_id === 'string' && b.previous_response_id) {
      const found = stored?.history(b.previous_response_id, key?.id ?? '');
      if (!found) throw badRequest(`Previous response with id '${b.previous_response_id}' not found.`, 'previous_response_id');
      history = found;
    }
    let media = 0;
    const replacer = (k: string, value: unknown): unknown => {
      if ((k === 'image_url' || k === 'file_data') && typeof value === 'string' && value.length > 256) {
        media++;
        return '';
      }
      return value;
    };
    const chars = JSON.stringify([b.instructions ?? '', history, b.input ?? '', b.tools ?? []], replacer).length;
    return Response.json({ object: 'response.input_tokens', input_tokens: Math.ceil(chars / CHARS_PER_TOKEN) + media * MEDIA_TOKENS });
  } catch (e) {
    return encodeResponsesError(toGatewayError(e));
  }
}
