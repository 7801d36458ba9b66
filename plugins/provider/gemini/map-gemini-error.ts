import { GatewayError, type ErrorCode } from '../../../core/errors/gateway-error.ts';
import { parseDuration, parseRetryAfter } from '../../../core/http/retry-after.ts';
import { readErrorBody } from '../../../core/util/upstream-error-body.ts';

const MAX_MESSAGE = 1000;
/** Google's details are a few hundred bytes; past this they are not worth relaying. */
const MAX_DETAILS = 8192;


interface GoogleStatus {
  code?: number;
  message?: string;
  status?: string;
  details?: unknown[];
}

/**
 * Maps a Gemini error (HTTP status + `{"error":{code,message,status,details}}`) to a
 * GatewayError.
 * - Retryable: 408, 429 (RESOURCE_EXHAUSTED), 5xx. The wait comes from the
 *   `google.rpc.RetryInfo` detail (`retryDelay: "37s"`), else from Retry-After headers.
 *   A daily quota (`QuotaFailure` with a `PerDay` quota id) is GW_QUOTA_EXHAUSTED.
 * - Errors about our upstream account (401, 403, and the 400 Google sends for a bad key,
 *   reason API_KEY_INVALID, or FAILED_PRECONDITION such as an unsupported region) become 502,
 *   so a client is never told its own key is wrong and the next account or target is tried.
 * - The message is Google's, clipped, with the account's secret removed should it appear.
 * - Google's `details[]` are kept on `upstream.details`, except
 *   DebugInfo, and none at all when they would be large or hold the account's secret.
 *
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 * @see https://cloud.google.com/apis/design/errors#error_details
 */
export function mapGeminiError(status: number, body: unknown, headers?: Headers, secret?: string): GatewayError {
  const e = errorDetail(body);
  let message = (e.message ?? `The Gemini upstream answered HTTP ${status}.`).slice(0, MAX_MESSAGE);
  if (secret && secret.length >= 8) message = message.replaceAll(secret, '[redacted]');
  const reason = detail(e.details, 'ErrorInfo')?.reason;
  const delay = detail(e.details, 'RetryInfo')?.retryDelay;
  const retryAfterMs = (typeof delay === 'string' ? parseDuration(delay) : undefined) ?? (headers ? parseRetryAfter(headers) : undefined);
  const upstream: NonNullable<GatewayError['upstream']> = { status, message };
  if (e.status) upstream.type = e.status;
  if (typeof reason === 'string') upstream.code = reason;
  const details = relayableDetails(e.details, secret);
  if (details) upstream.details = details;
  const [code, clientStatus, retryable] = classify(status, e, reason);
  return new GatewayError(code, message, {
    status: clientStatus,
    retryable,
    retryAfterMs: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs),
    upstream,
  });
}

/** An `{"error":…}` object that arrived inside a 200 stream; its `code` is the HTTP status. */
export function mapGeminiStreamError(payload: unknown, secret?: string): GatewayError {
  const code = errorDetail(payload).code;
  return mapGeminiError(typeof code === 'number' && code >= 400 && code < 600 ? code : 500, payload, undefined, secret);
}

/** Reads a non-2xx upstream response (body consumed) into a GatewayError. */
export async function readGeminiError(response: Response, secret?: string): Promise<GatewayError> {
  let body: unknown;
  try {
    const text = await readErrorBody(response);
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return mapGeminiError(response.status, body, response.headers, secret);
}

function classify(status: number, e: GoogleStatus, reason: unknown): [ErrorCode, number, boolean] {
  const accountProblem = reason === 'API_KEY_INVALID' || reason === 'API_KEY_EXPIRED' || e.status === 'FAILED_PRECONDITION'
    || (status === 400 && /api key (not valid|expired)/i.test(e.message ?? ''));
  if (status === 401 || status === 403 || accountProblem) return ['GW_UPSTREAM_ERROR', 502, false];
  if (status === 400 || status === 422) return ['GW_BAD_REQUEST', 400, false];
  if (status === 404) return ['GW_MODEL_NOT_FOUND', 404, false];
  if (status === 408) return ['GW_UPSTREAM_TIMEOUT', 504, true];
  if (status === 413) return ['GW_BODY_TOO_LARGE', 413, false];
  if (status === 429) return [isDailyQuota(e.details) ? 'GW_QUOTA_EXHAUSTED' : 'GW_RATE_LIMITED', 429, true];
  if (status === 503) return ['GW_UNAVAILABLE', 503, true];
  if (status === 504) return ['GW_UPSTREAM_TIMEOUT', 504, true];
  return ['GW_UPSTREAM_ERROR', 502, status >= 500 || status === 499];
}

function isDailyQuota(details: unknown[] | undefined): boolean {
  const violations = detail(details, 'QuotaFailure')?.violations;
  return Array.isArray(violations) && violations.some((v) => {
    const id = (v as { quotaId?: unknown })?.quotaId;
    return typeof id === 'string' && /PerDay/i.test(id);
  });
}

/** The details a client may see: typed entries, no DebugInfo (server internals), never the secret. */
function relayableDetails(details: unknown[] | undefined, secret: string | undefined): Array<Record<string, unknown>> | undefined {
  const kept = (details ?? []).filter((d): d is Record<string, unknown> => {
    if (typeof d !== 'object' || d === null || Array.isArray(d)) return false;
    const t = (d as { '@type'?: unknown })['@type'];
    return typeof t === 'string' && !t.endsWith('google.rpc.DebugInfo');
  });
  if (kept.length === 0) return undefined;
  const json = JSON.stringify(kept);
  if (json.length > MAX_DETAILS || (secret && secret.length >= 8 && json.includes(secret))) return undefined;
  return JSON.parse(json) as Array<Record<string, unknown>>;
}

/** The first `details[]` entry of a google.rpc type (`ErrorInfo`, `RetryInfo`, `QuotaFailure`). */
function detail(details: unknown[] | undefined, type: string): Record<string, unknown> | undefined {
  for (const d of details ?? []) {
    if (typeof d !== 'object' || d === null) continue;
    const t = (d as { '@type'?: unknown })['@type'];
    if (typeof t === 'string' && t.endsWith(`google.rpc.${type}`)) return d as Record<string, unknown>;
  }
  return undefined;
}

function errorDetail(body: unknown): GoogleStatus {
  // Some Google front ends answer with a one-element array around the status object.
  const b = Array.isArray(body) ? body[0] : body;
  if (typeof b !== 'object' || b === null) return {};
  const error = (b as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return {};
  const { code, message, status, details } = error as Record<string, unknown>;
  return {
    code: typeof code === 'number' ? code : undefined,
    message: typeof message === 'string' ? message : undefined,
    status: typeof status === 'string' ? status : undefined,
    details: Array.isArray(details) ? details : undefined,
  };
}
