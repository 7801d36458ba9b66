import { createSseParser } from '../../../core/util/sse.ts';

/** Terminal Responses events; their `response` is the complete object a JSON reply holds. */
const FINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * The HTTP status the Responses API gives the error a `response.failed` carries: what a
 * non-streamed request would have been answered with, so a refused request (context overflow,
 * rejected reasoning) stays a 400 and a rate limit a 429 for the delegate's error mapping.
 */
function statusOfFailure(code: unknown): number {
  if (typeof code !== 'string') return 502;
  if (code === 'rate_limit_exceeded' || code === 'insufficient_quota' || code === 'usage_limit_reached') return 429;
  if (code === 'context_length_exceeded' || code.startsWith('invalid_')) return 400;
  return 502;
}

/**
 * The ChatGPT backend streams every reply. For a caller that asked for JSON, reads the whole
 * SSE body and answers with the `response` object of its terminal event, as the Responses API
 * would have without `stream`. A `response.failed` becomes the upstream's error with the status
 * its code stands for (429 for rate limits, 400 for a refused request, else 502); a stream that
 * ends without a terminal event becomes a 502 the delegate maps as retryable.
 *
 * @see https://platform.openai.com/docs/api-reference/responses-streaming/response/completed
 */
export async function sseToResponseJson(res: Response): Promise<Response> {
  const parser = createSseParser();
  let final: Record<string, unknown> | undefined;
  let failed = false;
  const take = (events: Array<{ event?: string; data: string }>) => {
    for (const e of events) {
      if (!e.data || e.data === '[DONE]') continue;
      let json: { type?: string; response?: Record<string, unknown> };
      try {
        json = JSON.parse(e.data) as typeof json;
      } catch {
        continue;
      }
      const type = json.type ?? e.event ?? '';
      if (FINAL.has(type) && json.response) {
        final = json.response;
        failed = type === 'response.failed';
      }
    }
  };
  const reader = res.body!.getReader();
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    take(parser.push(r.value));
  }
  take(parser.end());
  const headers = { 'content-type': 'application/json' };
  if (!final) return Response.json({ error: { message: 'The Codex stream ended without a final response.', type: 'server_error' } }, { status: 502, headers });
  if (failed) {
    const error = (final.error ?? { message: 'The Codex response failed.', type: 'server_error' }) as { code?: unknown };
    return Response.json({ error }, { status: statusOfFailure(error.code), headers });
  }
  return new Response(JSON.stringify(final), { status: 200, headers });
}
