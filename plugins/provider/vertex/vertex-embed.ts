import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { readReplyJson } from '../../../core/http/read-reply.ts';
import type { Attempt } from '../../../core/plugin/types.ts';
import type { EmbedRequest, EmbedResult } from '../../../core/types/operations.ts';
import { mapInBatches } from '../../../core/util/map-in-batches.ts';
import { maskSecret, readErrorBody } from '../../../core/util/upstream-error-body.ts';
import { convertToVertexEmbedCalls } from './convert-to-vertex-embed-calls.ts';
import { googleStatusOf, mapVertexError } from './map-vertex-error.ts';
import { mapVertexEmbedContentReply, mapVertexPredictReply, type VertexEmbedReply } from './map-vertex-embed-reply.ts';
import type { VertexDeps } from './vertex-attempt.ts';
import { vertexAuth } from './vertex-auth.ts';
import { vertexPublisherOf } from './vertex-publisher.ts';
import { vertexSend } from './vertex-send.ts';
import { readVertexTarget, vertexModelUrl } from './vertex-url.ts';

/** Calls in flight at once for a request that takes several. */
const EMBED_CONCURRENCY = 4;

/**
 * `embed` on Vertex AI: the text embedding models through
 * `…/projects/{p}/locations/{l}/publishers/google/models/{model}:predict`, the newer Gemini
 * embedding models through `:embedContent` (`convertToVertexEmbedCalls` picks, and splits the
 * inputs into calls Vertex accepts). The calls go a few at a time with the provider's Google
 * credential (`vertexSend`: tokens, quota project, one renewal after a 401); the vectors are
 * joined in input order and the calls' token counts (`statistics.token_count`,
 * `usageMetadata.promptTokenCount`) and billable characters summed.
 *
 * Errors, before any call (GW_UNSUPPORTED, 400: the next target is tried): a Claude or open model,
 * token-array inputs, an API key without a project (Vertex AI express mode has no embeddings).
 * GW_CONFIG_INVALID (500) without a project. Vertex's own errors as `mapVertexError` maps them
 * (429 RESOURCE_EXHAUSTED retryable with its RetryInfo wait); the first failed call fails the request.
 */
export async function vertexEmbed(req: EmbedRequest, attempt: Attempt, deps: VertexDeps): Promise<EmbedResult> {
  const model = attempt.target.model;
  if (vertexPublisherOf(model) !== 'google') {
    throw new GatewayError('GW_UNSUPPORTED', `Vertex AI has no embeddings for "${model}": use a Google embedding model such as text-embedding-005 or gemini-embedding-001.`);
  }
  if (req.input.some((i) => typeof i !== 'string')) {
    throw new GatewayError('GW_UNSUPPORTED', 'Vertex AI embeddings take text inputs only.');
  }
  const auth = await vertexAuth(attempt, deps.tokens);
  const configured = readVertexTarget(attempt.provider);
  const target = { ...configured, project: configured.project ?? auth.projectId };
  if (!target.project && auth.apiKey) {
    throw new GatewayError('GW_UNSUPPORTED',
      `Provider "${attempt.provider.name}" calls Vertex AI with an API key and no project (express mode), which serves no embeddings. Give the provider project: and credentials: (a service-account key, gcloud user credentials or adc) or an access token in keys:.`);
  }
  if (!target.project) {
    throw new GatewayError('GW_CONFIG_INVALID', `Provider "${attempt.provider.name}" needs project: (the Google Cloud project that Vertex AI bills).`, { status: 500 });
  }
  const { method, calls } = convertToVertexEmbedCalls(req.input as string[], req, model);
  const url = vertexModelUrl(target, 'google', model, method);
  const send = vertexSend(attempt, auth);
  const headers = { 'content-type': 'application/json', ...attempt.provider.headers };
  const replies = await mapInBatches(calls, 1, EMBED_CONCURRENCY, async ([call]): Promise<VertexEmbedReply> => {
    const res = await send(url, { method: 'POST', headers, body: JSON.stringify(call!.body) });
    if (!res.ok) throw await vertexEmbedError(res, auth.secret);
    const json = await readReplyJson(res, attempt.provider.name);
    return method === 'predict' ? mapVertexPredictReply(json, call!.inputs) : mapVertexEmbedContentReply(json);
  });
  return embedResult(model, replies);
}

function embedResult(model: string, replies: VertexEmbedReply[]): EmbedResult {
  const result: EmbedResult = { model, embeddings: replies.flatMap((r) => r.vectors) };
  if (replies.some((r) => r.tokens !== undefined)) {
    result.usage = { inputTokens: replies.reduce((n, r) => n + (r.tokens ?? 0), 0), outputTokens: 0 };
    if (replies.some((r) => r.characters !== undefined)) result.usage.characters = replies.reduce((n, r) => n + (r.characters ?? 0), 0);
  }
  return result;
}

/**
 * A failed call as a GatewayError: Google's envelope mapped by `mapVertexError`, any other body
 * (a proxy's page) by its status alone, with the body's start as the message. The credential is
 * masked in the message, in case the upstream quotes it.
 */
async function vertexEmbedError(res: Response, secret: string): Promise<GatewayError> {
  const text = await readErrorBody(res);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const google = googleStatusOf(body) ?? { message: text.trim().slice(0, 300) };
  const message = typeof google.message === 'string' && google.message ? maskSecret(google.message, secret) : undefined;
  return mapVertexError(res.status, { ...google, message }, res.headers);
}
