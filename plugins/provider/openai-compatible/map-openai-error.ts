import { readErrorBody, keptHeaders, clipMessage, waitFromMessage, readOpenAIErrorInfo, parseErrorBody } from '../../../core/util/upstream-error-body.ts';
import { GatewayError, type ErrorCode } from '../../../core/errors/gateway-error.ts';
import { parseRetryAfter } from '../../../core/http/retry-after.ts';

/** Upstream response headers worth keeping on the error (never request headers: no secrets). */
const KEPT_HEADERS = /^(retry-after|retry-after-ms|x-request-id|request-id|x-ratelimit-.*)$/;

/**
 * Turns a non-2xx upstream response into a GatewayError. Client errors keep their status
 * (400, 401, 404 … reach the client as the upstream sent them); server errors become 502
 * (504 for an upstream timeout). The upstream's status, `type`, `code` and message are kept in
 * `upstream`. Retryable for 408, 409, 429 and 5xx; `retryAfterMs` from the headers
 * (Retry-After, rate-limit resets) or from OpenAI's "try again in 20s" message.
 * A 429 that says no credit is left (`insufficient_quota` and the like: `isOutOfCredit`) is GW_QUOTA_EXHAUSTED and
 * not retryable: waiting will not bring credit back. The pipeline still falls back to the next
 * account or target (a 429 is never the client's fault), and `cooldown` takes the account out.
 * Reads at most 64 KB of the body and never throws.
 *
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export async function mapOpenAIError(res: Response, now: number = Date.now()): Promise<GatewayError> {
  return mapOpenAIErrorBody(res.status, parseErrorBody(await readErrorBody(res)), res.headers, now);
}

/**
 * Same mapping from an already parsed body: a JSON error envelope (`{error:{…}}`, `{error:"…"}`,
 * `{message}`, `{detail}`) or plain text. Also used for `error` frames inside a stream.
 */
export function mapOpenAIErrorBody(status: number, body: unknown, headers?: Headers, now: number = Date.now()): GatewayError {
  const info = readOpenAIErrorInfo(body);
  const message = clipMessage(info.message ?? `Upstream returned HTTP ${status}.`);
  let retryAfterMs = headers ? parseRetryAfter(headers, now) : undefined;
  if (retryAfterMs === undefined && status === 429 && info.message) retryAfterMs = waitFromMessage(info.message);
  const noCredit = status === 429 && isOutOfCredit(info);
  const failedGeneration = info.code !== undefined && FAILED_GENERATION.has(info.code);
  const retryable = failedGeneration || (!noCredit && (status === 408 || status === 409 || status === 429 || status >= 500));
  const [code, gwStatus] = noCredit ? (['GW_QUOTA_EXHAUSTED', 429] as const) : failedGeneration ? (['GW_UPSTREAM_ERROR', 502] as const) : classify(status);
  return new GatewayError(code, message, {
    status: gwStatus,
    retryable,
    retryAfterMs,
    param: info.param,
    upstream: {
      status,
      ...(info.type ? { type: info.type } : {}),
      ...(info.code ? { code: info.code } : {}),
      ...(info.message ? { message: clipMessage(info.message) } : {}),
      ...(headers ? { headers: keptHeaders(headers, KEPT_HEADERS) } : {}),
    },
  });
}

/**
 * Codes of a generation the upstream's own server could not use, whatever the status: Groq's
 * 400 `tool_use_failed` ("Failed to call a function. Please adjust your prompt."), a tool call
 * its model wrote that is not valid JSON or not the tool's schema. The model's sampling, not the
 * request: a retryable 502, which the adapter generates once more (`regenerateFailedCall`) and
 * the pipeline then takes to the next target.
 */
export const FAILED_GENERATION: ReadonlySet<string> = new Set(['tool_use_failed']);

/**
 * Codes and types that say the account has no credit left: OpenAI's `insufficient_quota`,
 * Moonshot's `exceeded_current_quota_error`, the one-api / new-api resellers'
 * `insufficient_user_quota`, Zhipu's `1113`.
 */
const NO_CREDIT = new Set(['insufficient_quota', 'exceeded_current_quota_error', 'insufficient_user_quota', '1113']);

/** A 429 body that means "no credit left", by its code, its type or its words ("余额不足": Zhipu, SiliconFlow). */
function isOutOfCredit(info: { code?: string; type?: string; message?: string }): boolean {
  return NO_CREDIT.has(info.code ?? '') || NO_CREDIT.has(info.type ?? '') || /insufficient balance|balance is insufficient|余额不足/i.test(info.message ?? '');
}

function classify(status: number): [ErrorCode, number] {
  if (status === 429) return ['GW_RATE_LIMITED', 429];
  if (status === 408) return ['GW_UPSTREAM_TIMEOUT', 408];
  if (status === 401) return ['GW_UNAUTHORIZED', 401];
  if (status === 402) return ['GW_PAYMENT_REQUIRED', 402];
  if (status === 403) return ['GW_FORBIDDEN', 403];
  if (status === 404) return ['GW_MODEL_NOT_FOUND', 404];
  if (status === 413) return ['GW_BODY_TOO_LARGE', 413];
  if (status >= 400 && status < 500) return ['GW_BAD_REQUEST', status];
  if (status === 504) return ['GW_UPSTREAM_TIMEOUT', 504];
  return ['GW_UPSTREAM_ERROR', 502];
}
