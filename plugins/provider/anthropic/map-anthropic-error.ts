import { keptHeaders, readErrorBody } from '../../../core/util/upstream-error-body.ts';
import { GatewayError, type ErrorCode } from '../../../core/errors/gateway-error.ts';
import { parseRetryAfter } from '../../../core/http/retry-after.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';

/** HTTP status Anthropic uses for each `error.type` (for errors that arrive inside a stream). */
const STATUS_BY_TYPE: Readonly<Record<string, number>> = lookupTable({
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
});

const MAX_MESSAGE = 1000;
/** Upstream response headers worth keeping on the error (never request headers: no secrets). */
const KEPT_HEADERS = /^(retry-after|retry-after-ms|request-id|anthropic-ratelimit-.*)$/;

/**
 * Maps an Anthropic error (HTTP status + `{"type":"error","error":{type,message}}`) to a
 * GatewayError. Retryable: 408, 409, 429, 5xx and 529 (overloaded). Statuses that describe our
 * upstream account rather than the client (401, 402, 403) become 502, so a client is never told
 * its own key is wrong; the upstream status stays in `upstream` for rotation and breakers.
 *
 * @see https://docs.anthropic.com/en/api/errors
 */
export function mapAnthropicError(status: number, body: unknown, headers?: Headers): GatewayError {
  const detail = errorDetail(body);
  const message = (detail.message ?? `The Anthropic upstream answered HTTP ${status}.`).slice(0, MAX_MESSAGE);
  const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
  const [code, clientStatus] = codeFor(status);
  const retryAfterMs = headers ? parseRetryAfter(headers) : undefined;
  const upstream: NonNullable<GatewayError['upstream']> = { status, message };
  if (detail.type) upstream.type = detail.type;
  if (headers) upstream.headers = keptHeaders(headers, KEPT_HEADERS);
  return new GatewayError(code, message, { status: clientStatus, retryable, retryAfterMs, upstream });
}

/** An `event: error` payload from inside a 200 stream; the status is derived from `error.type`. */
export function mapAnthropicStreamError(payload: unknown): GatewayError {
  const { type } = errorDetail(payload);
  return mapAnthropicError(STATUS_BY_TYPE[type ?? ''] ?? 500, payload);
}

/** Reads a non-2xx upstream response (at most 64 KB of its body) into a GatewayError. Never throws. */
export async function readAnthropicError(response: Response): Promise<GatewayError> {
  let body: unknown;
  try {
    body = JSON.parse(await readErrorBody(response));
  } catch {
    body = undefined;
  }
  return mapAnthropicError(response.status, body, response.headers);
}



function codeFor(status: number): [ErrorCode, number] {
  if (status === 400 || status === 422) return ['GW_BAD_REQUEST', 400];
  if (status === 404) return ['GW_MODEL_NOT_FOUND', 404];
  if (status === 408) return ['GW_UPSTREAM_TIMEOUT', 504];
  if (status === 413) return ['GW_BODY_TOO_LARGE', 413];
  if (status === 429) return ['GW_RATE_LIMITED', 429];
  if (status === 503 || status === 529) return ['GW_UNAVAILABLE', status];
  if (status === 504) return ['GW_UPSTREAM_TIMEOUT', 504];
  return ['GW_UPSTREAM_ERROR', 502];
}

function errorDetail(body: unknown): { type?: string; message?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return {};
  const { type, message } = error as { type?: unknown; message?: unknown };
  return { type: typeof type === 'string' ? type : undefined, message: typeof message === 'string' ? message : undefined };
}
