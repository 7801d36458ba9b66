import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { RouteSpec, Translator } from '../../../core/plugin/types.ts';
import type { ChatResult } from '../../../core/types/hub.ts';
import { countResponsesTokens } from './count-responses-tokens.ts';
import { conversationHandler } from './handle-conversations.ts';
import { decodeResponsesRequest } from './decode-responses-request.ts';
import { encodeResponsesError, encodeResponsesStreamError } from './encode-responses-error.ts';
import { encodeResponsesResult } from './encode-responses-result.ts';
import { createResponsesStreamEncoder, encodeResponsesStream } from './encode-responses-stream.ts';
import { compactHandler } from './handle-compact.ts';
import { storedResponseHandler } from './handle-stored-response.ts';
import { ResponsesCompaction } from './responses-compaction.ts';
import { RESPONSES_ROUTES } from './responses-routes.ts';
import type { StoredResponses } from './stored-responses.ts';

/** What the compact route needs from the plugin. */
export interface CompactOptions {
  /** Its `wrapCall` layer (registered by the plugin) and job registry. */
  compaction: ResponsesCompaction;
  /** The configured request body limit in bytes, read per request (it may be reloaded). */
  bodyLimitBytes(): number;
}

/**
 * Builds the `openai-responses` translator: `POST /v1/responses` runs the pipeline with this
 * codec; the stored-response routes read `stored` (without it they answer 404);
 * `POST /v1/responses/compact` runs with the compact codec (see `handle-compact.ts`). Without
 * `compact` (no plugin around it) every target compacts by summary, under a 10 MB body limit.
 */
export function createResponsesTranslator(
  stored?: StoredResponses,
  compact: CompactOptions = { compaction: new ResponsesCompaction(() => undefined), bodyLimitBytes: () => 10 * 1024 * 1024 },
): Translator {
  const routeHandler = (spec: Omit<RouteSpec, 'handle'>): RouteSpec['handle'] => {
    if (spec.path === '/v1/responses/input_tokens') return (input, host) => countResponsesTokens(input, host, stored);
    if (spec.path === '/v1/responses/compact') return compactHandler(compact.compaction, stored, compact.bodyLimitBytes);
    return spec.path.startsWith('/v1/conversations') ? conversationHandler(spec, stored) : storedResponseHandler(spec, stored);
  };
  return {
    dialect: 'openai-responses',
    routes: RESPONSES_ROUTES.map(({ custom, ...spec }): RouteSpec => (custom ? { ...spec, handle: routeHandler(spec) } : spec)),
    decode(input) {
      return decodeResponsesRequest(input, stored);
    },
    encodeResult(result, req, call) {
      return encodeResponsesResult(result as ChatResult, req, stored?.meta(call));
    },
    encodeStream(parts, req, call) {
      return encodeResponsesStream(parts, req, stored?.meta(call));
    },
    createStreamEncoder(req, call) {
      return createResponsesStreamEncoder(req, stored?.meta(call));
    },
    encodeError(err: GatewayError) {
      return encodeResponsesError(err);
    },
    encodeStreamError: encodeResponsesStreamError,
    streamHeaders() {
      return { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' };
    },
  };
}
