import type { GatewayRequest } from '../../../core/plugin/types.ts';
import type { ChatResult, FinishReason } from '../../../core/types/hub.ts';
import {
  buildResponseEcho,
  buildResponseObject,
  toResponseId,
  wantsEncryptedReasoning,
  type ResponseState,
} from './build-response-object.ts';
import { encodeOutputItems, markCutItem } from './encode-output-items.ts';
import type { ResponseMeta } from './stored-responses.ts';
import { toolForms } from './client-tools.ts';

/**
 * Encodes a complete chat result as the JSON `response` object of `POST /v1/responses`.
 * A `length` or `content-filter` finish gives `status: "incomplete"` with its reason, and the
 * last item (the one cut) `status: "incomplete"` too, as OpenAI reports a response cut by
 * `max_output_tokens`.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
export function encodeResponsesResult(result: ChatResult, req: GatewayRequest, meta?: ResponseMeta): Response {
  const body = buildResponsesResultBody(result, req, meta);
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
}

/** The response object itself (exported for tests and for callers that wrap it). */
export function buildResponsesResultBody(result: ChatResult, req: GatewayRequest, meta?: ResponseMeta): Record<string, unknown> {
  const createdAt = result.created ?? Math.floor(Date.now() / 1000);
  // With storage in play the gateway's own id: an upstream id may repeat (Ollama's chatcmpl-<n>).
  const id = meta ? meta.fallbackId : toResponseId(result.id);
  const state: ResponseState = {
    id,
    createdAt,
    model: result.model || req.model,
    status: 'completed',
    output: encodeOutputItems(result.content, id, wantsEncryptedReasoning(req), toolForms(req)),
    usage: result.usage,
    completedAt: Math.max(createdAt, Math.floor(Date.now() / 1000)),
  };
  applyFinish(state, result.finishReason);
  if (state.status === 'incomplete') markCutItem(state.output);
  return buildResponseObject(state, buildResponseEcho(req, meta));
}

/** Sets status, completion time and incomplete reason / error from a hub finish reason. */
export function applyFinish(state: ResponseState, reason: FinishReason): void {
  if (reason === 'length' || reason === 'content-filter') {
    state.status = 'incomplete';
    state.incompleteReason = reason === 'length' ? 'max_output_tokens' : 'content_filter';
    state.completedAt = null;
  } else if (reason === 'error') {
    state.status = 'failed';
    state.error = { code: 'server_error', message: 'The upstream ended the response with an error.' };
    state.completedAt = null;
  } else {
    state.status = 'completed';
  }
}
