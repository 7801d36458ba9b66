import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { RouteSpec, Translator } from '../../../core/plugin/types.ts';
import type { ChatRequest, ChatResult } from '../../../core/types/hub.ts';
import { decodeResponsesRequest } from './decode-responses-request.ts';
import { encodeResponsesError, encodeResponsesStreamError } from './encode-responses-error.ts';
import { encodeResponsesResult } from './encode-responses-result.ts';
import { createResponsesStreamEncoder, encodeResponsesStream } from './encode-responses-stream.ts';
import { findNativeOnlyFeature } from './find-native-only-feature.ts';
import { handleStoredResponse } from './handle-stored-response.ts';
import { RESPONSES_ORIGIN } from './reasoning-envelope.ts';
import { RESPONSES_ROUTES } from './responses-routes.ts';

/**
 * Builds the `openai-responses` translator: `POST /v1/responses` runs the pipeline with this
 * codec; the stored-response routes answer 404 (nothing is stored).
 */
export function createResponsesTranslator(): Translator {
  return {
    dialect: 'openai-responses',
    routes: RESPONSES_ROUTES.map(({ custom, ...spec }): RouteSpec => (custom ? { ...spec, handle: handleStoredResponse } : spec)),
    decode(input) {
      const req = decodeResponsesRequest(input);
      const feature = findNativeOnlyFeature(input.body);
      if (feature !== undefined) (req.body as ChatRequest).nativeOnly = { providerTypes: [RESPONSES_ORIGIN], feature };
      return req;
    },
    encodeResult(result, req) {
      return encodeResponsesResult(result as ChatResult, req);
    },
    encodeStream(parts, req) {
      return encodeResponsesStream(parts, req);
    },
    createStreamEncoder(req) {
      return createResponsesStreamEncoder(req);
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
