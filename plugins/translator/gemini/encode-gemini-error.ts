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

type Detail = Record<string, unknown>;

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
const QUOTA_FAILURE = 'type.googleapis.com/google.rpc.QuotaFailure';

/**
 * The QuotaFailure of a quota the gateway (or a non-Google upstream) reports used up. Gemini
 * CLI stops on a violation whose `quotaId` names a daily quota (`PerDay`), and retries (up to
 * ten times) on any other 429.
 */
const GATEWAY_QUOTA: Detail = {
  '@type': QUOTA_FAILURE,
  violations: [{ quotaMetric: 'switchyard/quota', quotaId: 'SwitchyardQuotaPerDay', description: 'A quota of the gateway is used up.' }],
};

/**
 * GatewayError → `{"error":{"code","message","status","details"}}`. An error relayed from a
 * Gemini upstream keeps the upstream's status name (`upstream.type`) and its google.rpc
 * `details` (`upstream.details`, which the Gemini provider fills). Other errors get the details
 * Google clients act on: a used-up quota (GW_QUOTA_EXHAUSTED) a daily QuotaFailure, so Gemini
 * CLI stops instead of retrying; a wait the error carries a RetryInfo (it replaces the
 * upstream's, so it agrees with `retry-after`). The message is the error's message only: never
 * a stack or a cause.
 *
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 * @see https://cloud.google.com/apis/design/errors#error_details
 */
export function encodeGeminiErrorBody(err: GatewayError): GeminiErrorBody {
  const relayed = err.upstream?.status === err.status;
  const upstreamName = err.upstream?.type;
  const name = upstreamName && /^[A-Z_]+$/.test(upstreamName) && relayed ? upstreamName : geminiStatusName(err.status);
  const body: GeminiErrorBody = { error: { code: err.status, message: err.message, status: name } };
  let details = (relayed ? upstreamDetails(err) : undefined) ?? (err.code === 'GW_QUOTA_EXHAUSTED' ? [structuredClone(GATEWAY_QUOTA)] : []);
  if (err.retryAfterMs !== undefined && err.retryAfterMs > 0) {
    const wait = { '@type': RETRY_INFO, retryDelay: `${Math.ceil(err.retryAfterMs / 1000)}s` };
    details = [...details.filter((d) => d['@type'] !== RETRY_INFO), wait];
  }
  if (details.length > 0) body.error.details = details;
  return body;
}

/** The google.rpc details a Gemini upstream sent with the error (a copy), if any. */
function upstreamDetails(err: GatewayError): Detail[] | undefined {
  const details = err.upstream?.details;
  if (!Array.isArray(details)) return undefined;
  const kept = details.filter((d): d is Detail => typeof d === 'object' && d !== null && typeof (d as Detail)['@type'] === 'string');
  return kept.length > 0 ? structuredClone(kept) : undefined;
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
