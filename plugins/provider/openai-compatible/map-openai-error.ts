import { readErrorBody, keptHeaders, clipMessage, waitFromMessage } from '../../../core/util/upstream-error-body.ts';
import { GatewayError, type ErrorCode } from '../../../core/errors/gateway-error.ts';
import { parseRetryAfter } from '../../../core/http/retry-after.ts';

type Json = Record<string, unknown>;

/** Upstream response headers worth keeping on the error (never request headers: no secrets). */
const KEPT_HEADERS = /^(retry-after|retry-after-ms|x-request-id|request-id|x-ratelimit-.*)$/;

/**
 * Turns a non-2xx upstream response into a GatewayError. Client errors keep their status
 * (400, 401, 404 … reach the client as the upstream sent them); server errors become 502
 * (504 for an upstream timeout). The upstream's status, `type`, `code` and message are kept in
 * `upstream`. Retryable for 408, 409, 429 and 5xx; `retryAfterMs` from the headers
 * (Retry-After, rate-limit resets) or from OpenAI's "try again in 20s" message.
 * A 429 whose code or type is `insufficient_quota` (no credit left) is GW_QUOTA_EXHAUSTED and
 * not retryable: waiting will not bring credit back. The pipeline still falls back to the next
 * account or target (a 429 is never the client's fault), and `cooldown` takes the account out.
 * Reads at most 64 KB of the body and never throws.
 *
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export async function mapOpenAIError(res: Response, now: number = Date.now()): Promise<GatewayError> {
  const text = await readErrorBody(res);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return mapOpenAIErrorBody(res.status, body, res.headers, now);
}

/**
 * Same mapping from an already parsed body: a JSON error envelope (`{error:{…}}`, `{error:"…"}`,
 * `{message}`, `{detail}`) or plain text. Also used for `error` frames inside a stream.
 */
export function mapOpenAIErrorBody(status: number, body: unknown, headers?: Headers, now: number = Date.now()): GatewayError {
  const info = readErrorInfo(body);
  const message = clipMessage(info.message ?? `Upstream returned HTTP ${status}.`);
  let retryAfterMs = headers ? parseRetryAfter(headers, now) : undefined;
  if (retryAfterMs === undefined && status === 429 && info.message) retryAfterMs = waitFromMessage(info.message);
  const noCredit = status === 429 && (info.code === 'insufficient_quota' || info.type === 'insufficient_quota');
  const retryable = !noCredit && (status === 408 || status === 409 || status === 429 || status >= 500);
  const [code, gwStatus] = noCredit ? (['GW_QUOTA_EXHAUSTED', 429] as const) : classify(status);
  return new GatewayError(code, message, {
    status: gwStatus,
    retryable,
    retryAfterMs,
    param: info.param,
    upstream: {
      status,
      ...(info.type ? { type: info.type } : {}),
      ...(info.code ? { code: info.code } : {}),
      ...(info.message ? { message: clipMessage(info.message) } : {}),
      ...(headers ? { headers: keptHeaders(headers, KEPT_HEADERS) } : {}),
    },
  });
}

function classify(status: number): [ErrorCode, number] {
  if (status === 429) return ['GW_RATE_LIMITED', 429];
  if (status === 408) return ['GW_UPSTREAM_TIMEOUT', 408];
  if (status === 401) return ['GW_UNAUTHORIZED', 401];
  if (status === 402) return ['GW_PAYMENT_REQUIRED', 402];
  if (status === 403) return ['GW_FORBIDDEN', 403];
  if (status === 404) return ['GW_MODEL_NOT_FOUND', 404];
  if (status === 413) return ['GW_BODY_TOO_LARGE', 413];
  if (status >= 400 && status < 500) return ['GW_BAD_REQUEST', status];
  if (status === 504) return ['GW_UPSTREAM_TIMEOUT', 504];
  return ['GW_UPSTREAM_ERROR', 502];
}

interface ErrorInfo {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
}

function readErrorInfo(body: unknown): ErrorInfo {
  if (typeof body === 'string') {
    const t = body.trim();
    // HTML error pages tell the client nothing useful.
    return t && t.length <= 300 && !t.startsWith('<') ? { message: t } : {};
  }
  if (!body || typeof body !== 'object') return {};
  const b = body as Json;
  const e = b.error;
  if (typeof e === 'string') return { message: e };
  const src = e && typeof e === 'object' ? (e as Json) : b;
  const info: ErrorInfo = {};
  const raw = src.message ?? b.detail;
  const validation = typeof raw === 'string' ? undefined : readValidation(raw);
  const message = typeof raw === 'string' ? raw : validation?.message;
  if (message) info.message = message;
  if (typeof src.type === 'string') info.type = src.type;
  if (typeof src.code === 'string' || typeof src.code === 'number') info.code = String(src.code);
  if (typeof src.param === 'string') info.param = src.param;
  else if (validation?.param) info.param = validation.param;
  return info;
}

/**
 * A pydantic validation list, bare or as `{detail: […]}` (Mistral's 422 puts it in `message`,
 * FastAPI servers in `detail`), as one line naming each refused field:
 * `messages.1.assistant.reasoning_content: Extra inputs are not permitted`. `param` is the
 * field's path when there is one.
 */
function readValidation(x: unknown): { message: string; param?: string } | undefined {
  const list = Array.isArray(x) ? x : x && typeof x === 'object' && Array.isArray((x as Json).detail) ? ((x as Json).detail as unknown[]) : undefined;
  const lines: string[] = [];
  const paths: string[] = [];
  for (const d of list ?? []) {
    if (!d || typeof d !== 'object' || typeof (d as Json).msg !== 'string') continue;
    const loc = (d as Json).loc;
    const path = Array.isArray(loc) ? loc.filter((p, i) => !(i === 0 && p === 'body')).join('.') : '';
    lines.push(path ? `${path}: ${(d as Json).msg as string}` : ((d as Json).msg as string));
    if (path) paths.push(path);
  }
  if (lines.length === 0) return undefined;
  return { message: lines.join('; '), ...(paths.length === 1 ? { param: paths[0] } : {}) };
}




