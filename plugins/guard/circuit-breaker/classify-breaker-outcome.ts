import { toGatewayError } from '../../../core/errors/gateway-error.ts';

/** What an attempt's end says about the upstream's health. */
export type BreakerOutcome = 'success' | 'failure' | 'neutral';

/** Gateway codes that mean the upstream could not be reached or did not answer in time. */
const TRANSPORT_CODES = new Set(['GW_UPSTREAM_CONNECT', 'GW_UPSTREAM_TIMEOUT', 'GW_UPSTREAM_PROTOCOL']);

/**
 * Classifies a failed attempt for the breaker. Failures are connect errors, timeouts, a
 * connection that closed before any content, upstream 408 and upstream 5xx. Everything else
 * is neutral: 4xx (the client's or the account's business, 429 included), aborts (the client
 * left or the request deadline passed) and skips by other guards (no upstream involved).
 */
export function classifyBreakerOutcome(error: unknown, aborted: boolean): BreakerOutcome {
  if (aborted) return 'neutral';
  const err = toGatewayError(error);
  const status = err.upstream?.status;
  if (status !== undefined) return status === 408 || status >= 500 ? 'failure' : 'neutral';
  return TRANSPORT_CODES.has(String(err.code)) ? 'failure' : 'neutral';
}
