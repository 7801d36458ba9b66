import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Attempt } from '../../../core/plugin/types.ts';
import type { UploadedFile } from '../../../core/types/operations.ts';
import type { Usage } from '../../../core/types/hub.ts';
import { buildOpenAIHeaders } from './build-openai-headers.ts';
import { buildMultipartStream, type MultipartField } from './build-multipart-stream.ts';
import { mapOpenAIError } from './map-openai-error.ts';
import { readReplyJson } from '../../../core/http/read-reply.ts';
import { openAIUrl } from '../../../core/util/openai-api.ts';

export type Json = Record<string, unknown>;

/** POSTs JSON to `<baseUrl><path>`; resolves with a 2xx response, throws the mapped GatewayError otherwise. */
export async function postOpenAIJson(attempt: Attempt, path: string, body: Json, accept = 'application/json'): Promise<Response> {
  const headers = buildOpenAIHeaders(attempt.provider, attempt.account, false);
  headers.set('accept', accept);
  const res = await attempt.fetch(openAIUrl(attempt.provider.baseUrl, path), { method: 'POST', headers, body: JSON.stringify(body) });
  if (!res.ok) throw await mapOpenAIError(res);
  return res;
}

/**
 * POSTs a multipart form whose files are streamed from their spool (never read into memory),
 * with an exact Content-Length. Same error mapping as JSON calls.
 */
export async function postOpenAIMultipart(
  attempt: Attempt, path: string, fields: MultipartField[], files: UploadedFile[], accept = 'application/json',
): Promise<Response> {
  const form = buildMultipartStream(fields, files);
  const headers = buildOpenAIHeaders(attempt.provider, attempt.account, false);
  headers.set('content-type', form.contentType);
  headers.set('content-length', String(form.length));
  headers.set('accept', accept);
  const res = await attempt.fetch(openAIUrl(attempt.provider.baseUrl, path), { method: 'POST', headers, body: form.body });
  if (!res.ok) throw await mapOpenAIError(res);
  return res;
}

/**
 * The reply as a JSON object (read under the outbound client's size cap; `from` names the
 * upstream in that error); anything else is a retryable protocol error.
 */
export async function readJsonObject(res: Response, from: string): Promise<Json> {
  const value = await readReplyJson(res, from);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream sent an unexpected reply.', { retryable: true });
  }
  return value as Json;
}

/** Fields of `obj` other than `known`, or undefined when there are none. */
export function restOf(obj: Json, known: readonly string[]): Json | undefined {
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) if (!known.includes(k) && v !== undefined) out[k] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

/**
 * Any of the usage objects these APIs send → hub usage: `prompt_tokens`/`completion_tokens`
 * (embeddings, Jina), `input_tokens`/`output_tokens` (images, transcription), or only
 * `total_tokens` (Voyage, rerank), counted as input. Undefined when there are no token counts
 * (Whisper's `{type:"duration"}`).
 */
export function mapOperationUsage(raw: unknown): Usage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const u = raw as Json;
  const input = num(u.prompt_tokens) ?? num(u.input_tokens);
  const output = num(u.completion_tokens) ?? num(u.output_tokens);
  const total = num(u.total_tokens);
  if (input === undefined && output === undefined && total === undefined) return undefined;
  return { inputTokens: input ?? Math.max(0, (total ?? 0) - (output ?? 0)), outputTokens: output ?? 0 };
}

/** Client fields forwarded as they came, under the upstream's names. */
export function withExtra(body: Json, extra: Json | undefined): Json {
  return extra ? { ...extra, ...body } : body;
}
