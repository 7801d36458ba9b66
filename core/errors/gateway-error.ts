/**
 * The one error type of the gateway. Recognized by a `Symbol.for` marker rather than
 * `instanceof`, because a hot-reloaded plugin module brings its own copy of this class.
 */
export const GATEWAY_ERROR = Symbol.for('switchyard.gateway-error');

/** The code catalogue. Each code has a default HTTP status; callers may override it. */
export const ERROR_CODES = {
  GW_BAD_REQUEST: 400,
  GW_INVALID_JSON: 400,
  GW_INVALID_UTF8: 400,
  GW_TOO_DEEP: 400,
  GW_UNSUPPORTED: 400,
  GW_UNAUTHORIZED: 401,
  GW_PAYMENT_REQUIRED: 402,
  GW_FORBIDDEN: 403,
  GW_MODEL_NOT_FOUND: 404,
  GW_NOT_FOUND: 404,
  GW_BODY_TOO_LARGE: 413,
  GW_RATE_LIMITED: 429,
  GW_BUDGET_EXCEEDED: 402,
  GW_QUOTA_EXHAUSTED: 429,
  GW_CLIENT_CLOSED: 499,
  GW_INTERNAL: 500,
  GW_UPSTREAM_ERROR: 502,
  GW_UPSTREAM_CONNECT: 502,
  GW_UPSTREAM_PROTOCOL: 502,
  GW_UPSTREAM_EMPTY: 502,
  GW_UPSTREAM_AUTH: 502,
  GW_PLUGIN_FAILED: 503,
  GW_UNAVAILABLE: 503,
  GW_UPSTREAM_TIMEOUT: 504,
  GW_DEADLINE: 504,
  GW_SSRF_BLOCKED: 502,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES | (string & {});

export interface GatewayErrorInit {
  status?: number;
  /** True when another attempt (retry or fallback) may succeed. */
  retryable?: boolean;
  /** Upstream HTTP status and parsed error body, when the error came from a provider. */
  upstream?: {
    status: number; type?: string; code?: string; message?: string; headers?: Record<string, string>;
    /** Machine-readable details in the upstream's own form (Google's google.rpc details), relayed to a client of that dialect. */
    details?: Array<Record<string, unknown>>;
  };
  /**
   * How long to wait before trying again, in ms (an upstream's Retry-After and friends, a local
   * limit's reset). A wait that came with an upstream's answer (`upstream` set) is capped at
   * {@link MAX_UPSTREAM_WAIT_MS}; one that is not a number ≥ 0 is dropped.
   */
  retryAfterMs?: number;
  /** Extra machine-readable fields (`param` for OpenAI errors). */
  param?: string;
  cause?: unknown;
}

/**
 * The longest wait an upstream can impose: a day. Real limits lift within it (per-minute,
 * per-day quotas) or are probed again once a day (a subscription's weekly limit: one refused
 * call a day). Longer is a server's or a proxy's bug (`Retry-After: 99999999`, a date in 2099):
 * taken as it is, it would keep a key out of rotation for years and tell clients to wait as long.
 */
export const MAX_UPSTREAM_WAIT_MS = 86_400_000;

export class GatewayError extends Error {
  readonly [GATEWAY_ERROR] = true;
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly upstream?: GatewayErrorInit['upstream'];
  readonly retryAfterMs?: number;
  readonly param?: string;

  constructor(code: ErrorCode, message: string, init: GatewayErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = init.status ?? (ERROR_CODES as Record<string, number>)[code] ?? 500;
    this.retryable = init.retryable ?? false;
    this.upstream = init.upstream;
    this.retryAfterMs = waitOf(init);
    this.param = init.param;
  }
}

function waitOf(init: GatewayErrorInit): number | undefined {
  const ms = init.retryAfterMs;
  if (ms === undefined || Number.isNaN(ms) || ms < 0) return undefined;
  return init.upstream ? Math.min(ms, MAX_UPSTREAM_WAIT_MS) : ms;
}

/**
 * A reply an upstream sent that the gateway cannot read: a retryable 502 (GW_UPSTREAM_PROTOCOL),
 * so another target may serve. `who` names the upstream as a sentence's subject ("Upstream gem",
 * "The Gemini upstream"); `why` is what was wrong with the reply (text) or what reading it threw.
 */
export function unreadableReply(who: string, why: unknown): GatewayError {
  const base = `${who} sent a reply the gateway cannot read`;
  if (typeof why === 'string') return new GatewayError('GW_UPSTREAM_PROTOCOL', `${base}: ${why}.`, { status: 502, retryable: true });
  const detail = (why instanceof Error ? why.message : String(why)).replace(/\s+/g, ' ').slice(0, 120);
  return new GatewayError('GW_UPSTREAM_PROTOCOL', `${base} (${detail}).`, { status: 502, retryable: true, cause: why });
}

/** True for any GatewayError, including one made by another copy of this module. */
export function isGatewayError(e: unknown): e is GatewayError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[GATEWAY_ERROR] === true;
}

/**
 * Converts anything thrown into a GatewayError. Unknown errors become GW_INTERNAL with a
 * generic message: internal details (stack, paths, secrets) never reach a client.
 */
export function toGatewayError(e: unknown): GatewayError {
  if (isGatewayError(e)) return e;
  if (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError')) {
    return new GatewayError('GW_CLIENT_CLOSED', 'The request was aborted.', { cause: e });
  }
  return new GatewayError('GW_INTERNAL', 'Internal gateway error.', { cause: e });
}

/** The OpenAI `error.type` that matches an HTTP status; translators reuse it. */
export function openAIErrorType(status: number): string {
  if (status === 400 || status === 404 || status === 413 || status === 415 || status === 422) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'insufficient_quota';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 503 || status === 529) return 'overloaded_error';
  if (status === 504) return 'timeout_error';
  return 'api_error';
}
