import { readErrorBody, keptHeaders, clipMessage, maskSecret, waitFromMessage, readOpenAIErrorInfo } from '../../../core/util/upstream-error-body.ts';
import { GatewayError, type ErrorCode } from '../../../core/errors/gateway-error.ts';
import { parseRetryAfter } from '../../../core/http/retry-after.ts';

/** Upstream response headers worth keeping on the error (never request headers: no secrets). */
const KEPT_HEADERS = /^(retry-after|retry-after-ms|x-request-id|x-ratelimit-.*)$/;

/**
 * Maps a non-2xx Responses API answer (`{"error":{message,type,param,code}}`; the ChatGPT
 * backend's `{"detail":"…"}`) to a GatewayError.
 *
 * 400/404/413/422 keep their status. 401/402/403 describe the gateway's upstream account, not
 * the client, so they become 502 (the upstream status stays in `upstream` for key rotation and
 * breakers). Retryable: 401/402/403 (another account or target may work), 408, 409, 429, 5xx.
 * `retryAfterMs` comes from the headers (`parseRetryAfter`) or OpenAI's "try again in 20s".
 * The account secret is masked should an upstream echo it.
 *
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function mapResponsesError(status: number, body: unknown, headers?: Headers, secret?: string): GatewayError {
  const info = readOpenAIErrorInfo(body);
  const message = clipMessage(maskSecret(info.message ?? `The Responses upstream answered HTTP ${status}.`, secret));
  let retryAfterMs = headers ? parseRetryAfter(headers) : undefined;
  if (retryAfterMs === undefined && status === 429 && info.message) retryAfterMs = waitFromMessage(info.message);
  const retryable = [401, 402, 403, 408, 409, 429].includes(status) || status >= 500;
  const [code, clientStatus] = classify(status, info.code);
  const upstream: NonNullable<GatewayError['upstream']> = { status, message };
  if (info.type) upstream.type = info.type;
  if (info.code) upstream.code = info.code;
  if (headers) upstream.headers = keptHeaders(headers, KEPT_HEADERS);
  return new GatewayError(code, message, { status: clientStatus, retryable, retryAfterMs, upstream, param: info.param });
}

/** Reads a non-2xx upstream response (at most 64 KB of body) into a GatewayError; never throws. */
export async function readResponsesError(res: Response, secret?: string): Promise<GatewayError> {
  const text = await readErrorBody(res);
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // plain text (or HTML) error body
  }
  return mapResponsesError(res.status, body, res.headers, secret);
}

/** Status an in-stream error code stands for (`error` events and `response.failed`). */
function statusOfCode(code: string | undefined): number {
  if (!code) return 500;
  if (code === 'rate_limit_exceeded' || code === 'insufficient_quota') return 429;
  if (code === 'vector_store_timeout') return 504;
  if (code === 'server_error') return 500;
  if (code.startsWith('invalid_') || code.startsWith('image_') || code === 'context_length_exceeded' || code.includes('policy')) return 400;
  return 500;
}

/**
 * An error that arrives inside a 200 stream: an `error` event (flat or nested fields) or the
 * `error` of a `response.failed` response.
 */
export function mapResponsesStreamError(payload: unknown, secret?: string): GatewayError {
  const info = readOpenAIErrorInfo(payload);
  return mapResponsesError(statusOfCode(info.code), { error: info }, undefined, secret);
}

function classify(status: number, code: string | undefined): [ErrorCode, number] {
  if (status === 429) return [code === 'insufficient_quota' ? 'GW_QUOTA_EXHAUSTED' : 'GW_RATE_LIMITED', 429];
  if (status === 400 || status === 422) return ['GW_BAD_REQUEST', 400];
  if (status === 404) return ['GW_MODEL_NOT_FOUND', 404];
  if (status === 408) return ['GW_UPSTREAM_TIMEOUT', 504];
  if (status === 413) return ['GW_BODY_TOO_LARGE', 413];
  if (status === 503) return ['GW_UNAVAILABLE', 503];
  if (status === 504) return ['GW_UPSTREAM_TIMEOUT', 504];
  if (status >= 400 && status < 500 && status !== 401 && status !== 402 && status !== 403) return ['GW_BAD_REQUEST', status];
  return ['GW_UPSTREAM_ERROR', 502];
}
