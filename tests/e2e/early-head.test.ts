/**
 * A stream whose first token is slow to come (a model that thinks for minutes) gets its
 * response head and keep-alive comments after one keep-alive interval, instead of leaving the
 * client without a byte until the commit point: clients and proxies give up waiting for headers
 * (Cloudflare after 100 s, Bun's and Node's fetch after 300 s). Fallback goes on invisibly after
 * the head; when every attempt fails, the client gets one error event in its dialect. Here the
 * interval is 150 ms and the upstream holds its answer 600 ms.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

const HOLD_MS = 600;
let a: MockOpenAI;
let b: MockOpenAI;
let t: TestGateway;

beforeAll(async () => {
  a = await startMockOpenAI();
  b = await startMockOpenAI();
  t = await startTestGateway(`
server: { keepalive_ms: 150 }
providers:
  a: { type: openai, base_url: "${a.url}", keys: [sk-a-1234567], allow_private_network: true }
  b: { type: openai, base_url: "${b.url}", keys: [sk-b-1234567], allow_private_network: true }
combos:
  ab: { models: [a/gpt-4o, b/gpt-4o] }
`);
});
afterAll(async () => {
  await t.stop();
  await a.stop();
  await b.stop();
});
beforeEach(() => {
  a.requests.length = 0;
  b.requests.length = 0;
});

async function lastRow() {
  await t.settled();
  t.gw.usage.flush();
  return t.gw.usage.recent(1)[0]!;
}

/** Sends a streamed chat and returns when its head came, and its whole text. */
async function timedStream(model: string, content: string): Promise<{ headMs: number; status: number; contentType: string; text: string }> {
  const t0 = performance.now();
  const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model, stream: true, messages: [{ role: 'user', content }] } });
  const headMs = performance.now() - t0;
  return { headMs, status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe('a slow first token', () => {
  test('the head and keep-alives come before the upstream answers, then its stream (passthrough)', async () => {
    a.script([{ firstByteDelayMs: HOLD_MS }]);
    const r = await timedStream('a/gpt-4o', 'slow to think');
    expect(r.status).toBe(200);
    expect(r.contentType).toContain('text/event-stream');
    expect(r.headMs).toBeLessThan(HOLD_MS - 150);
    expect(r.text.startsWith(': keep-alive\n\n')).toBe(true);
    expect(r.text).toContain('"content":"slow "');
    expect(r.text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect((await lastRow()).status).toBe('ok');
  });

  test('a fast stream is as before: no comment in front of the upstream bytes', async () => {
    const r = await timedStream('a/gpt-4o', 'quick one');
    expect(r.text.startsWith('data: {')).toBe(true);
  });

  test.each([
    ['openai chat', async () => {
      const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
      let text = '';
      for await (const c of await client.chat.completions.create({ model: 'a/gpt-4o', stream: true, messages: [{ role: 'user', content: 'think long' }] })) text += c.choices[0]?.delta.content ?? '';
      return text;
    }],
    ['anthropic messages', async () => {
      const client = new Anthropic({ baseURL: t.url, apiKey: t.key, maxRetries: 0 });
      const m = await client.messages.stream({ model: 'a/gpt-4o', max_tokens: 100, messages: [{ role: 'user', content: 'think long' }] }).finalMessage();
      return m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    }],
    ['openai responses', async () => {
      const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
      let text = '';
      for await (const e of await client.responses.create({ model: 'a/gpt-4o', input: 'think long', stream: true, store: false })) if (e.type === 'response.output_text.delta') text += e.delta;
      return text;
    }],
    ['gemini', async () => {
      const ai = new GoogleGenAI({ apiKey: t.key, httpOptions: { baseUrl: t.url, apiVersion: 'v1beta' } });
      let text = '';
      for await (const c of await ai.models.generateContentStream({ model: 'a/gpt-4o', contents: 'think long' })) text += c.text ?? '';
      return text;
    }],
  ] as const)('%s client through its SDK: the whole answer', async (_name, run) => {
    a.script([{ firstByteDelayMs: HOLD_MS }]);
    expect(await run()).toBe('think long');
  });
});

describe('after an early head', () => {
  test('fallback still serves invisibly: the first target fails late, the second answers', async () => {
    a.script([{ firstByteDelayMs: HOLD_MS, status: 500 }]);
    const r = await timedStream('ab', 'second serves');
    expect(r.status).toBe(200);
    expect(r.headMs).toBeLessThan(HOLD_MS - 150);
    expect(r.text).toContain('"content":"second "');
    expect(r.text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(r.text).not.toContain('error');
    const row = await lastRow();
    expect(row).toMatchObject({ status: 'ok', provider: 'b', attempts: 2 });
  });

  test('every attempt failed: one error event in the dialect, the SDK raises it, the row says error', async () => {
    a.script([{ firstByteDelayMs: HOLD_MS, status: 503, body: { error: { message: 'The engine is overloaded.', type: 'server_error' } } }]);
    const raw = await timedStream('a/gpt-4o', 'will fail');
    expect(raw.status).toBe(200);
    expect(raw.text).toMatch(/^: keep-alive\n\n(: keep-alive\n\n)*data: \{"error":\{"message":"[^"]*The engine is overloaded\.[^"]*"/);
    expect(raw.text).not.toContain('[DONE]');
    expect((await lastRow()).status).toBe('error');

    a.script([{ firstByteDelayMs: HOLD_MS, status: 503, body: { error: { message: 'The engine is overloaded.', type: 'server_error' } } }]);
    const client = new Anthropic({ baseURL: t.url, apiKey: t.key, maxRetries: 0 });
    const err = await client.messages.stream({ model: 'a/gpt-4o', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] }).finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(String((err as Error).message)).toContain('The engine is overloaded.');
  });

  test('the client leaving while it waits closes the upstream call; the row says client_cancelled', async () => {
    a.script([{ hang: true }]);
    const ctl = new AbortController();
    const res = await t.fetch('/v1/chat/completions', { method: 'POST', signal: ctl.signal, json: { model: 'a/gpt-4o', stream: true, messages: [{ role: 'user', content: 'hang' }] } });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(': keep-alive\n\n');
    const closedBefore = a.closedConnections;
    ctl.abort();
    await a.waitFor(() => a.closedConnections > closedBefore, 1000);
    await Bun.sleep(50);
    expect((await lastRow()).status).toBe('client_cancelled');
  });
});

test('a stream that is not SSE (Gemini without alt=sse) keeps its head until the answer', async () => {
  a.script([{ firstByteDelayMs: HOLD_MS }]);
  const t0 = performance.now();
  const res = await t.fetch('/v1beta/models/a/gpt-4o:streamGenerateContent', { method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'json array' }] }] } });
  expect(performance.now() - t0).toBeGreaterThan(HOLD_MS - 50);
  expect(res.status).toBe(200);
  expect((await res.text()).startsWith('[')).toBe(true);
});
