/**
 * The rate-limit guard keeps a sliding window per client key. Keys are created and revoked for
 * as long as the gateway runs (a key per user, per CI job…), and a key that stops sending keeps
 * its window's entries forever unless its limiter goes: the limiters are bounded, the least
 * recently used one dropped first, so a key in use keeps its window.
 */
import { expect, test } from 'bun:test';
import * as v from 'valibot';
import { isGatewayError } from '../../core/errors/gateway-error.ts';
import type { CallContext, GatewayRequest, HookPoints, PluginContext } from '../../core/plugin/types.ts';
import plugin from '../../plugins/guard/rate-limit/plugin.ts';
import { RateLimitConfigSchema, type RateLimitConfig } from '../../plugins/guard/rate-limit/rate-limit-config.ts';

/** The plugin on a stub context: its key check, and the state it keeps across reloads. */
async function setup(raw: unknown) {
  let before: HookPoints['beforeRequest'] | undefined;
  let kept: unknown;
  const ctx = {
    name: 'rate-limit', config: v.parse(RateLimitConfigSchema, raw), host: { now: () => 1_000_000 },
    hook: (point: string, fn: HookPoints['beforeRequest']) => void (point === 'beforeRequest' && (before = fn)),
    on: () => {},
    keep: <T>(make: () => T): T => (kept ??= make()) as T,
  } as unknown as PluginContext<RateLimitConfig>;
  await plugin.setup(ctx);
  let n = 0;
  const admit = (keyId: string): unknown => {
    const call = { id: `req_${++n}`, key: { id: keyId, name: keyId, prefix: 'sy-x' }, responseHeaders: new Headers(), http: {} } as unknown as CallContext;
    try {
      before!({ operation: 'embed' } as GatewayRequest, call);
      return undefined;
    } catch (e) {
      return e;
    }
  };
  return { admit, keys: () => (kept as { keys: Map<string, unknown> }).keys };
}

test('limiters of 20,000 client keys stay bounded; a key in use keeps its window', async () => {
  const s = await setup({ keys: { rpm: 30 } });
  for (let i = 0; i < 20_000; i++) {
    expect(s.admit(`key_${i}`)).toBeUndefined();
    // A busy key sends now and then while the others come and go.
    if (i % 1000 === 0) expect(s.admit('key_busy')).toBeUndefined();
  }
  expect(s.keys().size).toBeLessThanOrEqual(10_000);
  // Its 20 requests are still counted: 10 more pass, the next is refused.
  for (let i = 0; i < 10; i++) expect(s.admit('key_busy')).toBeUndefined();
  const refused = s.admit('key_busy');
  expect(isGatewayError(refused) && refused.code).toBe('GW_RATE_LIMITED');
});
