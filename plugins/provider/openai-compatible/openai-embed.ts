import { modelQuirks } from '../../../core/config/resolve-providers.ts';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Attempt } from '../../../core/plugin/types.ts';
import type { EmbedRequest, EmbedResult } from '../../../core/types/operations.ts';
import { isOfficialOpenAI } from './build-openai-headers.ts';
import { mapOperationUsage, postOpenAIJson, readJsonObject, restOf, withExtra, type Json } from './post-openai-operation.ts';

/**
 * `embed` on an OpenAI-compatible upstream (`POST <base>/embeddings`). Vectors travel as float
 * JSON, which every compatible server accepts; OpenAI itself (or a model with the
 * `embed_base64: true` quirk) is asked for base64 when the client wants base64, which is
 * about a quarter of the bytes. Quirk `embed_dimensions_field` renames `dimensions` (Voyage:
 * `output_dimension`).
 *
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
export async function openAIEmbed(req: EmbedRequest, attempt: Attempt): Promise<EmbedResult> {
  const model = attempt.target.model;
  const q = modelQuirks(attempt.provider, model);
  const body: Json = { model, input: req.input };
  if (req.dimensions !== undefined) body[typeof q.embed_dimensions_field === 'string' ? q.embed_dimensions_field : 'dimensions'] = req.dimensions;
  if (req.user !== undefined) body.user = req.user;
  if (req.encoding === 'base64' && (isOfficialOpenAI(attempt.provider) || q.embed_base64 === true)) body.encoding_format = 'base64';
  const res = await postOpenAIJson(attempt, '/embeddings', withExtra(body, req.extra));
  return mapOpenAIEmbeddings(await readJsonObject(res, attempt.provider.name), model, req.input.length);
}

/**
 * An OpenAI embeddings reply → hub result. Entries are put in `index` order; base64 vectors
 * are decoded. The wire `usage` and unknown top-level fields stay in `extra`.
 *
 * Errors: GW_UPSTREAM_PROTOCOL (retryable) when the reply has no vector per input.
 */
export function mapOpenAIEmbeddings(json: Json, model: string, inputs: number): EmbedResult {
  const data = Array.isArray(json.data) ? (json.data as Json[]) : [];
  const embeddings: number[][] = new Array(data.length);
  data.forEach((d, pos) => {
    const at = typeof d?.index === 'number' ? d.index : pos;
    embeddings[at] = decodeVector(d?.embedding);
  });
  if (embeddings.length !== inputs || embeddings.some((e) => e === undefined)) {
    throw new GatewayError('GW_UPSTREAM_PROTOCOL', `The upstream returned ${data.length} embeddings for ${inputs} inputs.`, { retryable: true });
  }
  const result: EmbedResult = { model: typeof json.model === 'string' ? json.model : model, embeddings };
  const usage = mapOperationUsage(json.usage);
  if (usage) result.usage = usage;
  const extra = restOf(json, ['object', 'data', 'model']);
  if (extra) result.extra = extra;
  return result;
}

function decodeVector(v: unknown): number[] {
  if (Array.isArray(v)) return v as number[];
  if (typeof v === 'string') {
    // Copied into a fresh buffer: a pooled Buffer's offset need not be 4-byte aligned.
    const bytes = new Uint8Array(Buffer.from(v, 'base64'));
    return Array.from(new Float32Array(bytes.buffer, 0, Math.floor(bytes.length / 4)));
  }
  throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream returned an embedding that is neither numbers nor base64.', { retryable: true });
}
