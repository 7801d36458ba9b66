import type { GatewayError } from '../../../core/errors/gateway-error.ts';

/** Google's error envelope (google.rpc.Status as JSON). */
export interface GeminiErrorBody {
  error: { code: number; message: string; status: string; details?: Array<Record<string, unknown>> };
}

/** HTTP status → canonical google.rpc.Code name, as Google APIs pair them. */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  402: 'FAILED_PRECONDITION',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  422: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
  // Anthropic's "overloaded", relayed with its own status: what Google calls UNAVAILABLE.
  529: 'UNAVAILABLE',
};

/** The canonical status name for an HTTP status (4xx default INVALID_ARGUMENT, 5xx INTERNAL). */
export function geminiStatusName(status: number): string {
  return STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
}

/**
 * GatewayError → `{"error":{"code","message","status"}}`. An error relayed from a Gemini
 * upstream keeps the upstream's status name (`upstream.type`); a wait the error carries is
 * added as a `google.rpc.RetryInfo` detail, which Google clients read. The message is the
 * error's message only: never a stack or a cause.
 *
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
export function encodeGeminiErrorBody(err: GatewayError): GeminiErrorBody {
  const upstreamName = err.upstream?.type;
  const name = upstreamName && /^[A-Z_]+$/.test(upstreamName) && err.upstream?.status === err.status
    ? upstreamName
    : geminiStatusName(err.status);
  const body: GeminiErrorBody = { error: { code: err.status, message: err.message, status: name } };
  if (err.retryAfterMs !== undefined && err.retryAfterMs > 0) {
    body.error.details = [{
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: `${Math.ceil(err.retryAfterMs / 1000)}s`,
    }];
  }
  return body;
}

/** The error as an HTTP response with its status (and `retry-after` when it carries a wait). */
export function encodeGeminiError(err: GatewayError): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
  if (err.retryAfterMs !== undefined && err.retryAfterMs > 0) {
    headers['retry-after'] = String(Math.ceil(err.retryAfterMs / 1000));
  }
  return new Response(JSON.stringify(encodeGeminiErrorBody(err)), { status: err.status, headers });
}

/**
 * One SSE frame with the error, CRLF-framed like Google's streams, for a stream that broke
 * after bytes reached the client. The stream is closed after it.
 */
export function encodeGeminiStreamError(err: GatewayError, sse = true): string {
  const body = JSON.stringify(encodeGeminiErrorBody(err));
  // Without `alt=sse` the stream is one JSON array, already opened: the error is its last element.
  return sse ? `data: ${body}\r\n\r\n` : `,\r\n${body}]`;
}
