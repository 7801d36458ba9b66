import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Attempt, ProviderAdapter } from '../../../core/plugin/types.ts';
import type { EmbedRequest, EmbedResult, RerankItem, RerankRequest, RerankResult } from '../../../core/types/operations.ts';
import { mapInBatches } from '../../../core/util/map-in-batches.ts';
import { providerHeaders } from '../../../core/util/provider-headers.ts';
import { mapCohereError } from './map-cohere-error.ts';
import { readReplyJson } from '../../../core/http/read-reply.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';

type Json = Record<string, unknown>;

/** Hub input types → Cohere's `input_type` (required by v3+ embedding models). */
const INPUT_TYPES: Readonly<Record<string, string>> = lookupTable({
  query: 'search_query', document: 'search_document', classification: 'classification', clustering: 'clustering',
});

async function post(attempt: Attempt, path: string, body: Json): Promise<Json> {
  const { provider, account } = attempt;
  const headers = providerHeaders(provider, account, { 'content-type': 'application/json', accept: 'application/json' });
  const base = (provider.baseUrl || 'https://api.cohere.com').replace(/\/+$/, '');
  const res = await attempt.fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!res.ok) throw await mapCohereError(res);
  return (await readReplyJson(res, attempt.provider.name)) as Json;
}

/** Most texts one `/v2/embed` call accepts. */
const COHERE_EMBED_BATCH = 96;
/** Batch calls in flight at once for a larger input. */
const EMBED_CONCURRENCY = 4;

/**
 * `embed` via Cohere v2 (`POST /v2/embed`, float vectors): up to 96 texts a call, more in
 * batches of 96 (a few at a time) whose vectors are joined in input order and whose billed
 * tokens are summed. Token-array inputs are not supported (GW_UNSUPPORTED, so the next target
 * is tried). Without an input type the inputs are embedded as documents.
 *
 * @see https://docs.cohere.com/reference/embed
 */
export async function cohereEmbed(req: EmbedRequest, attempt: Attempt): Promise<EmbedResult> {
  if (req.input.some((i) => typeof i !== 'string')) {
    throw new GatewayError('GW_UNSUPPORTED', 'Cohere embeddings take text inputs only.', { status: 400 });
  }
  const replies = await mapInBatches(req.input as string[], COHERE_EMBED_BATCH, EMBED_CONCURRENCY, async (texts) => {
    const body: Json = { model: attempt.target.model, texts, input_type: INPUT_TYPES[req.inputType ?? 'document'], embedding_types: ['float'] };
    if (req.dimensions !== undefined) body.output_dimension = req.dimensions;
    const json = await post(attempt, '/v2/embed', body);
    const vectors = (json.embeddings as { float?: number[][] } | undefined)?.float;
    if (!Array.isArray(vectors) || vectors.length !== texts.length) {
      throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The Cohere upstream returned no float embedding per input.', { retryable: true });
    }
    const tokens = (json.meta as { billed_units?: { input_tokens?: unknown } } | undefined)?.billed_units?.input_tokens;
    return { vectors, tokens: typeof tokens === 'number' ? tokens : undefined };
  });
  const result: EmbedResult = { model: attempt.target.model, embeddings: replies.flatMap((r) => r.vectors) };
  if (replies.some((r) => r.tokens !== undefined)) {
    result.usage = { inputTokens: replies.reduce((n, r) => n + (r.tokens ?? 0), 0), outputTokens: 0 };
  }
  return result;
}

/**
 * `rerank` via Cohere v2 (`POST /v2/rerank`). Structured documents are sent as their `text`
 * (or their JSON), since v2 ranks strings.
 *
 * @see https://docs.cohere.com/reference/rerank
 */
export async function cohereRerank(req: RerankRequest, attempt: Attempt): Promise<RerankResult> {
  const documents = req.documents.map((d) => (typeof d === 'string' ? d : typeof d.text === 'string' ? d.text : JSON.stringify(d)));
  const body: Json = { model: attempt.target.model, query: req.query, documents };
  if (req.topN !== undefined) body.top_n = req.topN;
  if (req.maxTokensPerDoc !== undefined) body.max_tokens_per_doc = req.maxTokensPerDoc;
  const json = await post(attempt, '/v2/rerank', body);
  const results = (Array.isArray(json.results) ? (json.results as Json[]) : []).map((r): RerankItem => ({
    index: Number(r.index ?? 0), relevanceScore: Number(r.relevance_score ?? 0),
  }));
  const result: RerankResult = { results, shape: 'cohere' };
  if (typeof json.id === 'string') result.id = json.id;
  const meta = json.meta as { billed_units?: { search_units?: unknown } } | undefined;
  if (typeof meta?.billed_units?.search_units === 'number') result.searchUnits = meta.billed_units.search_units;
  if (meta) result.extra = { meta };
  return result;
}

/**
 * The `cohere` adapter: Cohere's own v2 API for embeddings and rerank. (Cohere chat is served
 * by its OpenAI-compatible endpoint through `type: openai`.)
 */
export function createCohereAdapter(): ProviderAdapter {
  return {
    id: 'cohere',
    operations: { embed: cohereEmbed, rerank: cohereRerank },
    async listModels(provider) {
      return provider.models;
    },
  };
}
