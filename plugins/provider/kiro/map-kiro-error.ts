import { GatewayError, type ErrorCode } from '../../../core/errors/gateway-error.ts';
import { parseRetryAfter } from '../../../core/http/retry-after.ts';
import { readErrorBody } from '../../../core/util/upstream-error-body.ts';

const MAX_MESSAGE = 500;
const MAX_BODY = 32 * 1024;

/**
 * An AWS error (`ThrottlingException`, `ValidationException`, `AccessDeniedException`,
 * `ServiceQuotaExceededException`, `InternalServerException`…) as a GatewayError. The type comes
 * from the `x-amzn-errortype` header, the body's `__type`, or an event-stream exception's
 * `:exception-type`. Account problems (401/403) become a retryable 502 so the next target is
 * tried and the client is never told its own key is wrong; throttling and quota are retryable
 * 429s; a refused request is a 400.
 *
 * @see https://docs.aws.amazon.com/amazonq/latest/api-reference/CommonErrors.html (the error names; Kiro's own API is unpublished)
 */
export function mapKiroError(status: number, type: string | undefined, message: string | undefined, headers?: Headers): GatewayError {
  const name = (type ?? '').split(/[#:]/).filter(Boolean).at(-1) ?? '';
  const text = (message || `The Kiro upstream answered ${name || `HTTP ${status}`}.`).slice(0, MAX_MESSAGE);
  const [code, clientStatus, retryable] = classify(status, name);
  const retryAfterMs = headers ? parseRetryAfter(headers) : undefined;
  return new GatewayError(code, text, {
    status: clientStatus, retryable, retryAfterMs, upstream: { status, message: text, ...(name ? { type: name } : {}) },
  });
}

function classify(status: number, name: string): [ErrorCode, number, boolean] {
  if (name === 'ThrottlingException' || status === 429) return ['GW_RATE_LIMITED', 429, true];
  if (name === 'ServiceQuotaExceededException') return ['GW_QUOTA_EXHAUSTED', 429, true];
  if (name === 'AccessDeniedException' || name === 'UnauthorizedException' || status === 401 || status === 403) return ['GW_UPSTREAM_AUTH', 502, true];
  if (name === 'ValidationException' || status === 400 || status === 422) return ['GW_BAD_REQUEST', 400, false];
  if (name === 'ResourceNotFoundException' || status === 404) return ['GW_MODEL_NOT_FOUND', 404, false];
  if (status === 503) return ['GW_UNAVAILABLE', 503, true];
  if (status === 504) return ['GW_UPSTREAM_TIMEOUT', 504, true];
  return ['GW_UPSTREAM_ERROR', 502, true];
}

/** Reads a non-2xx answer (at most 32 KB of it) into a GatewayError. Never throws. */
export async function readKiroError(res: Response): Promise<GatewayError> {
  let body: { message?: unknown; Message?: unknown; __type?: unknown; reason?: unknown } = {};
  try {
    const text = await readErrorBody(res, MAX_BODY);
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: the status decides
  }
  const type = res.headers.get('x-amzn-errortype') ?? (typeof body.__type === 'string' ? body.__type : undefined);
  const message = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : undefined;
  return mapKiroError(res.status, type, message, res.headers);
}
