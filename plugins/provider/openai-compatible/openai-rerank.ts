import { modelQuirks } from '../../../core/config/resolve-providers.ts';
import type { Attempt } from '../../../core/plugin/types.ts';
import type { RerankDocument, RerankItem, RerankRequest, RerankResult } from '../../../core/types/operations.ts';
import { mapOperationUsage, postOpenAIJson, readJsonObject, restOf, withExtra, type Json } from './post-openai-operation.ts';

/**
 * `rerank` on the `/rerank` endpoint that OpenAI-style vendors share (Jina, Voyage, Together,
 * vLLM, TEI…): `{model, query, documents, top_n, return_documents}`. Quirk `rerank_top_field`
 * renames `top_n` (Voyage: `top_k`). Replies with `results` (Jina, Cohere) or `data` (Voyage)
 * are both read.
 *
 * @see https://jina.ai/reranker/
 * @see https://docs.voyageai.com/reference/reranker-api
 */
export async function openAIRerank(req: RerankRequest, attempt: Attempt): Promise<RerankResult> {
  const q = modelQuirks(attempt.provider, attempt.target.model);
  const body: Json = { model: attempt.target.model, query: req.query, documents: req.documents };
  if (req.topN !== undefined) body[typeof q.rerank_top_field === 'string' ? q.rerank_top_field : 'top_n'] = req.topN;
  if (req.returnDocuments !== undefined) body.return_documents = req.returnDocuments;
  const res = await postOpenAIJson(attempt, '/rerank', withExtra(body, req.extra));
  return mapRerankReply(await readJsonObject(res, attempt.provider.name));
}

/** A Jina / Voyage / Cohere-style rerank reply → hub result (best first). */
export function mapRerankReply(json: Json): RerankResult {
  const list = Array.isArray(json.results) ? json.results : Array.isArray(json.data) ? json.data : [];
  const results = (list as Json[]).map((r): RerankItem => {
    const item: RerankItem = { index: Number(r?.index ?? 0), relevanceScore: Number(r?.relevance_score ?? r?.score ?? 0) };
    if (r?.document !== undefined && r.document !== null) item.document = r.document as RerankDocument;
    return item;
  });
  results.sort((a, b) => b.relevanceScore - a.relevanceScore);
  const meta = json.meta as { billed_units?: { search_units?: unknown } } | undefined;
  const result: RerankResult = { results, shape: meta ? 'cohere' : 'jina' };
  if (typeof json.id === 'string') result.id = json.id;
  if (typeof json.model === 'string') result.model = json.model;
  const usage = mapOperationUsage(json.usage);
  if (usage) result.usage = usage;
  if (typeof meta?.billed_units?.search_units === 'number') result.searchUnits = meta.billed_units.search_units;
  const extra = restOf(json, ['results', 'data', 'id', 'model', 'object']);
  if (extra) result.extra = extra;
  return result;
}
