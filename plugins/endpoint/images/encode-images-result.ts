import type { ImageRequest, ImageResult } from '../../../core/types/operations.ts';

/**
 * The hub result → OpenAI `{created, data:[{url | b64_json, revised_prompt}], …}`. A client
 * that asked for URLs but got only image data receives `data:` URLs. Fields the upstream added
 * (`usage` with its details, `background`, `output_format`, `size`, `quality`) come back
 * unchanged.
 *
 * @see https://platform.openai.com/docs/api-reference/images/object
 */
export function encodeImagesResult(result: ImageResult, req: ImageRequest): Record<string, unknown> {
  const data = result.images.map((img) => {
    const out: Record<string, string> = {};
    if (img.url !== undefined) out.url = img.url;
    else if (img.b64Json !== undefined && req.responseFormat === 'url') out.url = `data:${img.mediaType ?? 'image/png'};base64,${img.b64Json}`;
    if (img.b64Json !== undefined && out.url === undefined) out.b64_json = img.b64Json;
    if (img.revisedPrompt !== undefined) out.revised_prompt = img.revisedPrompt;
    return out;
  });
  const body: Record<string, unknown> = { created: result.created, data, ...result.extra };
  if (body.usage === undefined && result.usage) {
    const { inputTokens, outputTokens } = result.usage;
    body.usage = { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
  }
  return body;
}
