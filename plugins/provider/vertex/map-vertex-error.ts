import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { parseDuration, parseRetryAfter } from '../../../core/http/retry-after.ts';
import { classifyUpstreamStatus, clipMessage } from '../../../core/util/upstream-error-body.ts';

/** Google's error envelope, as Vertex AI's front end answers (quota, auth, routing errors). */
interface GoogleStatus {
  code?: unknown;
  message?: unknown;
  status?: unknown;
  details?: unknown;
}

/** The `error` object of a Google error body (`{error:{code,message,status}}`, or a one-element array of it). */
export function googleStatusOf(body: unknown): GoogleStatus | undefined {
  const b = Array.isArray(body) ? body[0] : body;
  const e = (b as { error?: unknown } | null)?.error;
  if (typeof e !== 'object' || e === null) return undefined;
  const s = e as GoogleStatus;
  return typeof s.status === 'string' || typeof s.code === 'number' ? s : undefined;
}

/**
 * Maps a Google-shaped Vertex AI error to a GatewayError. Claude models answer their own
 * errors in Anthropic's shape (the `anthropic` adapter maps those); what Vertex itself refuses
 * (429 RESOURCE_EXHAUSTED for a quota, 401/403 for the credentials or a model not enabled in the
 * project, 404 for a model the region does not serve) comes in Google's.
 * - Retryable: 408, 429, 5xx. The wait is the `google.rpc.RetryInfo` detail's `retryDelay`
 *   (`"17s"`), else the Retry-After header.
 * - 401 and 403 concern the gateway's credentials, not the client's: 502, and the next target is tried.
 *
 * @see https://cloud.google.com/apis/design/errors
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429
 */
export function mapVertexError(status: number, error: GoogleStatus, headers?: Headers): GatewayError {
  const message = clipMessage(typeof error.message === 'string' && error.message ? error.message : `Vertex AI answered HTTP ${status}.`);
  const [code, clientStatus] = classifyUpstreamStatus(status);
  const delay = retryDelayOf(error.details);
  const retryAfterMs = (delay === undefined ? undefined : parseDuration(delay)) ?? (headers ? parseRetryAfter(headers) : undefined);
  return new GatewayError(code, message, {
    status: clientStatus,
    retryable: status === 408 || status === 429 || status >= 500,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs: Math.ceil(retryAfterMs) }),
    upstream: { status, message, ...(typeof error.status === 'string' ? { type: error.status } : {}) },
  });
}

function retryDelayOf(details: unknown): string | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const d of details as Array<Record<string, unknown>>) {
    const type = d?.['@type'];
    if (typeof type === 'string' && type.endsWith('google.rpc.RetryInfo') && typeof d.retryDelay === 'string') return d.retryDelay;
  }
  return undefined;
}
