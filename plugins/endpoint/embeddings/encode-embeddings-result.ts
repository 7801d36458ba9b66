import type { EmbedResult } from '../../../core/types/operations.ts';

/** One entry of the OpenAI embeddings list. */
export interface OpenAIEmbedding {
  object: 'embedding';
  index: number;
  embedding: number[] | string;
}

/**
 * A vector as OpenAI's base64 encoding: the float32 values, little-endian, base64. Values are
 * rounded to float32, as OpenAI's own base64 answers are.
 */
export function toBase64Float32(values: number[]): string {
  const f32 = new Float32Array(values);
  return Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString('base64');
}

/**
 * The hub result → OpenAI `{object:"list", data, model, usage}` in the encoding the client
 * asked for. `model` is the name the client used (as chat does). The upstream's own wire
 * `usage` (and other reply fields in `extra`) is passed back unchanged when present.
 *
 * @see https://platform.openai.com/docs/api-reference/embeddings/object
 */
export function encodeEmbeddingsResult(result: EmbedResult, model: string, encoding: 'float' | 'base64'): Record<string, unknown> {
  const data: OpenAIEmbedding[] = result.embeddings.map((e, index) => ({
    object: 'embedding',
    index,
    embedding: encoding === 'base64' ? toBase64Float32(e) : e,
  }));
  const tokens = result.usage?.inputTokens ?? 0;
  return {
    ...result.extra,
    object: 'list',
    data,
    model,
    usage: result.extra?.usage ?? { prompt_tokens: tokens, total_tokens: tokens + (result.usage?.outputTokens ?? 0) },
  };
}
