import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Translator } from '../../../core/plugin/types.ts';
import { RERANK_ROUTES } from './plugin.ts';
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
    routes: [...RERANK_ROUTES],
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
