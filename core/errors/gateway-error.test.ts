import { expect, test } from 'bun:test';
import { GatewayError, MAX_UPSTREAM_WAIT_MS } from './gateway-error.ts';

const upstream = { status: 429 };

test('a wait an upstream asked for is capped at a day; a local limit keeps its own; a wait that is not a number >= 0 is dropped', () => {
  expect(new GatewayError('GW_RATE_LIMITED', 'x', { upstream, retryAfterMs: 99_999_999_000 }).retryAfterMs).toBe(MAX_UPSTREAM_WAIT_MS);
  expect(new GatewayError('GW_RATE_LIMITED', 'x', { upstream, retryAfterMs: Infinity }).retryAfterMs).toBe(MAX_UPSTREAM_WAIT_MS);
  expect(new GatewayError('GW_RATE_LIMITED', 'x', { upstream, retryAfterMs: 30_000 }).retryAfterMs).toBe(30_000);
  // A monthly quota of the gateway's own resets in weeks, and says so.
  expect(new GatewayError('GW_QUOTA_EXHAUSTED', 'x', { retryAfterMs: 14 * 86_400_000 }).retryAfterMs).toBe(14 * 86_400_000);
  expect(new GatewayError('GW_RATE_LIMITED', 'x', { upstream, retryAfterMs: Number.NaN }).retryAfterMs).toBeUndefined();
  expect(new GatewayError('GW_RATE_LIMITED', 'x', { upstream, retryAfterMs: -5 }).retryAfterMs).toBeUndefined();
  expect(new GatewayError('GW_RATE_LIMITED', 'x', { upstream, retryAfterMs: 0 }).retryAfterMs).toBe(0);
});
