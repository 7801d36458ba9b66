import * as v from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { GatewayRequest } from '../../../core/plugin/types.ts';
import { MAX_EMBED_INPUTS, type EmbedInputType, type EmbedRequest } from '../../../core/types/operations.ts';
import { formatGeminiValidationError } from './format-gemini-validation-error.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';

const Content = v.object({
  parts: v.pipe(v.array(v.looseObject({ text: v.optional(v.string()) })), v.minLength(1, 'content needs at least one part')),
  role: v.optional(v.string()),
});

const EmbedContentRequest = v.looseObject({
  model: v.optional(v.string()),
  content: Content,
  taskType: v.optional(v.string()),
  title: v.optional(v.string()),
  outputDimensionality: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});

const BatchEmbedContentsRequest = v.object({
  requests: v.pipe(v.array(EmbedContentRequest), v.minLength(1, 'at least one request is required')),
});

type Single = v.InferOutput<typeof EmbedContentRequest>;

/** Gemini task types → the hub's input types (the raw one also travels in providerOptions). */
const TASK_TYPES: Readonly<Record<string, EmbedInputType>> = lookupTable({
  RETRIEVAL_QUERY: 'query', QUESTION_ANSWERING: 'query', FACT_VERIFICATION: 'query', CODE_RETRIEVAL_QUERY: 'query',
  RETRIEVAL_DOCUMENT: 'document', CLASSIFICATION: 'classification', CLUSTERING: 'clustering',
});

/** snake_case → camelCase for the few structural keys of an embed request (proto-JSON allows both). */
function camelKeys(o: unknown): unknown {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return o;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(o)) {
    const key = k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    out[key] = key === 'requests' && Array.isArray(val) ? val.map(camelKeys) : val;
  }
  return out;
}

/**
 * `:embedContent` / `:batchEmbedContents` bodies → the `embed` operation for `model` (from the
 * URL). Each content's text parts are joined into one input. Task type, title and output size
 * of the first request apply to the batch (Gemini requires them to match the URL's model);
 * the raw `taskType` and `title` travel in `providerOptions.gemini` for Gemini upstreams.
 *
 * Errors: GatewayError 400 GW_BAD_REQUEST in Google's wording; also for more than 2,048
 * requests in a batch (the gateway splits batches for Gemini's 100 a call, up to that cap).
 *
 * @see https://ai.google.dev/api/embeddings
 */
export function decodeGeminiEmbedRequest(body: unknown, model: string, batch: boolean): GatewayRequest<'embed'> {
  const input = camelKeys(body);
  let requests: Single[];
  if (batch) {
    const parsed = v.safeParse(BatchEmbedContentsRequest, input, { abortEarly: true });
    if (!parsed.success) throw formatGeminiValidationError(parsed.issues);
    requests = parsed.output.requests;
    if (requests.length > MAX_EMBED_INPUTS) {
      throw new GatewayError('GW_BAD_REQUEST', `Invalid value at 'requests': at most ${MAX_EMBED_INPUTS} requests are allowed per batch, got ${requests.length}.`, { status: 400 });
    }
  } else {
    const parsed = v.safeParse(EmbedContentRequest, input, { abortEarly: true });
    if (!parsed.success) throw formatGeminiValidationError(parsed.issues);
    requests = [parsed.output];
  }
  const first = requests[0];
  const req: EmbedRequest = {
    model,
    input: requests.map((r) => r.content.parts.map((p) => p.text ?? '').join(' ')),
    encoding: 'float',
  };
  if (first.outputDimensionality !== undefined) req.dimensions = first.outputDimensionality;
  const inputType = first.taskType ? TASK_TYPES[first.taskType] : undefined;
  if (inputType) req.inputType = inputType;
  const gemini: Record<string, unknown> = {};
  if (first.taskType) gemini.taskType = first.taskType;
  if (first.title) gemini.title = first.title;
  if (Object.keys(gemini).length > 0) req.providerOptions = { gemini };
  return { operation: 'embed', model, stream: false, body: req };
}
