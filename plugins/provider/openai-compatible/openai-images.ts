import type { Attempt } from '../../../core/plugin/types.ts';
import type { GeneratedImage, ImageRequest, ImageResult } from '../../../core/types/operations.ts';
import type { MultipartField } from './build-multipart-stream.ts';
import { mapOperationUsage, postOpenAIJson, postOpenAIMultipart, readJsonObject, restOf, withExtra, type Json } from './post-openai-operation.ts';

/**
 * `image` on an OpenAI-compatible upstream: `POST <base>/images/generations` (JSON), or
 * `/images/edits` (multipart, the source images streamed from their spool) when the request
 * carries images. Only the fields the client set are sent: gpt-image models reject
 * `response_format`, DALL·E ignores `quality` values it does not know.
 *
 * @see https://platform.openai.com/docs/api-reference/images
 */
export async function openAIImage(req: ImageRequest, attempt: Attempt): Promise<ImageResult> {
  const model = attempt.target.model;
  const fields: Json = withExtra({ model, prompt: req.prompt }, req.extra);
  if (req.n !== undefined) fields.n = req.n;
  if (req.size !== undefined) fields.size = req.size;
  if (req.quality !== undefined) fields.quality = req.quality;
  if (req.style !== undefined) fields.style = req.style;
  if (req.responseFormat !== undefined) fields.response_format = req.responseFormat;
  if (req.user !== undefined) fields.user = req.user;
  if (!req.images || req.images.length === 0) {
    return mapOpenAIImages(await readJsonObject(await postOpenAIJson(attempt, '/images/generations', fields), attempt.provider.name));
  }
  const files = req.mask ? [...req.images, req.mask] : req.images;
  const res = await postOpenAIMultipart(attempt, '/images/edits', toFormFields(fields), files);
  return mapOpenAIImages(await readJsonObject(res, attempt.provider.name));
}

/** JSON-ish fields → form fields: arrays as repeated `name[]`, objects as JSON text. */
export function toFormFields(fields: Json): MultipartField[] {
  const out: MultipartField[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      const key = name.endsWith('[]') ? name : `${name}[]`;
      for (const item of value) out.push({ name: key, value: typeof item === 'string' ? item : JSON.stringify(item) });
    } else {
      out.push({ name, value: typeof value === 'string' ? value : JSON.stringify(value) });
    }
  }
  return out;
}

/** An OpenAI images reply → hub result; the wire `usage` and other fields stay in `extra`. */
export function mapOpenAIImages(json: Json): ImageResult {
  const data = Array.isArray(json.data) ? (json.data as Json[]) : [];
  const images = data.map((d): GeneratedImage => {
    const img: GeneratedImage = {};
    if (typeof d?.url === 'string') img.url = d.url;
    if (typeof d?.b64_json === 'string') img.b64Json = d.b64_json;
    if (typeof d?.revised_prompt === 'string') img.revisedPrompt = d.revised_prompt;
    return img;
  });
  const result: ImageResult = { created: typeof json.created === 'number' ? json.created : Math.floor(Date.now() / 1000), images };
  const usage = mapOperationUsage(json.usage);
  if (usage) result.usage = usage;
  const extra = restOf(json, ['created', 'data']);
  if (extra) result.extra = extra;
  return result;
}
