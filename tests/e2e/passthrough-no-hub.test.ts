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

const json = { 'content-type': 'application/json' };

/** Each client dialect: how it asks (whole or streamed), what its answers look like, its own upstream and a foreign one. */
const CLIENTS = [
  {
    name: 'an OpenAI client', own: 'an OpenAI', ownModel: 'up/gpt-4o', foreign: 'an Anthropic', foreignModel: 'anth/claude-sonnet-4-5',
    post: (model: string, stream: boolean) => postChat(t.url, t.key, chatBody(model, 'hello', stream
      ? { stream: true }
      : { tools: [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }] })),
    whole: async (res: Response) => void expect(((await res.json()) as { object: string }).object).toBe('chat.completion'),
    streamEnd: 'data: [DONE]',
  },
  {
    name: 'Claude Code', own: 'an Anthropic', ownModel: 'anth/claude-sonnet-4-5', foreign: 'an OpenAI', foreignModel: 'up/gpt-4o',
    post: (model: string, stream: boolean) => fetch(`${t.url}/v1/messages`, {
      method: 'POST', headers: { ...json, 'x-api-key': t.key, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model, max_tokens: 64, messages: [{ role: 'user', content: 'hello' }],
        ...(stream ? { stream: true } : { tools: [{ name: 'read_file', input_schema: { type: 'object' } }] }),
      }),
    }),
    whole: async (res: Response) => void expect(((await res.json()) as { type: string }).type).toBe('message'),
    streamEnd: 'event: message_stop',
  },
  {
    name: 'Gemini CLI', own: 'a Gemini', ownModel: 'gem/gemini-2.5-flash', foreign: 'an OpenAI', foreignModel: 'up/gpt-4o',
    post: (model: string, stream: boolean) => fetch(`${t.url}/v1beta/models/${model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`, {
      method: 'POST', headers: { ...json, 'x-goog-api-key': t.key },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }] }),
    }),
    whole: async (res: Response) => void expect(((await res.json()) as { candidates: unknown[] }).candidates.length).toBe(1),
    streamEnd: 'data: ',
  },
];

for (const c of CLIENTS) {
  test(`${c.name} on ${c.own} upstream: no hub form, whole or streamed`, async () => {
    const before = hubReads();
    const wrapped = hubWrapped();
    const whole = await c.post(c.ownModel, false);
    expect(whole.status).toBe(200);
    await c.whole(whole);
    const streamed = await c.post(c.ownModel, true);
    expect(streamed.status).toBe(200);
    expect(await streamed.text()).toContain(c.streamEnd);
    expect(hubWrapped()).toBe(wrapped + 2);
    expect(hubReads()).toBe(before);
  });

  test(`${c.name} on ${c.foreign} upstream is converted through the hub form`, async () => {
    const before = hubReads();
    const res = await c.post(c.foreignModel, false);
    expect(res.status).toBe(200);
    await res.text();
    expect(hubReads()).toBeGreaterThan(before);
  });
}
