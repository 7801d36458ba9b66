import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/**
 * The exact tier through a real gateway, with the official openai SDK as the client and the
 * OpenAI mock as the upstream (the passthrough lane, which the cache must not turn off).
 */
let up: MockOpenAI;
let t: TestGateway;
let client: OpenAI;
let clock = 1_700_000_000_000;

const config = (extra = '') => `
providers:
  up: { type: openai, base_url: "${up.url}", keys: [sk-upstream], allow_private_network: true, models: [gpt-4o] }
pricing:
  up/gpt-4o: { input: 2.5, output: 10 }
plugins:
  - response-cache: { ttl: 10m${extra} }
`;

beforeAll(async () => {
  up = await startMockOpenAI({
    respond: (body) => {
      const last = (body.messages as Array<{ content: string }>).at(-1)?.content;
      // A provider's glitch: a reply with no content at all.
      return { content: last?.startsWith('say nothing') ? '' : `answer #${up.requests.length} to ${JSON.stringify(last)}` };
    },
  });
  t = await startTestGateway(config(), { now: () => clock });
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  await up.stop();
});

const ask = (content: string, extra: Partial<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming> = {}, headers?: Record<string, string>) =>
  client.chat.completions.create({ model: 'up/gpt-4o', messages: [{ role: 'user', content }], ...extra }, { headers }).withResponse();

async function stats(): Promise<Record<string, any>> {
  const r = await fetch(`${t.url}/api/cache/stats`, { headers: { authorization: `Bearer ${t.gw.adminToken}` } });
  expect(r.status).toBe(200);
  return r.json();
}

