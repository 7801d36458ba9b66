import * as v from 'valibot';
import type { GatewayRequest } from '../../../core/plugin/types.ts';
import type { RerankRequest } from '../../../core/types/operations.ts';
import { openAIValidationError as validationError } from '../../../core/errors/openai-error.ts';

/**
 * `POST /v1/rerank` body in either family: Cohere v2 (`max_tokens_per_doc`) and Jina
 * (`return_documents`, documents as `{text}` / `{image}` objects) share `model`, `query`,
 * `documents` and `top_n`; Voyage's `top_k` is read as `top_n`. Unknown fields are forwarded.
 *
 * @see https://docs.cohere.com/reference/rerank
 * @see https://jina.ai/reranker/
 */
export const RerankRequestSchema = v.looseObject({
  model: v.pipe(v.string(), v.minLength(1, 'a model is required')),
  query: v.pipe(v.string(), v.minLength(1, 'the query must not be empty')),
  documents: v.pipe(
    v.array(v.union([v.string(), v.record(v.string(), v.unknown())], 'expected a string or a document object')),
    v.minLength(1, 'the document list must not be empty'),
    v.maxLength(10_000),
  ),
  top_n: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1)))),
  top_k: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1)))),
  return_documents: v.optional(v.nullable(v.boolean())),
  max_tokens_per_doc: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});

const KNOWN = new Set(['model', 'query', 'documents', 'top_n', 'top_k', 'return_documents', 'max_tokens_per_doc']);

/**
 * A rerank body (Cohere v2 or Jina shape) → the `rerank` operation.
 *
 * Errors: 400 GW_BAD_REQUEST with the field in `param`.
 */
export function decodeRerankRequest(body: unknown): GatewayRequest<'rerank'> {
  const parsed = v.safeParse(RerankRequestSchema, body, { abortEarly: true });
  if (!parsed.success) throw validationError(parsed.issues);
  const b = parsed.output;
  const req: RerankRequest = { model: b.model, query: b.query, documents: b.documents };
  const top = b.top_n ?? b.top_k;
  if (top != null) req.topN = top;
  if (b.return_documents != null) req.returnDocuments = b.return_documents;
  if (b.max_tokens_per_doc !== undefined) req.maxTokensPerDoc = b.max_tokens_per_doc;
  const extra: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(b)) if (!KNOWN.has(k) && value !== undefined) extra[k] = value;
  if (Object.keys(extra).length > 0) req.extra = extra;
  return { operation: 'rerank', model: b.model, stream: false, body: req };
}
