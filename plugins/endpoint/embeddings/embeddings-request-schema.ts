import * as v from 'valibot';

const TokenIds = v.pipe(v.array(v.pipe(v.number(), v.integer())), v.minLength(1, 'a token array must not be empty'));

/**
 * `POST /v1/embeddings` body. Unknown fields are kept (Jina's `task`, Voyage's `input_type` …)
 * and forwarded to upstreams of the same family.
 *
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
export const EmbeddingsRequestSchema = v.looseObject({
  model: v.pipe(v.string(), v.minLength(1, 'a model is required')),
  input: v.union([
    v.string(),
    v.pipe(v.array(v.string()), v.minLength(1, 'the input list must not be empty')),
    TokenIds,
    v.pipe(v.array(TokenIds), v.minLength(1, 'the input list must not be empty')),
  ], 'expected a string, an array of strings, or token arrays'),
  encoding_format: v.optional(v.picklist(['float', 'base64'])),
  dimensions: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  user: v.optional(v.string()),
  input_type: v.optional(v.nullable(v.string())),
});

export type EmbeddingsRequestBody = v.InferOutput<typeof EmbeddingsRequestSchema>;