describe('exact tier', () => {
  test('non-stream: the second identical request is a hit and the upstream sees one request', async () => {
    const before = up.requests.length;
    const a = await ask('hello cache', { temperature: 0 });
    expect(a.response.headers.get('x-switchyard-cache')).toBe('miss');
    const b = await ask('hello cache', { temperature: 0, user: 'someone-else' });
    expect(b.response.headers.get('x-switchyard-cache')).toBe('hit');
    expect(b.response.headers.get('x-switchyard-cache-tier')).toBe('exact');
    expect(up.requests.length).toBe(before + 1);
    expect(a.data.choices[0].message.content).toBe(`answer #${before + 1} to "hello cache"`);
    expect(b.data.choices[0].message.content).toBe(a.data.choices[0].message.content);
    expect(b.data.choices[0].finish_reason).toBe('stop');
    expect(b.data.usage?.completion_tokens).toBe(a.data.usage?.completion_tokens);
  });

  test('an empty reply is not kept: asking again reaches the upstream (whole and streamed)', async () => {
    const before = up.requests.length;
    for (let i = 0; i < 2; i++) {
      const a = await ask('say nothing', { temperature: 0 });
      expect(a.data.choices[0].message.content).toBe('');
      expect(a.response.headers.get('x-switchyard-cache')).toBe('miss');
      const s = await client.chat.completions.create({ model: 'up/gpt-4o', stream: true, temperature: 0, messages: [{ role: 'user', content: 'say nothing streamed' }] });
      for await (const c of s) expect(c.choices[0]?.delta.content ?? '').toBe('');
      await t.settled();
    }
    expect(up.requests.length).toBe(before + 4);
  });

  test('a miss keeps the passthrough lane: the client gets the upstream bytes as they were', async () => {
    const r = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'up/gpt-4o', messages: [{ role: 'user', content: 'raw bytes' }] } });
    expect(r.headers.get('x-switchyard-cache')).toBe('miss');
    // The mock pretty-prints its JSON; the gateway's own encoder never does.
    expect(await r.text()).toContain('\n  "object": "chat.completion"');
    const hit = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'up/gpt-4o', messages: [{ role: 'user', content: 'raw bytes' }] } });
    expect(hit.headers.get('x-switchyard-cache')).toBe('hit');
    expect((await hit.json()).choices[0].message.content).toContain('raw bytes');
  });

  test('stream: a hit is replayed as a stream that the SDK parses; one upstream request', async () => {
    const before = up.requests.length;
    const run = async () => {
      const { data: stream, response } = await client.chat.completions.create({
        model: 'up/gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream me' }],
      }).withResponse();
      let text = '';
      let finish: string | null = null;
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      return { text, finish, usage, verdict: response.headers.get('x-switchyard-cache') };
    };
    const first = await run();
    const second = await run();
    expect(first.verdict).toBe('miss');
    expect(second.verdict).toBe('hit');
    expect(up.requests.length).toBe(before + 1);
    expect(first.text).toContain('stream me');
    expect(second.text).toBe(first.text);
    expect(second.finish).toBe('stop');
    expect(second.usage?.completion_tokens).toBe(first.usage?.completion_tokens);
  });

  test('a reply stored from a non-streamed request answers the streamed one (and back)', async () => {
    const before = up.requests.length;
    const a = await ask('mode switch');
    const final = await client.chat.completions.stream({ model: 'up/gpt-4o', messages: [{ role: 'user', content: 'mode switch' }] }).finalChatCompletion();
    expect(final.choices[0].message.content).toBe(a.data.choices[0].message.content);
    expect(up.requests.length).toBe(before + 1);
  });

  test('tool calls are replayed with their arguments', async () => {
    const tools: OpenAI.Chat.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const u = await startMockOpenAI();
    await t.writeConfig(config().replace(up.url, u.url));
    try {
      const a = await client.chat.completions.create({ model: 'up/gpt-4o', tools, messages: [{ role: 'user', content: 'weather in Paris?' }] });
      const stream = client.chat.completions.stream({ model: 'up/gpt-4o', tools, messages: [{ role: 'user', content: 'weather in Paris?' }] });
      const b = await stream.finalChatCompletion();
      expect(u.requests.length).toBe(1);
      const [ca, cb] = [a.choices[0].message.tool_calls?.[0], b.choices[0].message.tool_calls?.[0]];
      expect(ca?.type === 'function' && ca.function.name).toBe('get_weather');
      expect(cb?.type === 'function' && cb.function.arguments).toBe(ca?.type === 'function' ? ca.function.arguments : 'x');
      expect(b.choices[0].finish_reason).toBe('tool_calls');
    } finally {
      await t.writeConfig(config());
      await u.stop();
    }
  });

  test('X-Switchyard-Cache: bypass and Cache-Control: no-store skip the cache both ways', async () => {
    const before = up.requests.length;
    await ask('bypass me');
    const b = await ask('bypass me', {}, { 'x-switchyard-cache': 'bypass' });
    expect(b.response.headers.get('x-switchyard-cache')).toBe('bypass');
    const c = await ask('bypass me', {}, { 'cache-control': 'no-store' });
    expect(c.response.headers.get('x-switchyard-cache')).toBe('bypass');
    expect(up.requests.length).toBe(before + 3);
    // The bypassed replies did not replace the stored one.
    const d = await ask('bypass me');
    expect(d.response.headers.get('x-switchyard-cache')).toBe('hit');
    expect(d.data.choices[0].message.content).toBe(`answer #${before + 1} to "bypass me"`);
  });

  test('Cache-Control: no-cache fetches a fresh reply and stores it', async () => {
    await ask('refresh me');
    const fresh = await ask('refresh me', {}, { 'cache-control': 'no-cache' });
    expect(fresh.response.headers.get('x-switchyard-cache')).toBe('bypass');
    const after = await ask('refresh me');
    expect(after.response.headers.get('x-switchyard-cache')).toBe('hit');
    expect(after.data.choices[0].message.content).toBe(fresh.data.choices[0].message.content);
  });

  test('non-deterministic requests (temperature > 0) are not cached', async () => {
    const before = up.requests.length;
    const a = await ask('creative', { temperature: 0.8 });
    const b = await ask('creative', { temperature: 0.8 });
    expect(a.response.headers.get('x-switchyard-cache')).toBe('bypass');
    expect(b.response.headers.get('x-switchyard-cache')).toBe('bypass');
    expect(up.requests.length).toBe(before + 2);
    // A different sampling setting is a different request.
    const c = await ask('creative', { temperature: 0 });
    expect(c.response.headers.get('x-switchyard-cache')).toBe('miss');
  });

  test('TTL: an entry expires with the (injected) clock', async () => {
    const before = up.requests.length;
    await ask('short lived');
    t.gw.bus.flush(); // the entry is stored when the reply's events are delivered: before the clock moves
    clock += 9 * 60_000;
    expect((await ask('short lived')).response.headers.get('x-switchyard-cache')).toBe('hit');
    t.gw.bus.flush();
    clock += 2 * 60_000;
    const late = await ask('short lived');
    expect(late.response.headers.get('x-switchyard-cache')).toBe('miss');
    expect(up.requests.length).toBe(before + 2);
    expect((await stats()).expirations).toBeGreaterThanOrEqual(1);
  });

  test('a shorter ttl saved in the config applies to the entries already stored', async () => {
    await ask('stale soon');
    t.gw.bus.flush();
    clock += 2 * 60_000;
    expect((await ask('stale soon')).response.headers.get('x-switchyard-cache')).toBe('hit');
    await t.writeConfig(config().replace('ttl: 10m', 'ttl: 1m'));
    try {
      expect((await ask('stale soon')).response.headers.get('x-switchyard-cache')).toBe('miss');
    } finally {
      await t.writeConfig(config());
    }
  });

  test('scope key: another client key does not see the entry; scope global shares it', async () => {
    await ask('private prompt');
    const other = t.gw.keys.createKey({ name: 'other' }).secret;
    const otherClient = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: other, maxRetries: 0 });
    const req = { model: 'up/gpt-4o', messages: [{ role: 'user' as const, content: 'private prompt' }] };
    const before = up.requests.length;
    const o1 = await otherClient.chat.completions.create(req).withResponse();
    expect(o1.response.headers.get('x-switchyard-cache')).toBe('miss');
    expect(up.requests.length).toBe(before + 1);

    await t.writeConfig(config(', scope: global'));
    try {
      await ask('shared prompt');
      const o2 = await otherClient.chat.completions.create({ ...req, messages: [{ role: 'user', content: 'shared prompt' }] }).withResponse();
      expect(o2.response.headers.get('x-switchyard-cache')).toBe('hit');
    } finally {
      await t.writeConfig(config());
    }
  });

  test('a config reload keeps the entries; DELETE /api/cache empties the cache', async () => {
    await ask('before reload');
    await t.writeConfig(config(', max_entries: 500'));
    try {
      expect((await ask('before reload')).response.headers.get('x-switchyard-cache')).toBe('hit');
    } finally {
      await t.writeConfig(config());
    }
    expect((await ask('before reload')).response.headers.get('x-switchyard-cache')).toBe('hit');
    const entries = (await stats()).entries;
    const del = await fetch(`${t.url}/api/cache`, { method: 'DELETE', headers: { authorization: `Bearer ${t.gw.adminToken}` } });
    expect(await del.json()).toEqual({ deleted: entries });
    expect((await stats()).entries).toBe(0);
    expect((await ask('before reload')).response.headers.get('x-switchyard-cache')).toBe('miss');
  });

  test('stats: hits, misses, bypasses, bytes and the saved cost', async () => {
    const s = await stats();
    expect(s.hits.exact).toBeGreaterThanOrEqual(6);
    expect(s.misses).toBeGreaterThanOrEqual(6);
    expect(s.bypasses).toBeGreaterThanOrEqual(5);
    expect(s.hitRate).toBeCloseTo(s.hits.total / (s.hits.total + s.misses), 3);
    expect(s.entries).toBeGreaterThan(0);
    expect(s.bytes).toBeGreaterThan(0);
    expect(s.savedCostUsd).toBeGreaterThan(0);
    expect(s.savedTokens).toBeGreaterThan(0);
    const denied = await fetch(`${t.url}/api/cache/stats`, { headers: { authorization: `Bearer ${t.key}` } });
    expect(denied.status).toBe(403);
  });
});
