import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { parseRetryAfter } from '../../../core/http/retry-after.ts';
import { classifyUpstreamStatus, clipMessage, readErrorBody } from '../../../core/util/upstream-error-body.ts';

/**
 * A non-2xx Deepgram reply (`{"err_code": "INVALID_AUTH", "err_msg": "Invalid credentials.",
 * "request_id": "…"}`) → GatewayError: 429 and 5xx retryable (with Retry-After), 401/403 as a
 * 502 (the gateway's own account), other 4xx keep their status. Never throws.
 *
 * @see https://developers.deepgram.com/docs/errors
 */
export async function mapDeepgramError(res: Response): Promise<GatewayError> {
  const text = await readErrorBody(res);
  let message: string | undefined;
  let type: string | undefined;
  try {
    const body = JSON.parse(text) as { err_msg?: unknown; err_code?: unknown; message?: unknown };
    const m = body.err_msg ?? body.message;
    if (typeof m === 'string') message = m;
    if (typeof body.err_code === 'string') type = body.err_code;
  } catch {
    if (text && text.length <= 300 && !text.trim().startsWith('<')) message = text.trim();
  }
  const status = res.status;
  const [code, clientStatus] = classifyUpstreamStatus(status);
  return new GatewayError(code, clipMessage(message ?? `The Deepgram upstream answered HTTP ${status}.`), {
    status: clientStatus,
    retryable: status === 408 || status === 429 || status >= 500,
    retryAfterMs: parseRetryAfter(res.headers),
    upstream: { status, ...(message ? { message } : {}), ...(type ? { type } : {}) },
  });
}
