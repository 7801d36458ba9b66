import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { RouteSpec, Translator } from '../../../core/plugin/types.ts';
import { EMBEDDINGS_ROUTES } from './plugin.ts';
import type { EmbedRequest, EmbedResult } from '../../../core/types/operations.ts';
import { decodeEmbeddingsRequest } from './decode-embeddings-request.ts';
import { encodeEmbeddingsResult } from './encode-embeddings-result.ts';
import { handleListEmbeddingModels } from './list-embedding-models.ts';
import { encodeOpenAIError } from '../../../core/errors/openai-error.ts';

/**
 * The OpenAI embeddings endpoint: `POST /v1/embeddings` through the pipeline (routing,
 * fallback, keys, limits, usage and cost like chat) as the `embed` operation, and
 * `GET /v1/embeddings` listing the embedding models.
 */
export function createEmbeddingsEndpoint(created = Math.floor(Date.now() / 1000)): Translator {
  return {
    dialect: 'openai-embeddings',
    routes: EMBEDDINGS_ROUTES.map(({ custom, ...spec }): RouteSpec =>
      (custom ? { ...spec, handle: (i, h) => handleListEmbeddingModels(i, h, created) } : spec)),
    decode: (input) => decodeEmbeddingsRequest(input.body),
    encodeResult(result, req) {
      const encoding = (req.body as EmbedRequest).encoding ?? 'float';
      return Response.json(encodeEmbeddingsResult(result as EmbedResult, req.model, encoding));
    },
    encodeStream() {
      throw new Error('embeddings are never streamed');
    },
    encodeError: (err: GatewayError) => encodeOpenAIError(err),
  };
}
