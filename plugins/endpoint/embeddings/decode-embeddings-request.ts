import * as v from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { GatewayRequest } from '../../../core/plugin/types.ts';
import { MAX_EMBED_INPUTS, type EmbedInput, type EmbedInputType, type EmbedRequest } from '../../../core/types/operations.ts';
import { EmbeddingsRequestSchema } from './embeddings-request-schema.ts';
import { openAIValidationError as validationError } from '../../../core/errors/openai-error.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';

const KNOWN = new Set(['model', 'input', 'encoding_format', 'dimensions', 'user']);

/** Voyage / Cohere style `input_type` values the hub knows. */
const INPUT_TYPES: Readonly<Record<string, EmbedInputType>> = lookupTable({
  query: 'query', search_query: 'query', document: 'document', search_document: 'document',
  classification: 'classification', clustering: 'clustering',
});

/**
 * Validates an OpenAI embeddings body and decodes it into the `embed` operation. A single
 * input becomes a one-element list. Fields the hub has no name for stay in `extra`.
 *
 * Errors: GatewayError 400 GW_BAD_REQUEST with the field in `param`; more than 2,048 inputs is
 * one of them (`input`).
 *
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
export function decodeEmbeddingsRequest(body: unknown): GatewayRequest<'embed'> {
  const parsed = v.safeParse(EmbeddingsRequestSchema, body, { abortEarly: true });
  if (!parsed.success) throw validationError(parsed.issues);
  const b = parsed.output;
  const input: EmbedInput[] = typeof b.input === 'string' || typeof b.input[0] === 'number'
    ? [b.input as EmbedInput]
    : (b.input as EmbedInput[]);
  if (input.length > MAX_EMBED_INPUTS) {
    throw new GatewayError('GW_BAD_REQUEST', `input: at most ${MAX_EMBED_INPUTS} inputs per request, got ${input.length}; send them in several requests.`, { status: 400, param: 'input' });
  }
  const req: EmbedRequest = { model: b.model, input, encoding: b.encoding_format ?? 'float' };
  if (b.dimensions !== undefined) req.dimensions = b.dimensions;
  if (b.user !== undefined) req.user = b.user;
  const inputType = typeof b.input_type === 'string' ? INPUT_TYPES[b.input_type] : undefined;
  if (inputType) req.inputType = inputType;
  const extra: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(b)) if (!KNOWN.has(k) && val !== undefined) extra[k] = val;
  if (Object.keys(extra).length > 0) req.extra = extra;
  return { operation: 'embed', model: b.model, stream: false, body: req };
}
