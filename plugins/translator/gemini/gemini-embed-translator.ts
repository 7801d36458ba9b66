import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Translator } from '../../../core/plugin/types.ts';
import type { EmbedResult } from '../../../core/types/operations.ts';
import { encodeGeminiError } from './encode-gemini-error.ts';

const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };

/**
 * The hub embeddings → Gemini's reply: `{embedding:{values}}` for `:embedContent`,
 * `{embeddings:[{values}]}` for `:batchEmbedContents`.
 *
 * @see https://ai.google.dev/api/embeddings#response-body
 */
export function encodeGeminiEmbedResult(result: EmbedResult, batch: boolean): Record<string, unknown> {
  const vectors = result.embeddings.map((values) => ({ values }));
  return batch ? { embeddings: vectors } : { embedding: vectors[0] };
}

/**
 * The codec the `gemini` translator hands to the pipeline for the embed methods (its routes
 * stay with the translator, which owns `/v1beta/models/{model}:{method}`). Errors use Google's
 * envelope like every Gemini route.
 */
export function createGeminiEmbedCodec(): Translator {
  return {
    dialect: 'gemini',
    routes: [],
    decode() {
      throw new Error('decoded by the gemini translator');
    },
    encodeResult(result, _req, call) {
      const batch = (call.http.params.modelAction ?? call.http.url.pathname).endsWith(':batchEmbedContents');
      return new Response(JSON.stringify(encodeGeminiEmbedResult(result as EmbedResult, batch)), { headers: JSON_HEADERS });
    },
    encodeStream() {
      throw new Error('embeddings are never streamed');
    },
    encodeError: (err: GatewayError) => encodeGeminiError(err),
  };
}
