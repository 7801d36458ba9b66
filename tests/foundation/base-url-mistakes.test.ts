/**
 * The commonest set-up mistake is a base URL one segment off: Claude Code with
 * `ANTHROPIC_BASE_URL=http://…:20128/v1` asks for /v1/v1/messages, Gemini CLI with a `/v1` base
 * for /v1/v1beta/models/…, an OpenAI SDK whose base URL lacks `/v1` for /chat/completions, and
 * some clients add a trailing slash. Each reaches the route it meant, with the same key check,
 * request guards and client-disconnect handling; a path that is really unknown gets a 404 that
 * says where model calls go, and the dashboard's own pages are untouched.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let up: MockOpenAI;
let t: TestGateway;

beforeAll(async () => {
  up = await startMockOpenAI();
  t = await startTestGateway(`providers:
  up: { type: openai, base_url: "${up.url}", keys: ["sk-up-0000001"], allow_private_network: true }
`);
});
afterAll(async () => {
  await t?.stop();
  await up?.stop();
});

const ask = { model: 'up/gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello there' }] };

describe('a base URL one segment off still serves', () => {
  test('Anthropic SDK with a base URL ending in /v1 (POST /v1/v1/messages), whole and streamed', async () => {
    const client = new Anthropic({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
    const r = await client.messages.create({ ...ask, max_tokens: 100 });
    expect(r.content[0]).toMatchObject({ type: 'text' });
    expect((r.content[0] as { text: string }).text).toContain('hello there');
    const s = await client.messages.stream({ ...ask, max_tokens: 100 }).finalMessage();
    expect((s.content[0] as { text: string }).text).toContain('hello there');
    expect(up.requests.at(-1)!.path).toBe('/v1/chat/completions');
  });

  test('OpenAI SDK without /v1 in its base URL (POST /chat/completions), whole and streamed', async () => {
    const client = new OpenAI({ baseURL: t.url, apiKey: t.key, maxRetries: 0 });
    const r = await client.chat.completions.create(ask);
    expect(r.choices[0]!.message.content).toContain('hello there');
    const chunks = await Array.fromAsync(await client.chat.completions.create({ ...ask, stream: true }));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toContain('hello there');
  });

  test('Gemini SDK with a /v1 base URL (POST /v1/v1beta/models/…:generateContent)', async () => {
    const ai = new GoogleGenAI({ apiKey: t.key, httpOptions: { baseUrl: `${t.url}/v1`, apiVersion: 'v1beta' } });
    const r = await ai.models.generateContent({ model: 'up/gpt-4o-mini', contents: 'hello there' });
    expect(r.text).toContain('hello there');
  });

  test('Gemini SDK without an API version (POST /models/…:streamGenerateContent, as Roo Code 3.47 sends), whole and streamed', async () => {
    const ai = new GoogleGenAI({ apiKey: t.key, httpOptions: { baseUrl: t.url, apiVersion: '' } });
    const r = await ai.models.generateContent({ model: 'up/gpt-4o-mini', contents: 'hello there' });
    expect(r.text).toContain('hello there');
    let text = '';
    for await (const chunk of await ai.models.generateContentStream({ model: 'up/gpt-4o-mini', contents: 'hello there' })) text += chunk.text ?? '';
    expect(text).toContain('hello there');
    const raw = await fetch(`${t.url}/models/up/gpt-4o-mini:streamGenerateContent?alt=sse`, {
      method: 'POST', headers: { 'x-goog-api-key': t.key, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hello there' }] }] }),
    });
    expect([raw.status, raw.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/event-stream')]);
    expect(await raw.text()).toContain('hello there');
  });

  test('a trailing slash (POST /v1/chat/completions/)', async () => {
    const r = await t.fetch('/v1/chat/completions/', { method: 'POST', json: ask });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { object: string }).object).toBe('chat.completion');
  });
});

describe('with the same checks as the route it meant', () => {
  test('no key: 401 on each of the corrected paths', async () => {
    for (const path of ['/v1/v1/chat/completions', '/chat/completions', '/v1/chat/completions/']) {
      const r = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ask) });
      expect([path, r.status]).toEqual([path, 401]);
    }
  });

  test('the client leaving mid-stream closes the upstream call (POST /chat/completions)', async () => {
    up.script([{ chunkDelayMs: 200 }]);
    const closedBefore = up.closedConnections;
    const ctl = new AbortController();
    const res = await t.fetch('/chat/completions', { method: 'POST', json: { ...ask, stream: true }, signal: ctl.signal });
    const reader = res.body!.getReader();
    await reader.read();
    ctl.abort();
    await up.waitFor(() => up.closedConnections > closedBefore, 1000);
  });

  test('request guards see the client address of a corrected request', async () => {
    const g = await startTestGateway(`providers:
  up: { type: openai, base_url: "${up.url}", keys: ["sk-up-0000001"], allow_private_network: true }
plugins:
  - ip-filter: { deny: [127.0.0.0/8] }
`);
    try {
      for (const path of ['/chat/completions', '/v1/v1/chat/completions']) {
        const r = await g.fetch(path, { method: 'POST', json: ask });
        expect([path, r.status]).toEqual([path, 403]);
      }
    } finally {
      await g.stop();
    }
  });
});

describe('what is not rewritten', () => {
  test('an unknown gateway path: a 404 that says where model calls go', async () => {
    const r = await t.fetch('/v1/chat/complete', { method: 'POST', json: ask });
    expect(r.status).toBe(404);
    const body = (await r.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).toContain('Unknown endpoint: POST /v1/chat/complete.');
    expect(body.error.message).toContain('/v1/chat/completions');
  });

  test('GET outside the lanes stays the dashboard\'s (GET /models is not /v1/models)', async () => {
    const r = await t.fetch('/models');
    const text = await r.text();
    expect(text).not.toContain('"object":"list"');
  });

  test('a bare POST path that is no gateway route stays a 404', async () => {
    const r = await t.fetch('/no/such/thing', { method: 'POST', json: ask });
    expect(r.status).toBe(404);
  });
});
