import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/**
 * The cache on the normalized lanes (the built-in `mock` provider: complete results and part
 * streams), across client dialects, with fallback, and with replies that must not be kept.
 */
let t: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;
let attempts = 0;

beforeAll(async () => {
  t = await startTestGateway(`
providers:
  m: { type: mock }
  n: { type: mock }
combos:
  flaky: { strategy: fill-first, models: [ m/fail-500, n/echo ] }
plugins:
  - response-cache: { ttl: 10m }
`);
  t.gw.bus.on('attempt:started', () => {
    attempts++;
  });
  openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: t.url, apiKey: t.key, maxRetries: 0 });
});
afterAll(() => t.stop());

const verdict = (r: Response) => r.headers.get('x-switchyard-cache');

describe('normalized lanes', () => {
  test('Anthropic client, thinking model: stream stored, replayed as stream and as a message', async () => {
    const before = attempts;
    const req = { model: 'm/think', max_tokens: 256, messages: [{ role: 'user' as const, content: 'ponder this' }] };
    const first = await anthropic.messages.stream(req).finalMessage();
    const { data: again, response } = await anthropic.messages.stream(req).withResponse();
    const replayed = await again.finalMessage();
    const { data: whole, response: r2 } = await anthropic.messages.create(req).withResponse();
    await t.settled();
    expect(attempts).toBe(before + 1);
    expect(verdict(response)).toBe('hit');
    expect(verdict(r2)).toBe('hit');
    expect(first.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(replayed.content).toEqual(first.content);
    expect(whole.content).toEqual(first.content);
    expect(replayed.usage.output_tokens).toBe(first.usage.output_tokens);
  });

  test('a reply cached for an OpenAI client answers an Anthropic client asking the same', async () => {
    const before = attempts;
    const a = await openai.chat.completions.create({ model: 'm/echo', max_tokens: 100, messages: [{ role: 'user', content: 'any dialect' }] });
    const { data: b, response } = await anthropic.messages.create({ model: 'm/echo', max_tokens: 100, messages: [{ role: 'user', content: 'any dialect' }] }).withResponse();
    expect(verdict(response)).toBe('hit');
    await t.settled();
    expect(attempts).toBe(before + 1);
    expect(b.content[0].type === 'text' && b.content[0].text).toBe(a.choices[0].message.content!);
  });

  test('never a hit for what a cached result cannot stand for: several choices, logprobs, a Responses request to be stored', async () => {
    const ask = (extra: Record<string, unknown>) => t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'm/echo', messages: [{ role: 'user', content: `once ${JSON.stringify(extra)}` }], ...extra } });
    for (const extra of [{ n: 2 }, { logprobs: true }]) {
      await (await ask(extra)).text();
      expect(verdict(await ask(extra))).toBe('bypass');
    }
    // Gemini asks for log probabilities in generationConfig (camelCase or snake_case).
    for (const generationConfig of [{ responseLogprobs: true, logprobs: 3 }, { response_logprobs: true }]) {
      const gemini = () => t.fetch('/v1beta/models/m/echo:generateContent', { method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: `probs ${JSON.stringify(generationConfig)}` }] }], generationConfig } });
      await (await gemini()).text();
      expect(verdict(await gemini())).toBe('bypass');
    }
    // A stored Responses reply must be recorded (its id continued later): no hit; with store: false, hits.
    const responses = (store?: boolean) => t.fetch('/v1/responses', { method: 'POST', json: { model: 'm/echo', input: 'same question', ...(store === undefined ? {} : { store }) } });
    await (await responses()).text();
    const stored = await responses();
    expect(verdict(stored)).toBe('bypass');
    const id = ((await stored.json()) as { id: string }).id;
    await t.settled();
    expect((await t.fetch(`/v1/responses/${id}`)).status).toBe(200);
    await (await responses(false)).text();
    expect(verdict(await responses(false))).toBe('hit');
    // A turn of a conversation is added to it by the call a hit would skip, store: false or not.
    const conv = (await (await t.fetch('/v1/conversations', { method: 'POST', json: {} })).json()) as { id: string };
    const turn = () => t.fetch('/v1/responses', { method: 'POST', json: { model: 'm/echo', input: 'same question', store: false, conversation: conv.id } });
    await (await turn()).text();
    expect(verdict(await turn())).toBe('bypass');
    await t.settled();
    const items = (await (await t.fetch(`/v1/conversations/${conv.id}/items`)).json()) as { data: unknown[] };
    expect(items.data).toHaveLength(4);
  });

  test('after a fallback the reply that reached the client is stored', async () => {
    const before = attempts;
    const a = await openai.chat.completions.create({ model: 'flaky', messages: [{ role: 'user', content: 'fall back' }] });
    await t.settled();
    expect(attempts).toBe(before + 2);
    const { data: b, response } = await openai.chat.completions.create({ model: 'flaky', messages: [{ role: 'user', content: 'fall back' }] }).withResponse();
    expect(verdict(response)).toBe('hit');
    await t.settled();
    expect(attempts).toBe(before + 2);
    expect(b.choices[0].message.content).toBe(a.choices[0].message.content);
  });

  test('a stream that breaks mid-way is not kept', async () => {
    const run = async () => {
      const stream = await openai.chat.completions.create({ model: 'm/midstream-drop', stream: true, messages: [{ role: 'user', content: 'break in the middle please' }] });
      try {
        for await (const _ of stream) { /* drain */ }
        return 'ended';
      } catch {
        return 'failed';
      }
    };
    const before = attempts;
    expect(await run()).toBe('failed');
    expect(await run()).toBe('failed');
    await t.settled();
    expect(attempts).toBe(before + 2);
  });

  test('a stream the client abandons is not kept', async () => {
    const before = attempts;
    const ctl = new AbortController();
    const stream = await openai.chat.completions.create(
      { model: 'm/slow-40', stream: true, messages: [{ role: 'user', content: 'one two three four five six' }] }, { signal: ctl.signal },
    );
    try {
      for await (const _ of stream) ctl.abort();
    } catch { /* aborted */ }
    await Bun.sleep(100);
    const { response } = await openai.chat.completions.create({ model: 'm/slow-1', messages: [{ role: 'user', content: 'one two three four five six' }] }).withResponse();
    // Another model, so this is its own entry; the abandoned one must still miss:
    const { response: again } = await openai.chat.completions.create({ model: 'm/slow-40', messages: [{ role: 'user', content: 'one two three four five six' }] }).withResponse();
    expect(verdict(response)).toBe('miss');
    expect(verdict(again)).toBe('miss');
    await t.settled();
    expect(attempts).toBe(before + 3);
  });
});
