import { GatewayError } from '../../../core/errors/gateway-error.ts';

/** One Vertex AI embedding call's answer, read. */
export interface VertexEmbedReply {
  /** One vector per input of the call, in order. */
  vectors: number[][];
  /** Input tokens the call reports (absent when it reports none). */
  tokens?: number;
  /** Characters Vertex bills the call for (`:predict`'s `metadata.billableCharacterCount`). */
  characters?: number;
}

interface PredictReply {
  predictions?: Array<{ embeddings?: { values?: unknown; statistics?: { token_count?: unknown } } }>;
  metadata?: { billableCharacterCount?: unknown };
}

interface EmbedContentReply {
  embedding?: { values?: unknown };
  usageMetadata?: { promptTokenCount?: unknown };
}

const isVector = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined);

function noVectors(inputs: number): GatewayError {
  return new GatewayError('GW_UPSTREAM_PROTOCOL', `Vertex AI returned no embedding for each of the ${inputs} inputs of a call.`, { status: 502, retryable: true });
}

/**
 * A `:predict` answer, `{predictions:[{embeddings:{values, statistics:{token_count, truncated}}}],
 * metadata:{billableCharacterCount}}`, for a call of `inputs` instances: the vectors, the sum of
 * the `token_count`s and the billable characters. Errors: retryable GW_UPSTREAM_PROTOCOL (502)
 * unless there is one vector per instance.
 *
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api#response_body
 */
export function mapVertexPredictReply(json: unknown, inputs: number): VertexEmbedReply {
  const r = (json ?? {}) as PredictReply;
  const predictions = Array.isArray(r.predictions) ? r.predictions : [];
  if (predictions.length !== inputs || !predictions.every((p) => isVector(p?.embeddings?.values))) throw noVectors(inputs);
  const reply: VertexEmbedReply = { vectors: predictions.map((p) => p.embeddings!.values as number[]) };
  const tokens = predictions.map((p) => count(p.embeddings?.statistics?.token_count));
  if (tokens.some((t) => t !== undefined)) reply.tokens = tokens.reduce<number>((n, t) => n + (t ?? 0), 0);
  const characters = count(r.metadata?.billableCharacterCount);
  if (characters !== undefined) reply.characters = characters;
  return reply;
}

/**
 * An `:embedContent` answer, `{embedding:{values}, usageMetadata:{promptTokenCount}, truncated}`:
 * one vector and its input tokens. Errors: retryable GW_UPSTREAM_PROTOCOL (502) without a vector.
 *
 * @see https://cloud.google.com/vertex-ai/docs/reference/rest/v1/EmbedContentResponse
 */
export function mapVertexEmbedContentReply(json: unknown): VertexEmbedReply {
  const r = (json ?? {}) as EmbedContentReply;
  if (!isVector(r.embedding?.values)) throw noVectors(1);
  const reply: VertexEmbedReply = { vectors: [r.embedding.values] };
  const tokens = count(r.usageMetadata?.promptTokenCount);
  if (tokens !== undefined) reply.tokens = tokens;
  return reply;
}
