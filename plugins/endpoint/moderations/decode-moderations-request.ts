import * as v from 'valibot';
import type { GatewayRequest } from '../../../core/plugin/types.ts';
import type { ImagePart, TextPart } from '../../../core/types/hub.ts';
import type { ModerateRequest } from '../../../core/types/operations.ts';
import { openAIValidationError as validationError } from '../../../core/errors/openai-error.ts';

const Part = v.variant('type', [
  v.object({ type: v.literal('text'), text: v.string() }),
  v.object({ type: v.literal('image_url'), image_url: v.object({ url: v.pipe(v.string(), v.minLength(1)) }) }),
]);

/**
 * `POST /v1/moderations` body. Without `model` the configured default is used (OpenAI's own
 * default is `omni-moderation-latest`).
 *
 * @see https://platform.openai.com/docs/api-reference/moderations/create
 */
export const ModerationsRequestSchema = v.looseObject({
  model: v.optional(v.pipe(v.string(), v.minLength(1))),
  input: v.union([
    v.string(),
    v.pipe(v.array(v.string()), v.minLength(1, 'the input list must not be empty')),
    v.pipe(v.array(Part), v.minLength(1, 'the input list must not be empty')),
  ], 'expected a string, an array of strings, or an array of text / image_url parts'),
});

/**
 * A moderations body → the `moderate` operation: a string or each string of a list is one
 * input; a part array is one multimodal input.
 *
 * Errors: 400 GW_BAD_REQUEST with the field in `param`.
 */
export function decodeModerationsRequest(body: unknown, defaultModel: string): GatewayRequest<'moderate'> {
  const parsed = v.safeParse(ModerationsRequestSchema, body, { abortEarly: true });
  if (!parsed.success) throw validationError(parsed.issues);
  const { model = defaultModel, input, ...rest } = parsed.output;
  let inputs: ModerateRequest['inputs'];
  if (typeof input === 'string') inputs = [[{ type: 'text', text: input }]];
  else if (typeof input[0] === 'string') inputs = (input as string[]).map((text) => [{ type: 'text', text }]);
  else {
    inputs = [(input as Array<v.InferOutput<typeof Part>>).map((p): TextPart | ImagePart => (p.type === 'text'
      ? { type: 'text', text: p.text }
      : { type: 'image', url: p.image_url.url }))];
  }
  const req: ModerateRequest = { model, inputs };
  if (Object.keys(rest).length > 0) req.extra = rest;
  return { operation: 'moderate', model, stream: false, body: req };
}
