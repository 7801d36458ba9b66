import { afterAll, beforeAll, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startFastMock, type FastMock } from './fast-mock-upstream.ts';
import { startFloorProxy } from './floor-proxy.ts';

let mock: FastMock;
let floor: { port: number; stop(): void };
beforeAll(() => {
  mock = startFastMock({ gapMs: 40 });
  floor = startFloorProxy(mock.url);
});
afterAll(() => {
  floor.stop();
  mock.stop();
});

const messages = [{ role: 'user' as const, content: 'hi' }];

test('the OpenAI SDK parses the mock reply and stream (text, finish, usage chunk)', async () => {
  const client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'sk-x', maxRetries: 0 });
  const r = await client.chat.completions.create({ model: 'bench-model', messages });
  expect(r.choices[0]?.message.content).toBe('Hello! How can I help?');
  expect(r.usage?.total_tokens).toBe(26);
  const s = await client.chat.completions.create({ model: 'bench-model', messages, stream: true, stream_options: { include_usage: true } });
  let text = '';
  let finish: string | null | undefined;
  let usage: number | undefined;
  for await (const c of s) {
    text += c.choices[0]?.delta.content ?? '';
    finish ??= c.choices[0]?.finish_reason;
    if (c.usage) usage = c.usage.total_tokens;
  }
  expect(text).toBe('Hello! How can I help?');
  expect(finish).toBe('stop');
  expect(usage).toBe(26);
});

test('the Anthropic SDK parses the mock message and stream', async () => {
  const client = new Anthropic({ baseURL: mock.url, apiKey: 'sk-x', maxRetries: 0 });
  const m = await client.messages.create({ model: 'claude-bench', max_tokens: 64, messages });
  expect(m.content[0]).toMatchObject({ type: 'text', text: 'Hello! How can I help?' });
  const final = await client.messages.stream({ model: 'claude-bench', max_tokens: 64, messages }).finalMessage();
  expect(final.content[0]).toMatchObject({ type: 'text', text: 'Hello! How can I help?' });
  expect(final.stop_reason).toBe('end_turn');
  expect(final.usage.output_tokens).toBe(7);
});

test('a ttft model sends the first content at once and the rest after the gap', async () => {
  const res = await fetch(`${mock.url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'bench-ttft', messages, stream: true }),
  });
  const t0 = performance.now();
  const reader = res.body!.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  const tFirst = performance.now() - t0;
  let rest = '';
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
  const tAll = performance.now() - t0;
  expect(first).toContain('"content":"Hello"');
  expect(first).not.toContain('[DONE]');
  expect(rest).toEndWith('data: [DONE]\n\n');
  expect(tAll - tFirst).toBeGreaterThanOrEqual(30);
});

test('unknown paths get a 404', async () => {
  const res = await fetch(`${mock.url}/v1/embeddings`, { method: 'POST', body: '{}' });
  expect(res.status).toBe(404);
});

test('the floor proxy forwards the body and streams the same bytes back', async () => {
  for (const stream of [false, true]) {
    const body = JSON.stringify({ model: 'bench-model', messages, ...(stream ? { stream } : {}) });
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body };
    const [direct, viaFloor] = await Promise.all([
      fetch(`${mock.url}/v1/chat/completions`, init).then((r) => r.text()),
      fetch(`http://127.0.0.1:${floor.port}/v1/chat/completions`, init).then((r) => r.text()),
    ]);
    expect(viaFloor).toBe(direct);
  }
});
