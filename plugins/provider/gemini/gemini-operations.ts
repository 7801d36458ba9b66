import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { mapInBatches } from '../../../core/util/map-in-batches.ts';
import type { Attempt } from '../../../core/plugin/types.ts';
import type { EmbedInputType, EmbedRequest, EmbedResult, GeneratedImage, ImageRequest, ImageResult, UploadedFile } from '../../../core/types/operations.ts';
import { geminiModelUrl } from './gemini-url.ts';
import type { GeminiPart, GeminiResponse } from './gemini-wire-types.ts';
import { readGeminiError } from './map-gemini-error.ts';
import { mapGeminiUsage } from './map-gemini-usage.ts';
import { readReplyJson } from '../../../core/http/read-reply.ts';

type Json = Record<string, unknown>;

/** Hub input types → Gemini task types. */
const TASK_TYPES: Record<EmbedInputType, string> = {
  query: 'RETRIEVAL_QUERY', document: 'RETRIEVAL_DOCUMENT', classification: 'CLASSIFICATION', clustering: 'CLUSTERING',
};

async function postJson(attempt: Attempt, url: string, body: unknown): Promise<Json> {
  const secret = attempt.account?.secret;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...attempt.provider.headers };
  if (secret) headers['x-goog-api-key'] = secret;
  const res = await attempt.fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!res.ok) throw await readGeminiError(res, secret);
  return (await readReplyJson(res, attempt.provider.name)) as Json;
}

/** Most requests one `:batchEmbedContents` call accepts. */
const GEMINI_EMBED_BATCH = 100;
/** Batch calls in flight at once for a larger input. */
const EMBED_CONCURRENCY = 4;

/**
 * `embed` via `:batchEmbedContents`: one call for up to 100 inputs, more in batches of 100 (a
 * few at a time) whose vectors are joined in input order and whose token counts are summed.
 * The task type is the
 * client's raw Gemini one when it came from a Gemini client, else mapped from the hub's input
 * type. Token-array inputs are not supported (GW_UNSUPPORTED: the next target is tried).
 *
 * @see https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 */
export async function geminiEmbed(req: EmbedRequest, attempt: Attempt): Promise<EmbedResult> {
  if (req.input.some((i) => typeof i !== 'string')) {
    throw new GatewayError('GW_UNSUPPORTED', 'Gemini embeddings take text inputs only.', { status: 400 });
  }
  const model = attempt.target.model.replace(/^models\//, '');
  const opts = req.providerOptions?.gemini ?? {};
  const taskType = typeof opts.taskType === 'string' ? opts.taskType : req.inputType ? TASK_TYPES[req.inputType] : undefined;
  const requests = (req.input as string[]).map((text) => {
    const r: Json = { model: `models/${model}`, content: { parts: [{ text }] } };
    if (taskType) r.taskType = taskType;
    if (typeof opts.title === 'string' && taskType === 'RETRIEVAL_DOCUMENT') r.title = opts.title;
    if (req.dimensions !== undefined) r.outputDimensionality = req.dimensions;
    return r;
  });
  const url = geminiModelUrl(attempt.provider.baseUrl, model, 'batchEmbedContents');
  const replies = await mapInBatches(requests, GEMINI_EMBED_BATCH, EMBED_CONCURRENCY, async (batch) => {
    const json = await postJson(attempt, url, { requests: batch });
    const list = Array.isArray(json.embeddings) ? (json.embeddings as Array<{ values?: unknown }>) : [];
    if (list.length !== batch.length || list.some((e) => !Array.isArray(e?.values))) {
      throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The Gemini upstream returned no embedding per input.', { status: 502, retryable: true });
    }
    const tokens = (json.usageMetadata as { promptTokenCount?: unknown } | undefined)?.promptTokenCount;
    return { vectors: list.map((e) => e.values as number[]), tokens: typeof tokens === 'number' ? tokens : undefined };
  });
  const result: EmbedResult = { model, embeddings: replies.flatMap((r) => r.vectors) };
  if (replies.some((r) => r.tokens !== undefined)) {
    result.usage = { inputTokens: replies.reduce((n, r) => n + (r.tokens ?? 0), 0), outputTokens: 0 };
  }
  return result;
}

async function inlinePart(file: UploadedFile): Promise<GeminiPart> {
  const bytes = await new Response(file.stream()).arrayBuffer();
  return { inlineData: { mimeType: file.mediaType, data: Buffer.from(bytes).toString('base64') } };
}

/**
 * Gemini image models take no mask parameter: an OpenAI edit mask (its fully transparent areas
 * mark what to change) is sent as one more inline image, after this instruction.
 */
export const GEMINI_MASK_INSTRUCTION = 'The next image is a mask for the first image: change only the areas where the mask is fully transparent and keep every other area exactly as it is.';

/**
 * `image` with a Gemini image model (`gemini-2.5-flash-image` …) through `:generateContent`
 * with image output: the prompt (plus the source images for an edit, inline, and its mask as
 * one more image after `GEMINI_MASK_INSTRUCTION`) in, the inline image parts out. `n` images
 * take `n` calls, made in parallel.
 *
 * @see https://ai.google.dev/gemini-api/docs/image-generation
 */
export async function geminiImage(req: ImageRequest, attempt: Attempt): Promise<ImageResult> {
  const parts: GeminiPart[] = [{ text: req.prompt }];
  for (const file of req.images ?? []) parts.push(await inlinePart(file));
  if (req.mask && req.images?.length) parts.push({ text: GEMINI_MASK_INSTRUCTION }, await inlinePart(req.mask));
  const body = { contents: [{ role: 'user', parts }], generationConfig: { responseModalities: ['IMAGE'] } };
  const url = geminiModelUrl(attempt.provider.baseUrl, attempt.target.model, 'generateContent');
  const replies = await Promise.all(Array.from({ length: req.n ?? 1 }, () => postJson(attempt, url, body)));
  const images: GeneratedImage[] = [];
  let input = 0;
  let output = 0;
  for (const r of replies as unknown as GeminiResponse[]) {
    for (const p of r.candidates?.[0]?.content?.parts ?? []) {
      if (p.inlineData?.data) images.push({ b64Json: p.inlineData.data, mediaType: p.inlineData.mimeType });
    }
    if (r.usageMetadata) {
      const u = mapGeminiUsage(r.usageMetadata);
      input += u.inputTokens;
      output += u.outputTokens;
    }
  }
  if (images.length === 0) throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The Gemini upstream returned no image.', { status: 502, retryable: true });
  return { created: Math.floor(Date.now() / 1000), images, usage: { inputTokens: input, outputTokens: output } };
}
