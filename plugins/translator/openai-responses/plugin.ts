import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Attempt, CallContext, CallResult, Plugin, Translator } from '../../../core/plugin/types.ts';
import type { ChatResult } from '../../../core/types/hub.ts';
import { decodeResponsesRequest } from './decode-responses-request.ts';
import { encodeResponsesError, encodeResponsesStreamError } from './encode-responses-error.ts';
import { encodeResponsesResult } from './encode-responses-result.ts';
import { encodeResponsesStream } from './encode-responses-stream.ts';
import { findNativeOnlyFeature } from './find-native-only-feature.ts';
import { handleStoredResponse } from './handle-stored-response.ts';
import { RESPONSES_ORIGIN } from './reasoning-envelope.ts';

/**
 * Builds the `openai-responses` translator: `POST /v1/responses` runs the pipeline with this
 * codec; the stored-response routes answer 404 (nothing is stored).
 */
export function createResponsesTranslator(): Translator {
  return {
    dialect: 'openai-responses',
    routes: [
      { method: 'POST', path: '/v1/responses', summary: 'OpenAI Responses' },
      { method: 'GET', path: '/v1/responses/:id', summary: 'Retrieve a stored response (none are kept: 404)', handle: handleStoredResponse },
      { method: 'DELETE', path: '/v1/responses/:id', summary: 'Delete a stored response (none are kept: 404)', handle: handleStoredResponse },
      { method: 'POST', path: '/v1/responses/:id/cancel', summary: 'Cancel a background response (none are kept: 404)', handle: handleStoredResponse },
      { method: 'GET', path: '/v1/responses/:id/input_items', summary: 'Input items of a stored response (none are kept: 404)', handle: handleStoredResponse },
    ],
    decode: decodeResponsesRequest,
    encodeResult(result, req) {
      return encodeResponsesResult(result as ChatResult, req);
    },
    encodeStream(parts, req) {
      return encodeResponsesStream(parts, req);
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

/**
 * Refuses, before any upstream call, to send built-in tools or their items to a provider that
 * does not speak the Responses API. Only requests of this dialect are looked at.
 */
export function createNativeOnlyGuard(
  error: (code: string, message: string, status?: number) => GatewayError,
): (next: () => Promise<CallResult>, attempt: Attempt, call: CallContext) => Promise<CallResult> {
  return (next, attempt, call) => {
    if (call.dialect !== 'openai-responses' || attempt.provider.type === RESPONSES_ORIGIN) return next();
    const feature = findNativeOnlyFeature(call.http.body);
    if (feature === undefined) return next();
    return Promise.reject(
      error(
        'GW_UNSUPPORTED',
        `This request uses ${feature}, which only an OpenAI Responses upstream can run; provider "${attempt.provider.name}" (type ${attempt.provider.type}) cannot.`,
        400,
      ),
    );
  };
}

/** The OpenAI Responses client dialect (Codex and the `openai` SDK). Loaded by default. */
export default {
  name: 'openai-responses',
  kind: 'translator',
  apiVersion: 1,
  autoload: true,
  description: 'OpenAI Responses dialect: POST /v1/responses (stateless: store:false).',
  setup(ctx) {
    ctx.provide('translator', createResponsesTranslator());
    ctx.hook('wrapCall', createNativeOnlyGuard((code, message, status) => ctx.error(code, message, status)));
  },
} satisfies Plugin;
