import { describe, expect, test } from 'bun:test';
import { Bus } from '../../../bus/bus.ts';
import type { AdminContext } from '../admin-context.ts';
import { eventsRoute, typeMatches } from './events-route.ts';

/** A context with only what the events route reads, and a bus that counts live listeners. */
function fakeContext() {
  const bus = new Bus();
  let live = 0;
  const onAny = bus.onAny.bind(bus);
  bus.onAny = (fn, owner) => {
    live++;
    const off = onAny(fn, owner);
    return () => {
      live--;
      off();
    };
  };
  const deps = { bus, now: () => 1, log: { redact: (t: string) => t.replaceAll('sk-secret-value', '***') }, host: { current: { generation: 3 } }, adminCheck: async () => undefined };
  return { ctx: { deps } as unknown as AdminContext, bus, live: () => live };
}

describe('GET /api/events', () => {
  test('frames events, redacts them, and removes its listener when the client cancels', async () => {
    const { ctx, bus, live } = fakeContext();
    const app = eventsRoute(ctx);
    const res = await app.handle(new Request('http://localhost/api/events?types=request:*'));
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe('event: ready\ndata: {"type":"ready","at":1,"data":{"generation":3}}\n\n');
    expect(live()).toBe(1);
    bus.emit('config:reloaded', { generation: 4, added: [], changed: [], removed: [] });
    bus.emit('request:failed', { id: 'r1', status: 502, code: 'GW_UPSTREAM_ERROR', message: 'bad key sk-secret-value', latencyMs: 1, usageStatus: 'error' });
    const next = new TextDecoder().decode((await reader.read()).value);
    expect(next).toStartWith('event: request:failed\n');
    expect(next).toContain('bad key ***');
    await reader.cancel();
    expect(live()).toBe(0);
  });

  test('type patterns', () => {
    expect(typeMatches('request:received', [])).toBe(true);
    expect(typeMatches('request:received', ['request:*'])).toBe(true);
    expect(typeMatches('attempt:failed', ['request:*', 'attempt:failed'])).toBe(true);
    expect(typeMatches('plugin:loaded', ['request:*'])).toBe(false);
  });
});
