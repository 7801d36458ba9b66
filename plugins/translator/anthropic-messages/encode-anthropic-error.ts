import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import { encodeSse } from '../../../core/util/sse.ts';
import { mapContextOverflowMessage } from './map-context-overflow-message.ts';

/** Every `error.type` the Messages API uses. */
const ERROR_TYPES: ReadonlySet<string> = new Set([
  'invalid_request_error', 'authentication_error', 'billing_error', 'permission_error', 'not_found_error',
  'request_too_large', 'rate_limit_error', 'api_error', 'overloaded_error', 'timeout_error',
]);

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/** Upstream statuses that mean "overloaded, try later" (Anthropic's 529; 503 elsewhere). */
const OVERLOADED: ReadonlySet<number> = new Set([503, 529]);

/**
 * The Messages `error.type` for a gateway error: the upstream's own type when an Anthropic
 * upstream sent it with the same status; `overloaded_error` when any upstream said it was
 * overloaded (503 or 529, which OpenAI-format mappers report as 502); else the type of the
 * HTTP status.
 *
 * @see https://docs.anthropic.com/en/api/errors
 */
export function anthropicErrorType(err: Pick<GatewayError, 'status' | 'upstream'>): string {
  const upstream = err.upstream;
  if (upstream?.type && ERROR_TYPES.has(upstream.type) && upstream.status === err.status) return upstream.type;
  if (upstream && OVERLOADED.has(upstream.status) && err.status >= 500) return 'overloaded_error';
  const byStatus = TYPE_BY_STATUS[err.status];
  if (byStatus) return byStatus;
  return err.status >= 500 ? 'api_error' : 'invalid_request_error';
}

/**
 * The HTTP status an Anthropic client gets: the error's, except that an upstream's 529 stays 529,
 * the status Anthropic clients know as "overloaded" (Claude Code counts them to switch to its
 * fallback model), where other dialects get a 502.
 */
export function anthropicErrorStatus(err: Pick<GatewayError, 'status' | 'upstream'>): number {
  if (err.upstream?.status === 529 && err.status >= 500) return 529;
  return err.status >= 400 && err.status <= 599 ? err.status : 500;
}

/** The error envelope `{"type":"error","error":{type,message}}` (plus `request_id` when known); overflow worded as Anthropic words it. */
export function anthropicErrorBody(err: GatewayError, requestId?: string): Record<string, unknown> {
  const body: Record<string, unknown> = { type: 'error', error: { type: anthropicErrorType(err), message: mapContextOverflowMessage(err) } };
  if (requestId) body.request_id = requestId;
  return body;
}

/** The error as an HTTP response with the error's status, `request-id` and `retry-after` when known. */
export function encodeAnthropicError(err: GatewayError, requestId?: string): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (requestId) headers['request-id'] = requestId;
  if (err.retryAfterMs !== undefined && err.retryAfterMs > 0) headers['retry-after'] = String(Math.ceil(err.retryAfterMs / 1000));
  return new Response(JSON.stringify(anthropicErrorBody(err, requestId)), { status: anthropicErrorStatus(err), headers });
}

/** One `event: error` SSE frame, the only way to report a failure after a 200 stream started. */
export function encodeAnthropicStreamError(err: GatewayError): string {
  return encodeSse(JSON.stringify(anthropicErrorBody(err)), 'error');
}
