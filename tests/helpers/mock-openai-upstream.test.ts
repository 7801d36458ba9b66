import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { startMockOpenAI, type MockOpenAI } from './mock-openai-upstream.ts';

const FIX = `${import.meta.dir}/../../../shared/fixtures/openai`;
let mock: MockOpenAI;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockOpenAI({ apiKey: 'sk-test' });
  client = new OpenAI({ apiKey: 'sk-test', baseURL: mock.url, maxRetries: 0, timeout: 5000 });
});
afterAll(() => mock.stop());

const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_current_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
};

/** Keys of every object, recursively, in order: the "shape" of a JSON value. */
function shape(x: unknown): unknown {
  if (Array.isArray(x)) return x.length ? [shape(x[0])] : [];
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, shape(v)]));
  return x === null ? null : typeof x;
}

describe('mock OpenAI upstream, read by the official SDK', () => {
  test('echo completion has the shape of chat-completion.json', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'ping pong' }] });
    expect(r.choices[0].message.content).toBe('ping pong');
    expect(r.choices[0].finish_reason).toBe('stop');
    const fixture = JSON.parse(readFileSync(`${FIX}/chat-completion.json`, 'utf8'));
    expect(shape(r)).toEqual(shape(fixture));
    const rec = mock.requests.at(-1)!;
    expect(rec.path).toBe('/v1/chat/completions');
    expect(rec.headers.authorization).toBe('Bearer sk-test');
    expect((rec.body as { model: string }).model).toBe('gpt-4o-mini');
    expect(rec.completed).toBe(true);
  });

  test('streamed echo with include_usage: role chunk, deltas, finish, usage chunk, [DONE]', async () => {
    const raw = await fetch(`${mock.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'a b c' }] }),
    });
    expect(raw.headers.get('content-type')).toStartWith('text/event-stream');
    const text = await raw.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const frames = text.split('\n\n').filter(Boolean).map((f) => f.slice(6));
    const fixtureFrames = readFileSync(`${FIX}/chat-stream-include-usage.sse`, 'utf8').split('\n\n').filter(Boolean).map((f) => f.slice(6));
    const json = frames.slice(0, -1).map((f) => JSON.parse(f));
    const fx = fixtureFrames.slice(0, -1).map((f) => JSON.parse(f));
    expect(Object.keys(json[0])).toEqual(Object.keys(fx[0]));
    expect(json[0].choices[0].delta).toEqual(fx[0].choices[0].delta);
    expect(json.slice(1, -2).map((c) => c.choices[0].delta.content).join('')).toBe('a b c');
    expect(json.at(-2).choices[0]).toEqual({ ...fx.at(-2).choices[0] });
    expect(Object.keys(json.at(-1))).toEqual(Object.keys(fx.at(-1)));
    expect(json.at(-1).choices).toEqual([]);
    expect(Object.keys(json.at(-1).usage)).toEqual(Object.keys(fx.at(-1).usage));

    const stream = await client.chat.completions.create({
      model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hello there' }],
    });
    let content = '';
    let usage: unknown;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(content).toBe('hello there');
    expect(usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: 3 });
  });

  test('tool call for "weather", streamed like chat-stream-tool-calls.sse', async () => {
    const body = { model: 'm', tools: [weatherTool], messages: [{ role: 'user' as const, content: 'What is the weather in Paris?' }] };
    const r = await client.chat.completions.create(body);
    expect(r.choices[0].finish_reason).toBe('tool_calls');
    const call = r.choices[0].message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_current_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ location: 'Paris' });

    const s = client.chat.completions.stream({ ...body, stream: true });
    const final = await s.finalChatCompletion();
    const fc = final.choices[0].message.tool_calls?.[0];
    expect(fc?.type === 'function' && JSON.parse(fc.function.arguments)).toEqual({ location: 'Paris' });
    const raw = await fetch(`${mock.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test' },
      body: JSON.stringify({ ...body, stream: true }),
    }).then((x) => x.text());
    const first = JSON.parse(raw.split('\n\n')[0].slice(6));
    expect(first.choices[0].delta).toEqual({
      role: 'assistant', tool_calls: [{ index: 0, id: 'call_abc123', type: 'function', function: { name: 'get_current_weather', arguments: '' } }],
    });
  });

  test('wrong key → 401 shaped like error-401.json', async () => {
    const bad = new OpenAI({ apiKey: 'nope', baseURL: mock.url, maxRetries: 0 });
    const err = await bad.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err.status).toBe(401);
    expect(err.code).toBe('invalid_api_key');
  });

  test('fault 429 with Retry-After, then 500, then normal', async () => {
    mock.script([{ status: 429, retryAfter: 30 }, { status: 500 }]);
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'x' }] };
    const e1 = await client.chat.completions.create(body).catch((e) => e);
    expect(e1.status).toBe(429);
    expect(e1.headers.get('retry-after')).toBe('30');
    expect(e1.code).toBe('rate_limit_exceeded');
    const e2 = await client.chat.completions.create(body).catch((e) => e);
    expect(e2.status).toBe(500);
    const ok = await client.chat.completions.create(body);
    expect(ok.choices[0].message.content).toBe('x');
  });

  test('dropAfterChunks destroys the socket mid-stream', async () => {
    mock.script([{ dropAfterChunks: 2 }]);
    const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'one two three four' }] });
    let n = 0;
    const err = await (async () => {
      for await (const _ of stream) n++;
    })().catch((e) => e);
    expect(n).toBe(2);
    expect(err).toBeInstanceOf(Error);
  });

  test('malformed frame and truncated JSON', async () => {
    mock.script([{ malformed: true }, { malformed: true }]);
    const res = await fetch(`${mock.url}/chat/completions`, {
      method: 'POST', headers: { authorization: 'Bearer sk-test' }, body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const frames = (await res.text()).split('\n\n').filter(Boolean);
    expect(() => JSON.parse(frames[1].slice(6))).toThrow();
    const json = await fetch(`${mock.url}/chat/completions`, {
      method: 'POST', headers: { authorization: 'Bearer sk-test' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(json.status).toBe(200);
    await expect(json.json()).rejects.toThrow();
  });

  test('firstByteDelayMs delays the answer; hang + client abort is recorded', async () => {
    mock.script([{ firstByteDelayMs: 150 }]);
    const t0 = performance.now();
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);

    mock.script([{ hang: true }]);
    const before = mock.closedConnections;
    const ac = new AbortController();
    const p = fetch(`${mock.url}/chat/completions`, {
      method: 'POST', headers: { authorization: 'Bearer sk-test' }, signal: ac.signal, body: JSON.stringify({ model: 'm', messages: [] }),
    }).catch((e) => e);
    await mock.waitFor(() => mock.requests.at(-1)?.fault?.hang === true);
    ac.abort();
    expect((await p).name).toBe('AbortError');
    await mock.waitFor(() => mock.closedConnections === before + 1);
    expect(mock.requests.at(-1)?.aborted).toBe(true);
  });

  test('custom responder and GET /v1/models', async () => {
    const custom = await startMockOpenAI({ respond: () => ({ content: 'fixed', reasoning: 'because', usage: { prompt_tokens: 5, completion_tokens: 2 } }), models: ['a', 'b'] });
    try {
      const c = new OpenAI({ apiKey: 'k', baseURL: custom.url, maxRetries: 0 });
      const r = await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
      expect(r.choices[0].message.content).toBe('fixed');
      expect((r.choices[0].message as unknown as { reasoning_content: string }).reasoning_content).toBe('because');
      expect(r.usage?.total_tokens).toBe(7);
      const models = await c.models.list();
      expect(models.data.map((m) => m.id)).toEqual(['a', 'b']);
    } finally {
      await custom.stop();
    }
  });
});
