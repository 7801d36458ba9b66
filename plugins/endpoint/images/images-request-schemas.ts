import * as v from 'valibot';

const Decimal = v.pipe(v.string(), v.decimal('expected a number'), v.transform(Number));

const Common = {
  model: v.pipe(v.string(), v.minLength(1, 'a model is required')),
  prompt: v.pipe(v.string(), v.minLength(1, 'the prompt must not be empty'), v.maxLength(32_000)),
  size: v.optional(v.string()),
  quality: v.optional(v.string()),
  response_format: v.optional(v.nullable(v.picklist(['url', 'b64_json']))),
  user: v.optional(v.string()),
};

/**
 * `POST /v1/images/generations` body. Unknown fields (`background`, `output_format` …) are
 * kept and forwarded. Streamed (partial) images are not served.
 *
 * @see https://platform.openai.com/docs/api-reference/images/create
 */
export const ImageGenerationSchema = v.looseObject({
  ...Common,
  n: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10)))),
  style: v.optional(v.nullable(v.string())),
  stream: v.optional(v.literal(false, 'streamed image generation is not supported by this gateway')),
});

/**
 * The text fields of `POST /v1/images/edits` (multipart; the images are checked apart).
 *
 * @see https://platform.openai.com/docs/api-reference/images/createEdit
 */
export const ImageEditFieldsSchema = v.looseObject({
  ...Common,
  n: v.optional(v.pipe(Decimal, v.integer(), v.minValue(1), v.maxValue(10))),
  stream: v.optional(v.picklist(['false'], 'streamed image edits are not supported by this gateway')),
});
