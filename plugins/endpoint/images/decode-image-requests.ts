import * as v from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { GatewayRequest } from '../../../core/plugin/types.ts';
import type { ImageRequest } from '../../../core/types/operations.ts';
import type { MultipartBody } from '../../../core/util/multipart.ts';
import { ImageEditFieldsSchema, ImageGenerationSchema } from './images-request-schemas.ts';
import { openAIValidationError as validationError } from '../../../core/errors/openai-error.ts';

const KNOWN = new Set(['model', 'prompt', 'n', 'size', 'quality', 'style', 'response_format', 'user', 'stream', 'image', 'image[]', 'mask']);

type Fields = {
  model: string; prompt: string; n?: number | null; size?: string; quality?: string; style?: string | null;
  response_format?: 'url' | 'b64_json' | null; user?: string;
};

function toImageRequest(f: Fields, all: Record<string, unknown>): ImageRequest {
  const req: ImageRequest = { model: f.model, prompt: f.prompt };
  if (f.n != null) req.n = f.n;
  if (f.size !== undefined) req.size = f.size;
  if (f.quality !== undefined) req.quality = f.quality;
  if (f.style != null) req.style = f.style;
  if (f.response_format != null) req.responseFormat = f.response_format;
  if (f.user !== undefined) req.user = f.user;
  const extra: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(all)) if (!KNOWN.has(k) && value !== undefined) extra[k.replace(/\[\]$/, '')] = value;
  if (Object.keys(extra).length > 0) req.extra = extra;
  return req;
}

/**
 * An images/generations body → the `image` operation.
 *
 * Errors: 400 GW_BAD_REQUEST with the field in `param`.
 *
 * @see https://platform.openai.com/docs/api-reference/images/create
 */
export function decodeImageGeneration(body: unknown): GatewayRequest<'image'> {
  const parsed = v.safeParse(ImageGenerationSchema, body, { abortEarly: true });
  if (!parsed.success) throw validationError(parsed.issues);
  return { operation: 'image', model: parsed.output.model, stream: false, body: toImageRequest(parsed.output, parsed.output) };
}

/**
 * A spooled images/edits upload → the `image` operation with its source images (`image` or
 * `image[]` parts) and optional `mask`.
 *
 * Errors: 400 GW_BAD_REQUEST (no image, bad field) with the field in `param`.
 *
 * @see https://platform.openai.com/docs/api-reference/images/createEdit
 */
export function decodeImageEdit(form: MultipartBody): GatewayRequest<'image'> {
  const record: Record<string, string | string[]> = {};
  for (const { name, value } of form.fields) {
    const prev = record[name];
    record[name] = name.endsWith('[]') ? [...((prev as string[] | undefined) ?? []), value] : value;
  }
  const parsed = v.safeParse(ImageEditFieldsSchema, record, { abortEarly: true });
  if (!parsed.success) throw validationError(parsed.issues);
  const images = form.files.filter((f) => f.field === 'image' || f.field === 'image[]');
  if (images.length === 0) throw new GatewayError('GW_BAD_REQUEST', "Missing required parameter: 'image'.", { status: 400, param: 'image' });
  const req = toImageRequest(parsed.output, record);
  req.images = images;
  const mask = form.files.find((f) => f.field === 'mask');
  if (mask) req.mask = mask;
  return { operation: 'image', model: parsed.output.model, stream: false, body: req };
}
