import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { RetryConfig } from './retry-config.ts';

/** Failures of the upstream itself that carry no upstream status (transport, broken reply). */
const UPSTREAM_CODES = new Set(['GW_UPSTREAM_CONNECT', 'GW_UPSTREAM_TIMEOUT', 'GW_UPSTREAM_PROTOCOL', 'GW_UPSTREAM_ERROR']);

export interface RetryInput {
  /** Retries already made for this attempt. */
  retries: number;
  /** Epoch ms now and the request's deadline (if any). */
  now: number;
  deadline?: number;
  aborted: boolean;
  /** Uniform in [0, 1). */
  random: number;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/**
 * Whether to retry the same target after `err`, and after how long. Retries only retryable
 * failures of the upstream itself (an upstream status, or a transport error): a decision of
 * another guard (breaker or cooldown skip, local rate limit, exhausted quota) means "fall back
 * now" and is never retried. Not the client's fault either (4xx other than 408 and 429), with
 * full-jitter exponential backoff; an upstream wait hint is honoured when it is at most
 * `maxRetryAfterMs` (longer: no retry, so the pipeline falls back instead of sleeping). Never
 * plans a sleep that ends at or after the request deadline.
 */
export function decideRetry(err: GatewayError, cfg: RetryConfig, input: RetryInput): RetryDecision {
  if (input.aborted) return { retry: false, reason: 'aborted' };
  if (input.retries >= cfg.maxRetries) return { retry: false, reason: 'retries exhausted' };
  if (!err.retryable) return { retry: false, reason: 'not retryable' };
  if (!err.upstream && !UPSTREAM_CODES.has(String(err.code))) return { retry: false, reason: 'not an upstream failure' };
  const status = err.upstream?.status ?? err.status;
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return { retry: false, reason: 'client error' };
  if (err.retryAfterMs !== undefined && err.retryAfterMs > cfg.maxRetryAfterMs) return { retry: false, reason: 'wait hint too long' };
  const backoff = input.random * Math.min(cfg.capMs, cfg.baseMs * 2 ** input.retries);
  const delayMs = Math.ceil(Math.max(err.retryAfterMs ?? 0, backoff));
  if (input.deadline !== undefined && input.now + delayMs >= input.deadline) return { retry: false, reason: 'deadline' };
  return { retry: true, delayMs };
}
