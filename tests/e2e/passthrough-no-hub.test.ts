/**
 * The passthrough lane sends the client's own body: the hub form of the request (a whole
 * conversion of the conversation, built on first read) is never made for it. A plugin's
 * `beforeRequest` hook makes the request's hub form count its reads; the converted lane still
 * reads it.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startMockGemini, type MockGemini } from '../helpers/mock-gemini-upstream.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { chatBody, postChat, waitUntil } from '../foundation/foundation-kit.ts';

let up: MockOpenAI;
let anth: MockAnthropic;
let gem: MockGemini;
let t: TestGateway;

const counter = `
export default {
  name: 'hub-reads', kind: 'observer', apiVersion: 1,
  setup(ctx) {
    globalThis.__hubReads = 0;
    globalThis.__hubWrapped = 0;
    // The request's own lazy getter, wrapped where it is: the hook itself reads nothing.
    ctx.hook('beforeRequest', (req) => {
      const own = Object.getOwnPropertyDescriptor(req, 'body');
      if (req.operation !== 'chat' || !own?.get) return;
      globalThis.__hubWrapped++;
      Object.defineProperty(req, 'body', {
        configurable: true, enumerable: true,
        get() { globalThis.__hubReads++; return own.get.call(req); },
      });
    });
  },
};
`;
const hubReads = () => (globalThis as { __hubReads?: number }).__hubReads ?? -1;
/** Requests whose hub form was still unbuilt (a getter) when the hooks saw them. */
const hubWrapped = () => (globalThis as { __hubWrapped?: number }).__hubWrapped ?? -1;

beforeAll(async () => {
  up = await startMockOpenAI();
  anth = await startMockAnthropic();
  gem = await startMockGemini();
  t = await startTestGateway(`
providers:
  up: { type: openai, base_url: ${up.url}, keys: [sk-test-up-000000], allow_private_network: true }
  anth: { type: anthropic, base_url: "${anth.origin}", keys: [sk-ant-test-123456], allow_private_network: true }
  gem: { type: gemini, base_url: "${gem.url}", keys: [gem-key-123456], allow_private_network: true }
`);
  writeFileSync(join(t.dataDir, 'plugins', 'hub-reads.ts'), counter);
  await waitUntil(() => hubReads() >= 0 && t.gw.host.current.hooks.beforeRequest.length > 0, 5000, 'the hub-reads plugin');
});

afterAll(async () => {
  await t.stop();
  await up.stop();
  await anth.stop();
  await gem.stop();
});

const tools = [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }];

test('an OpenAI client on an OpenAI upstream: no hub form, whole or streamed', async () => {
  const before = hubReads();
  const wrapped = hubWrapped();
  const whole = await postChat(t.url, t.key, chatBody('up/gpt-4o', 'hello', { tools }));
  expect(whole.status).toBe(200);
  await whole.text();
  const streamed = await postChat(t.url, t.key, chatBody('up/gpt-4o', 'hello', { stream: true }));
  expect(streamed.status).toBe(200);
  expect(await streamed.text()).toContain('data: [DONE]');
  expect(hubWrapped()).toBe(wrapped + 2);
  expect(hubReads()).toBe(before);
});

test('the same client on an Anthropic upstream is converted through the hub form', async () => {
  const before = hubReads();
  const res = await postChat(t.url, t.key, chatBody('anth/claude-sonnet-4-5'));
  expect(res.status).toBe(200);
  await res.text();
  expect(hubReads()).toBeGreaterThan(before);
});

const postMessages = (model: string, extra: Record<string, unknown> = {}) => fetch(`${t.url}/v1/messages`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-api-key': t.key, 'anthropic-version': '2023-06-01' },
  body: JSON.stringify({ model, max_tokens: 64, messages: [{ role: 'user', content: 'hello' }], ...extra }),
});

test('Claude Code on an Anthropic upstream: no hub form, whole or streamed', async () => {
  const before = hubReads();
  const wrapped = hubWrapped();
  const whole = await postMessages('anth/claude-sonnet-4-5', { tools: [{ name: 'read_file', input_schema: { type: 'object' } }] });
  expect(whole.status).toBe(200);
  expect(((await whole.json()) as { type: string }).type).toBe('message');
  const streamed = await postMessages('anth/claude-sonnet-4-5', { stream: true });
  expect(streamed.status).toBe(200);
  expect(await streamed.text()).toContain('event: message_stop');
  expect(hubWrapped()).toBe(wrapped + 2);
  expect(hubReads()).toBe(before);
});

test('Claude Code on an OpenAI upstream is converted through the hub form', async () => {
  const before = hubReads();
  const res = await postMessages('up/gpt-4o');
  expect(res.status).toBe(200);
  await res.text();
  expect(hubReads()).toBeGreaterThan(before);
});

const postGemini = (model: string, action: string) => fetch(`${t.url}/v1beta/models/${model}:${action}`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-goog-api-key': t.key },
  body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }] }),
});

test('Gemini CLI on a Gemini upstream: no hub form, whole or streamed', async () => {
  const before = hubReads();
  const wrapped = hubWrapped();
  const whole = await postGemini('gem/gemini-2.5-flash', 'generateContent');
  expect(whole.status).toBe(200);
  expect(((await whole.json()) as { candidates: unknown[] }).candidates.length).toBe(1);
  const streamed = await postGemini('gem/gemini-2.5-flash', 'streamGenerateContent?alt=sse');
  expect(streamed.status).toBe(200);
  expect(await streamed.text()).toContain('data: ');
  expect(hubWrapped()).toBe(wrapped + 2);
  expect(hubReads()).toBe(before);
});

test('Gemini CLI on an OpenAI upstream is converted through the hub form', async () => {
  const before = hubReads();
  const res = await postGemini('up/gpt-4o', 'generateContent');
  expect(res.status).toBe(200);
  await res.text();
  expect(hubReads()).toBeGreaterThan(before);
});
