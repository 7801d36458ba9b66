/**
 * When every target of a plan is at its rate or quota limit, the client's Retry-After is the
 * earliest of their resets, not the last target's: a client told to wait 4,000 s would stop for
 * an hour although the first account lifts in 30 s. Any other failure among them keeps the rule
 * "the last error passes through".
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

const waits: Record<string, number | 'boom'> = {};
let upstream: ReturnType<typeof Bun.serve>;
let t: TestGateway;

beforeAll(async () => {
  upstream = Bun.serve({
    hostname: '127.0.0.1', port: 0,
    fetch(req) {
      const who = new URL(req.url).pathname.split('/')[1]!;
      const wait = waits[who];
      if (wait === 'boom') return Response.json({ error: { message: 'upstream broke', type: 'server_error' } }, { status: 500 });
      return Response.json({ error: { message: `limit reached for ${who}`, type: 'rate_limit_error', code: 'rate_limit_exceeded' } }, {
        status: 429, headers: { 'retry-after': String(wait) },
      });
    },
  });
  const base = `http://127.0.0.1:${upstream.port}`;
  t = await startTestGateway(`
providers:
  a: { type: openai, base_url: "${base}/a/v1", keys: [sk-a-0000000001], allow_private_network: true }
  b: { type: openai, base_url: "${base}/b/v1", keys: [sk-b-0000000002], allow_private_network: true }
  c: { type: openai, base_url: "${base}/c/v1", keys: [sk-c-0000000003], allow_private_network: true }
combos:
  all: { strategy: fill-first, models: [a/m, b/m, c/m] }
`);
});
afterAll(async () => {
  await t?.gw.stop(0);
  upstream?.stop(true);
});

async function ask(): Promise<{ status: number; retryAfter: string | null }> {
  const res = await fetch(`${t.url}/v1/chat/completions`, {
    method: 'POST', headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'all', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after') };
}

test('every target at its limit: 429 with the earliest Retry-After of them', async () => {
  Object.assign(waits, { a: 600, b: 30, c: 4000 });
  expect(await ask()).toEqual({ status: 429, retryAfter: '30' });
  // The SDK reads the same header.
  const client = new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  const err = await client.chat.completions.create({ model: 'all', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.RateLimitError);
  expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('30');
});

test('a target that failed otherwise: the last error passes through as before', async () => {
  Object.assign(waits, { a: 30, b: 'boom', c: 4000 });
  expect(await ask()).toEqual({ status: 429, retryAfter: '4000' });
});
