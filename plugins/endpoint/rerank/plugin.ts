import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Plugin, Translator } from '../../../core/plugin/types.ts';
import type { RerankRequest, RerankResult } from '../../../core/types/operations.ts';
import { decodeRerankRequest } from './decode-rerank-request.ts';
import { encodeCohereRerank, encodeJinaRerank, pickRerankShape } from './encode-rerank-result.ts';
import { encodeOpenAIError } from '../../../core/errors/openai-error.ts';

/**
 * `POST /v1/rerank` as the `rerank` operation: accepts the Cohere v2 and Jina request shapes
 * and answers in the shape the client asked for (see `pickRerankShape`), whatever the upstream.
 */
export function createRerankEndpoint(): Translator {
  return {
    dialect: 'rerank',
    routes: [{ method: 'POST', path: '/v1/rerank', summary: 'Rerank documents (Cohere v2 or Jina format)' }],
    decode: (input) => decodeRerankRequest(input.body),
    encodeResult(result, req, call) {
      const r = result as RerankResult;
      const body = req.body as RerankRequest;
      const shape = pickRerankShape(body, r, call.http);
      return Response.json(shape === 'cohere' ? encodeCohereRerank(r) : encodeJinaRerank(r, body, req.model));
    },
    encodeStream() {
      throw new Error('rerank results are never streamed');
    },
    encodeError: (err: GatewayError) => encodeOpenAIError(err),
  };
}

/** `POST /v1/rerank`. Loaded by default. */
export default {
  name: 'rerank',
  kind: 'endpoint',
  apiVersion: 1,
  autoload: true,
  description: 'Rerank endpoint: POST /v1/rerank in the Cohere v2 or Jina shape.',
  setup(ctx) {
    ctx.provide('endpoint', createRerankEndpoint());
  },
} satisfies Plugin;
