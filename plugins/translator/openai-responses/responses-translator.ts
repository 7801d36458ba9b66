import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { RouteSpec, Translator } from '../../../core/plugin/types.ts';
import type { ChatResult } from '../../../core/types/hub.ts';
import { countResponsesTokens } from './count-responses-tokens.ts';
import { conversationHandler } from './handle-conversations.ts';
import { decodeResponsesRequest } from './decode-responses-request.ts';
import { encodeResponsesError, encodeResponsesStreamError } from './encode-responses-error.ts';
import { encodeResponsesResult } from './encode-responses-result.ts';
import { createResponsesStreamEncoder, encodeResponsesStream } from './encode-responses-stream.ts';
import { storedResponseHandler } from './handle-stored-response.ts';
import { RESPONSES_ROUTES } from './responses-routes.ts';
import type { StoredResponses } from './stored-responses.ts';

/**
 * Builds the `openai-responses` translator: `POST /v1/responses` runs the pipeline with this
 * codec; the stored-response routes read `stored` (without it they answer 404).
 */
export function createResponsesTranslator(stored?: StoredResponses): Translator {
  return {
    dialect: 'openai-responses',
    routes: RESPONSES_ROUTES.map(({ custom, ...spec }): RouteSpec => {
      if (!custom) return spec;
      const handle: RouteSpec['handle'] = spec.path === '/v1/responses/input_tokens'
        ? (input, host) => countResponsesTokens(input, host, stored)
        : spec.path.startsWith('/v1/conversations') ? conversationHandler(spec, stored) : storedResponseHandler(spec, stored);
      return { ...spec, handle };
    }),
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
