/**
 * Fallback and billing: the row names the provider that served, counts the attempts, prices the
 * tokens at the serving provider's prices, and nothing of a failed attempt's usage (an
 * Anthropic `message_start` that came before the break) leaks into it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { ask, rowOf, type Client } from './client-calls.ts';
import { openaiSse, startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream.ts';
import { anthropicStream, BILLED, costOf, replyOf } from './wire-replies.ts';

let up: ScriptedUpstream;
let t: TestGateway;

/** Different prices per provider, so a cost at the wrong provider's price shows. */
const PRICE_A = { input: 1, output: 2, cachedInput: 0.1, cacheWrite: 1 };
const PRICE_B = { input: 5, output: 20, cachedInput: 1, cacheWrite: 6 };

beforeAll(async () => {
  up = await startScriptedUpstream();
  const o = up.origin;
  t = await startTestGateway(`
providers:
  a: { type: openai, base_url: "${o}/v1", keys: [sk-a-1234567], allow_private_network: true, pricing: { gpt-x: { input: 1, output: 2, cached_input: 0.1 } } }
  b: { type: anthropic, base_url: "${o}", keys: [sk-b-1234567], allow_private_network: true, pricing: { claude-x: { input: 5, output: 20, cached_input: 1, cache_write: 6 } } }
combos:
  a-then-b: { models: [a/gpt-x, b/claude-x] }
  b-then-a: { models: [b/claude-x, a/gpt-x] }
`);
});
afterAll(async () => {
  await t?.stop();
  await up?.stop();
});

const openai500 = { status: 500, json: { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } } };

describe('the first attempt fails, the second serves', () => {
  for (const client of ['openai', 'anthropic'] as Client[]) {
    for (const stream of [false, true]) {
      test(`${client} client, ${stream ? 'stream' : 'non-stream'}: 500 from a, b serves: row names b, 2 attempts, b's prices`, async () => {
        up.next(openai500, replyOf('anthropic', stream));
        const r = await ask(t, client, 'a-then-b', stream);
        expect(r.status).toBe(200);
        const row = await rowOf(t, r.requestId);
        expect([row.status, row.provider, row.upstreamModel, row.attempts]).toEqual(['ok', 'b', 'claude-x', 2]);
        expect([row.inputTokens, row.outputTokens, row.cachedTokens, row.estimated]).toEqual([1200, 300, 1000, false]);
        expect(row.costUsd).toBeCloseTo(costOf(BILLED.anthropic, PRICE_B), 10);
        expect(r.usage).toMatchObject({ input: 1200, output: 300, cached: 1000 });
      });
    }
  }

  test('a stream that breaks before content (after message_start and its usage) leaves nothing in the row of the attempt that served', async () => {
    for (const client of ['anthropic', 'openai'] as Client[]) {
      // message_start (1200 in, 1000 read, 50 written), then the connection drops; a serves.
      up.next({ sse: anthropicStream(), dropAfter: 1 }, { sse: openaiSse(chunksWithUsage()) });
      const r = await ask(t, client, 'b-then-a', true);
      expect(r.status).toBe(200);
      const row = await rowOf(t, r.requestId);
      expect([row.status, row.provider, row.attempts]).toEqual(['ok', 'a', 2]);
      expect([row.inputTokens, row.outputTokens, row.cachedTokens, row.estimated]).toEqual([40, 7, 0, false]);
      expect(row.costUsd).toBeCloseTo((40 * PRICE_A.input + 7 * PRICE_A.output) / 1e6, 10);
    }
  });

  test('every attempt fails: the row names the last one, counts both, bills nothing', async () => {
    up.next(openai500, { status: 529, json: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
    const r = await ask(t, 'openai', 'a-then-b', false);
    expect(r.status).toBeGreaterThanOrEqual(500);
    const row = await rowOf(t, r.requestId);
    expect([row.status, row.provider, row.attempts, row.inputTokens, row.outputTokens, row.costUsd]).toEqual(['error', 'b', 2, 0, 0, 0]);
  });
});

/** A small OpenAI stream with plain usage (40 in, 7 out, nothing cached). */
function chunksWithUsage() {
  const head = { id: 'chatcmpl-fb', object: 'chat.completion.chunk', created: 1, model: 'gpt-x' };
  return [
    { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: 'served' }, finish_reason: null }] },
    { ...head, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    { ...head, choices: [], usage: { prompt_tokens: 40, completion_tokens: 7, total_tokens: 47 } },
  ];
}
