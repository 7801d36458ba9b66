/**
 * The `codex` provider (a ChatGPT plan) for a caller that asked for JSON: the backend always
 * streams, and a refusal inside the stream (`response.failed`) must reach the caller with the
 * status the same refusal has everywhere else: the delegate (`openai-responses`) maps the JSON
 * the codex adapter builds, so a context overflow stays a 400 the client can act on, a rate
 * limit a 429 that waits, and only server errors are 502.
 */
import { describe, expect, test } from 'bun:test';
import { readResponsesError } from '../../plugins/provider/openai-responses/map-responses-error.ts';
import { sseToResponseJson } from '../../plugins/provider/codex/sse-to-response-json.ts';

const failedStream = (error: Record<string, unknown>) => new Response(
  [
    { type: 'response.created', sequence_number: 0, response: { id: 'resp_cx1', object: 'response', status: 'in_progress', output: [] } },
    { type: 'response.failed', sequence_number: 1, response: { id: 'resp_cx1', object: 'response', status: 'failed', output: [], error } },
  ].map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(''),
  { headers: { 'content-type': 'text/event-stream' } },
);

const CASES: Array<[string, Record<string, unknown>, number, string]> = [
  ['context overflow', { code: 'context_length_exceeded', message: 'Your input exceeds the context window of this model. Please adjust your input and try again.' }, 400, 'GW_BAD_REQUEST'],
  ['rate limit', { code: 'rate_limit_exceeded', message: 'Rate limit reached for gpt-5.1-codex. Please try again in 20s.' }, 429, 'GW_RATE_LIMITED'],
  ['reasoning of another account', { code: 'invalid_encrypted_content', message: 'The encrypted content gAAA...== could not be verified.' }, 400, 'GW_BAD_REQUEST'],
  ['server error', { code: 'server_error', message: 'An error occurred while processing your request.' }, 502, 'GW_UPSTREAM_ERROR'],
];

describe('codex provider, non-streamed caller: a response.failed keeps its meaning', () => {
  test.each(CASES)('%s', async (_label, error, status, code) => {
    const json = await sseToResponseJson(failedStream(error));
    expect(json.status).toBe(status);
    const err = await readResponsesError(json);
    expect(err.code).toBe(code);
    expect(err.status).toBe(status);
    expect(err.upstream?.code).toBe(error.code as string);
    if (status === 429) expect(err.retryAfterMs).toBe(20_000);
  });
});
