import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startMockAnthropic, type MockAnthropic } from './helpers/mock-anthropic-upstream.ts';
import { startTestGateway, type TestGateway } from './helpers/test-gateway.ts';

let mock: MockAnthropic; let gw: TestGateway;
beforeAll(async () => {
  mock = await startMockAnthropic();
  gw = await startTestGateway(`
providers:
  claude: { type: anthropic, base_url: ${mock.url}, keys: [ "sk-ant-x" ], allow_private_network: true }
`);
});
afterAll(async () => { await gw?.stop(); await mock?.stop(); });

test('anthropic sdk → gateway → anthropic (passthrough)', async () => {
  const c = new Anthropic({ apiKey: gw.key, baseURL: gw.url, maxRetries: 0 });
  const s = c.messages.stream({ model: 'claude/claude-sonnet-4-5', max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 1024 } as never, messages: [{ role: 'user', content: 'hello e2e' }] });
  const final = await s.finalMessage();
  console.log(JSON.stringify(final));
  console.log(JSON.stringify(mock.requests.at(-1)?.body), mock.requests.at(-1)?.search);
  const m = await c.messages.create({ model: 'claude/claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'plain' }] });
  console.log(JSON.stringify(m));
  const ct = await c.messages.countTokens({ model: 'claude/x', messages: [{ role: 'user', content: 'count me please' }] });
  console.log(JSON.stringify(ct));
  const bad = await c.messages.create({ model: 'claude/claude-sonnet-4-5', max_tokens: 100, messages: [] }).catch((e) => e);
  console.log(bad.status, JSON.stringify(bad.error));
});

test('openai sdk → gateway → anthropic', async () => {
  const o = new OpenAI({ apiKey: gw.key, baseURL: gw.url + '/v1', maxRetries: 0 });
  const r = await o.chat.completions.create({ model: 'claude/claude-sonnet-4-5', messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'What is the weather in Paris?' }], tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }] });
  console.log(JSON.stringify(r));
  const s = await o.chat.completions.create({ model: 'claude/claude-sonnet-4-5', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream me' }] });
  let t = ''; for await (const ch of s) t += ch.choices[0]?.delta?.content ?? '';
  console.log(t);
  const j = await o.chat.completions.create({ model: 'claude/claude-sonnet-4-5', response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { type: 'string' } } } } }, messages: [{ role: 'user', content: 'json' }] });
  console.log(JSON.stringify(j.choices[0].message));
  expect(1).toBe(1);
});
