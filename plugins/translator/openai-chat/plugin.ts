import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { CallContext, GatewayRequest, Plugin, Translator } from '../../../core/plugin/types.ts';
import type { ChatRequest, ChatResult } from '../../../core/types/hub.ts';
import { decodeOpenAIChatRequest } from './decode-openai-chat-request.ts';
import { encodeOpenAIChatResult } from './encode-openai-chat-result.ts';
import { createOpenAIChatChunkEncoder, encodeOpenAIChatStream, type OpenAIChatStreamOptions } from './encode-openai-chat-stream.ts';
import { encodeOpenAIError, encodeOpenAIStreamError } from './encode-openai-error.ts';
import { handleListModels, handleRetrieveModel } from './list-openai-models.ts';
import { createOpenAICompletionsTranslator } from './openai-completions-translator.ts';

/**
 * Builds the `openai-chat` translator: `POST /v1/chat/completions` (run by the pipeline with
 * this codec), `GET /v1/models` and `GET /v1/models/{model}` (answered here, after the same
 * client-key check). `created` is the timestamp reported for every model.
 */
export function createOpenAIChatTranslator(created = Math.floor(Date.now() / 1000)): Translator {
  return {
    dialect: 'openai-chat',
    routes: [
      { method: 'POST', path: '/v1/chat/completions', summary: 'OpenAI Chat Completions' },
      {
        method: 'GET',
        path: '/v1/models',
        summary: 'List models (OpenAI format)',
        handle: (input, host) => handleListModels(input, host, created),
      },
      {
        method: 'GET',
        path: '/v1/models/:model',
        summary: 'Retrieve a model (OpenAI format)',
        handle: (input, host) => handleRetrieveModel(input, host, created),
      },
    ],
    decode(input) {
      return decodeOpenAIChatRequest(input.body);
    },
    encodeResult(result, req) {
      return Response.json(encodeOpenAIChatResult(result as ChatResult, req.model));
    },
    encodeStream(parts, req, call) {
      return encodeOpenAIChatStream(parts, streamOptions(req, call));
    },
    createStreamEncoder(req, call) {
      return createOpenAIChatChunkEncoder(streamOptions(req, call));
    },
    encodeError(err: GatewayError) {
      return encodeOpenAIError(err);
    },
    encodeStreamError: encodeOpenAIStreamError,
    streamHeaders() {
      return { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' };
    },
  };
}

/** What the stream chunks carry before the upstream's `start` part names id and model. */
function streamOptions(req: GatewayRequest, call: CallContext): OpenAIChatStreamOptions {
  return {
    id: `chatcmpl-${call.id.replace(/^req_/, '')}`,
    model: req.model,
    streamUsage: (req.body as ChatRequest).streamUsage === true,
  };
}

/** The OpenAI Chat Completions client dialect. Loaded by default. */
export default {
  name: 'openai-chat',
  kind: 'translator',
  apiVersion: 1,
  autoload: true,
  description: 'OpenAI Chat Completions dialect: POST /v1/chat/completions, POST /v1/completions (legacy), GET /v1/models.',
  setup(ctx) {
    ctx.provide('translator', createOpenAIChatTranslator());
    ctx.provide('translator', createOpenAICompletionsTranslator());
  },
} satisfies Plugin;
