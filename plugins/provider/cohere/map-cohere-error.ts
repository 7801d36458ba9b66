import { GatewayError, type ErrorCode } from '../../../core/errors/gateway-error.ts';
import { parseRetryAfter } from '../../../core/http/retry-after.ts';

const MAX_BODY = 64 * 1024;

/**
 * A non-2xx Cohere reply (`{"message": "…"}`, sometimes with an `id`) → GatewayError.
 * 429 and 5xx are retryable (with Retry-After); 401/403 are problems of our upstream account,
 * reported as 502 so the client is never told its own key is wrong and the next target is
 * tried; other 4xx keep their status. Reads at most 64 KB; never throws.
 *
 * @see https://docs.cohere.com/reference/errors
 */
export async function mapCohereError(res: Response): Promise<GatewayError> {
  let text = '';
  try {
    text = (await res.text()).slice(0, MAX_BODY);
  } catch {
    // A body that breaks while we read the error tells us nothing more.
  }
  let message: string | undefined;
  try {
    const body = JSON.parse(text) as { message?: unknown; detail?: unknown };
    const m = body.message ?? body.detail;
    if (typeof m === 'string') message = m;
  } catch {
    if (text && text.length <= 300 && !text.trim().startsWith('<')) message = text.trim();
  }
  const status = res.status;
  const [code, clientStatus] = classify(status);
  return new GatewayError(code, (message ?? `The Cohere upstream answered HTTP ${status}.`).slice(0, 1000), {
    status: clientStatus,
    retryable: status === 408 || status === 429 || status >= 500,
    retryAfterMs: parseRetryAfter(res.headers),
    upstream: { status, ...(message ? { message } : {}) },
  });
}

function classify(status: number): [ErrorCode, number] {
  if (status === 401 || status === 403) return ['GW_UPSTREAM_ERROR', 502];
  if (status === 429) return ['GW_RATE_LIMITED', 429];
  if (status === 404) return ['GW_MODEL_NOT_FOUND', 404];
  if (status === 413) return ['GW_BODY_TOO_LARGE', 413];
  if (status >= 400 && status < 500) return ['GW_BAD_REQUEST', status];
  if (status === 504) return ['GW_UPSTREAM_TIMEOUT', 504];
  return ['GW_UPSTREAM_ERROR', 502];
}
