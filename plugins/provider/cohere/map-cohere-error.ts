import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { parseRetryAfter } from '../../../core/http/retry-after.ts';
import { classifyUpstreamStatus, readErrorBody } from '../../../core/util/upstream-error-body.ts';

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
  const text = await readErrorBody(res, MAX_BODY);
  let message: string | undefined;
  try {
    const body = JSON.parse(text) as { message?: unknown; detail?: unknown };
    const m = body.message ?? body.detail;
    if (typeof m === 'string') message = m;
  } catch {
    if (text && text.length <= 300 && !text.trim().startsWith('<')) message = text.trim();
  }
  const status = res.status;
  const [code, clientStatus] = classifyUpstreamStatus(status);
  return new GatewayError(code, (message ?? `The Cohere upstream answered HTTP ${status}.`).slice(0, 1000), {
    status: clientStatus,
    retryable: status === 408 || status === 429 || status >= 500,
    retryAfterMs: parseRetryAfter(res.headers),
    upstream: { status, ...(message ? { message } : {}) },
  });
}
