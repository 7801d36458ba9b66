import type { GatewayRequest, HttpInput } from '../../../core/plugin/types.ts';
import { buildSummaryRequest } from './build-summary-request.ts';
import { badRequest, checkSchema } from './check-schema.ts';
import { inputItems } from './decode-responses-request.ts';
import { withoutForeignReasoning } from './passthrough-body.ts';
import { ResponsesRequestSchema, type ResponsesRequestBody } from './responses-request-schema.ts';
import { selectKeptUserMessages } from './select-kept-user-messages.ts';
import type { StoredResponses } from './stored-responses.ts';

/** What the attempts of one compact request need besides the hub request. */
export interface CompactJob {
  /**
   * The body a Responses upstream's `/responses/compact` gets (its `model` is set per attempt):
   * the client's own, or a copy whose `input` is the whole conversation when it named stored
   * items, and without reasoning another provider made.
   */
  forward: Record<string, unknown>;
  /** The user messages an emulated compaction keeps, oldest first. */
  kept: string[];
}

/**
 * Validates a `POST /v1/responses/compact` body (`{model, input, instructions, tools…}`, what
 * Codex's remote compaction sends) and decodes it twice: the body to forward to an upstream
 * with OpenAI's compaction endpoint, and the summarization request that emulates it anywhere
 * else (see `buildSummaryRequest`).
 *
 * A `previous_response_id` or `item_reference` is resolved from the stored responses (as on
 * `POST /v1/responses`) and nothing is stored: a compaction is not a response. Errors: 400 in
 * OpenAI's terms for a body that is not an object, fails the Responses schema, has no input,
 * asks for a stream, a conversation or a background run; the 400/404 of the stored lookups.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/compact
 */
export function decodeCompactRequest(input: HttpInput, stored?: StoredResponses): { req: GatewayRequest<'chat'>; job: CompactJob } {
  const raw = input.body;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badRequest('The request body must be a JSON object.');
  const wire = raw as Record<string, unknown>;
  const body = checkSchema(ResponsesRequestSchema, raw);
  refuseUnsupported(body);
  const previous = typeof body.previous_response_id === 'string' && body.previous_response_id.length > 0;
  const own = inputItems(body.input);
  if (own.length === 0 && !previous) throw badRequest('Invalid request: input is required.', 'input');
  if (previous && !stored) {
    throw badRequest('previous_response_id is not supported here: stored responses are off; send the full input.', 'previous_response_id');
  }
  let items = own;
  let forward = wire;
  if (stored) {
    // Not stored (`store: false`): only the lookups.
    const { history, own: resolved } = stored.begin(input, { ...wire, store: false }, own);
    if (history.length > 0 || resolved !== own || wire.previous_response_id != null) {
      items = [...history, ...resolved];
      const { previous_response_id: _p, ...rest } = wire;
      forward = { ...rest, input: items };
    }
  }
  if (Array.isArray(forward.input)) {
    const kept = withoutForeignReasoning(forward.input, true);
    if (kept !== forward.input) forward = { ...forward, input: kept };
  }
  return { req: buildSummaryRequest(input, body, items), job: { forward, kept: selectKeptUserMessages(items) } };
}

function refuseUnsupported(body: ResponsesRequestBody): void {
  if (body.stream === true) throw badRequest('A compaction is not streamed: leave out stream.', 'stream');
  if (body.conversation !== undefined && body.conversation !== null) {
    throw badRequest('conversation is not supported by the compact endpoint: send the input (or a previous_response_id).', 'conversation');
  }
  if (body.background === true) throw badRequest('background is not supported by the compact endpoint.', 'background');
}
