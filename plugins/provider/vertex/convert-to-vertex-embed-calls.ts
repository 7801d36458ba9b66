import type { EmbedInputType, EmbedRequest } from '../../../core/types/operations.ts';

type Json = Record<string, unknown>;

/**
 * How Vertex AI embeds text with a model. `predict` serves the text embedding models
 * (`text-embedding-005`, `text-multilingual-embedding-002`, `gemini-embedding-001`): up to 250
 * instances a call, but one for Gemini's. `embedContent` serves the newer Gemini embedding models
 * (`gemini-embedding-2…`): one content a call. The split is the one `@google/genai` makes in
 * Vertex mode (a model id with "gemini" other than `gemini-embedding-001` takes `embedContent`).
 *
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/embeddings/get-text-embeddings#api_limits
 */
interface VertexEmbedLane {
  method: 'predict' | 'embedContent';
  /** Most inputs one call may carry. */
  perCall: number;
}

/** Instances one `:predict` call takes for the non-Gemini text embedding models. */
export const VERTEX_PREDICT_INSTANCES = 250;
/** Input tokens one `:predict` call takes, all instances together (more is Vertex's 400). */
export const VERTEX_PREDICT_TOKENS = 20_000;
/**
 * UTF-8 bytes counted as one token when a batch is filled without a tokenizer: English averages
 * about 4 characters a token, CJK text about one character (3 bytes). Erring high only means
 * more calls; erring low would be a 400.
 */
const BYTES_PER_TOKEN = 3;

/** Hub input types → Vertex task types (the same names as Gemini's). */
const TASK_TYPES: Record<EmbedInputType, string> = {
  query: 'RETRIEVAL_QUERY', document: 'RETRIEVAL_DOCUMENT', classification: 'CLASSIFICATION', clustering: 'CLUSTERING',
};

/** The lane of a Google model id (see `VertexEmbedLane`). */
function vertexEmbedLane(model: string): VertexEmbedLane {
  if (model.includes('gemini') && model !== 'gemini-embedding-001') return { method: 'embedContent', perCall: 1 };
  return { method: 'predict', perCall: model.includes('gemini') ? 1 : VERTEX_PREDICT_INSTANCES };
}

/** What applies to every input of a request. */
interface VertexEmbedOptions {
  taskType?: string;
  /** Only sent with `RETRIEVAL_DOCUMENT`, the one task type Vertex takes a title with. */
  title?: string;
  dimensions?: number;
}

/**
 * The request's task type (a Gemini client's own `taskType`, else the hub's input type), title
 * and output size.
 */
function vertexEmbedOptions(req: EmbedRequest): VertexEmbedOptions {
  const gemini = req.providerOptions?.gemini ?? {};
  const taskType = typeof gemini.taskType === 'string' ? gemini.taskType : req.inputType ? TASK_TYPES[req.inputType] : undefined;
  const o: VertexEmbedOptions = {};
  if (taskType) o.taskType = taskType;
  if (typeof gemini.title === 'string' && taskType === 'RETRIEVAL_DOCUMENT') o.title = gemini.title;
  if (req.dimensions !== undefined) o.dimensions = req.dimensions;
  return o;
}

/**
 * Consecutive batches of `texts`, in order, each at most `perCall` long and, when it holds more
 * than one text, at most `maxTokens` estimated tokens (UTF-8 bytes / 3). A text over the budget
 * alone goes in a batch of its own (Vertex truncates each input to its limit).
 */
function splitVertexEmbedBatches(texts: readonly string[], perCall: number, maxTokens = VERTEX_PREDICT_TOKENS): string[][] {
  const batches: string[][] = [];
  let batch: string[] = [];
  let tokens = 0;
  for (const text of texts) {
    const t = Math.ceil(Buffer.byteLength(text, 'utf8') / BYTES_PER_TOKEN);
    if (batch.length > 0 && (batch.length >= perCall || tokens + t > maxTokens)) {
      batches.push(batch);
      batch = [];
      tokens = 0;
    }
    batch.push(text);
    tokens += t;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * The `:predict` body: `{instances:[{content, task_type?, title?}], parameters?:{outputDimensionality}}`
 * (the instance fields are snake_case, as Vertex names them).
 */
function toVertexPredictBody(texts: readonly string[], o: VertexEmbedOptions): Json {
  const instances = texts.map((content) => {
    const i: Json = { content };
    if (o.taskType) i.task_type = o.taskType;
    if (o.title) i.title = o.title;
    return i;
  });
  return o.dimensions === undefined ? { instances } : { instances, parameters: { outputDimensionality: o.dimensions } };
}

/**
 * The `:embedContent` body: `{content:{role, parts:[{text}]}, embedContentConfig?:{taskType, title, outputDimensionality}}`.
 *
 * @see https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.publishers.models/embedContent
 */
function toVertexEmbedContentBody(text: string, o: VertexEmbedOptions): Json {
  const config: Json = {};
  if (o.taskType) config.taskType = o.taskType;
  if (o.title) config.title = o.title;
  if (o.dimensions !== undefined) config.outputDimensionality = o.dimensions;
  const body: Json = { content: { role: 'user', parts: [{ text }] } };
  if (Object.keys(config).length > 0) body.embedContentConfig = config;
  return body;
}

/** The upstream calls of one `embed` request: the method, and each call's body and input count, in input order. */
export interface VertexEmbedCalls {
  method: VertexEmbedLane['method'];
  calls: Array<{ body: Json; inputs: number }>;
}

/**
 * An `embed` request's texts → the Vertex AI calls for `model`: `:predict` bodies of at most 250
 * instances and about 20,000 tokens (one instance for `gemini-embedding-001`), or one
 * `:embedContent` body per text for the newer Gemini embedding models. Task type, title and
 * output size apply to every input. Pure.
 */
export function convertToVertexEmbedCalls(texts: readonly string[], req: EmbedRequest, model: string): VertexEmbedCalls {
  const lane = vertexEmbedLane(model);
  const o = vertexEmbedOptions(req);
  const calls = splitVertexEmbedBatches(texts, lane.perCall).map((batch) => ({
    body: lane.method === 'predict' ? toVertexPredictBody(batch, o) : toVertexEmbedContentBody(batch[0]!, o),
    inputs: batch.length,
  }));
  return { method: lane.method, calls };
}
