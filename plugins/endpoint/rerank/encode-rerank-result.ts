import type { HttpInput } from '../../../core/plugin/types.ts';
import type { RerankDocument, RerankRequest, RerankResult, RerankShape } from '../../../core/types/operations.ts';

/**
 * The reply shape the client wants: an explicit `?format=` / `X-Switchyard-Rerank-Format`
 * (`cohere` | `jina`), else a field only one family sends (`return_documents` or document
 * objects: Jina; `max_tokens_per_doc`, `rank_fields`: Cohere), else the family the upstream
 * answered in, else Jina.
 */
export function pickRerankShape(req: RerankRequest, result: RerankResult, http?: HttpInput): RerankShape {
  const asked = (http?.url.searchParams.get('format') ?? http?.headers.get('x-switchyard-rerank-format') ?? '').toLowerCase();
  if (asked === 'cohere' || asked === 'jina') return asked;
  if (req.returnDocuments !== undefined || req.documents.some((d) => typeof d !== 'string')) return 'jina';
  if (req.maxTokensPerDoc !== undefined || req.extra?.rank_fields !== undefined) return 'cohere';
  return result.shape ?? 'jina';
}

function asDocument(doc: RerankDocument | undefined): Record<string, unknown> | undefined {
  if (doc === undefined) return undefined;
  return typeof doc === 'string' ? { text: doc } : doc;
}

/**
 * Cohere v2: `{id, results:[{index, relevance_score}], meta}`; an upstream's own `meta` is kept.
 *
 * @see https://docs.cohere.com/reference/rerank
 */
export function encodeCohereRerank(result: RerankResult): Record<string, unknown> {
  return {
    results: result.results.map((r) => ({ index: r.index, relevance_score: r.relevanceScore })),
    id: result.id ?? crypto.randomUUID(),
    meta: result.extra?.meta ?? {
      api_version: { version: '2', is_experimental: false },
      billed_units: { search_units: result.searchUnits ?? 1 },
    },
  };
}

/**
 * Jina: `{model, usage:{total_tokens}, results:[{index, document:{text}, relevance_score}]}`.
 * Documents are included unless the client said `return_documents: false` (Jina's default),
 * taken from the request when the upstream did not send them back.
 *
 * @see https://jina.ai/reranker/
 */
export function encodeJinaRerank(result: RerankResult, req: RerankRequest, model: string): Record<string, unknown> {
  const withDocs = req.returnDocuments !== false;
  const tokens = result.usage ? result.usage.inputTokens + result.usage.outputTokens : 0;
  return {
    model,
    usage: result.extra?.usage ?? { total_tokens: tokens, prompt_tokens: tokens },
    results: result.results.map((r) => {
      const document = withDocs ? asDocument(r.document ?? req.documents[r.index]) : undefined;
      return { index: r.index, ...(document ? { document } : {}), relevance_score: r.relevanceScore };
    }),
  };
}
