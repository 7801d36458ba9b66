import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/**
 * The official `openai` SDK against the gateway, with a byte-faithful OpenAI mock upstream:
 * the passthrough lane (openai → openai) and the normalized lane (a transformPart plugin
 * forces it) must both give the SDK what the upstream sent.
 */
let up: MockOpenAI;
let t: TestGateway;
let client: OpenAI;

const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [{
  type: 'function',
  function: { name: 'get_Weather', description: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
}];

beforeAll(async () => {
  up = await startMockOpenAI();
  t = await startTestGateway(`
providers:
  up: { type: openai, base_url: "${up.url}", keys: [sk-upstream-key-1], allow_private_network: true, models: [gpt-4o] }
  mock: { type: mock }
  mock2: { type: mock, models: [echo-large] }
aliases: { fast: up/gpt-4o }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  await up.stop();
});

describe('openai SDK through the passthrough lane', () => {
  test('non-stream text, model rewritten for the upstream, provider key sent', async () => {
    const r = await client.chat.completions.create({ model: 'up/gpt-4o', messages: [{ role: 'user', content: 'say hello' }] });
    expect(r.choices[0].message.content).toBe('say hello');
    expect(r.choices[0].finish_reason).toBe('stop');
    expect(r.usage?.prompt_tokens).toBeGreaterThan(0);
    const seen = up.requests.at(-1)!;
    expect((seen.body as { model: string }).model).toBe('gpt-4o');
    expect(seen.headers.authorization).toBe('Bearer sk-upstream-key-1');
  });

  test('stream with include_usage: deltas, finish and the usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'fast', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'one two three' }],
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    const fingerprints = new Set<string | undefined>();
    for await (const chunk of stream) {
      fingerprints.add(chunk.system_fingerprint);
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('one two three');
    // Passthrough: the upstream's own bytes, fields the hub does not model included.
    expect([...fingerprints]).toEqual(['fp_mock']);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  test('tool calls, non-stream and streamed argument fragments', async () => {
    const r = await client.chat.completions.create({ model: 'up/gpt-4o', tools, messages: [{ role: 'user', content: 'weather in Paris?' }] });
    const call = r.choices[0].message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(call?.type === 'function' && call.function.name).toBe('get_Weather');
    expect(r.choices[0].finish_reason).toBe('tool_calls');

    const stream = client.chat.completions.stream({ model: 'up/gpt-4o', tools, messages: [{ role: 'user', content: 'weather in Paris?' }] });
    const final = await stream.finalChatCompletion();
    const streamed = final.choices[0].message.tool_calls?.[0];
    expect(streamed?.type === 'function' && streamed.function.name).toBe('get_Weather');
    expect(streamed?.type === 'function' && JSON.parse(streamed.function.arguments)).toBeTruthy();
    expect(final.choices[0].finish_reason).toBe('tool_calls');
  });

  test('GET /v1/models lists providers, aliases and combos in the OpenAI shape', async () => {
    const models = [];
    for await (const m of client.models.list()) models.push(m.id);
    expect(models).toContain('up/gpt-4o');
    expect(models).toContain('fast');
    // A mock provider without models lists its behaviours; one with models lists those.
    expect(models).toEqual(expect.arrayContaining(['mock/echo', 'mock/tools', 'mock/midstream-drop', 'mock2/echo-large']));
    expect(models).not.toContain('mock2/echo');
  });

  test('usage rows are recorded with provider, account, tokens and latency', async () => {
    const t0 = performance.now();
    await client.chat.completions.create({ model: 'up/gpt-4o', messages: [{ role: 'user', content: 'count me' }] });
    const wallMs = performance.now() - t0;
    t.gw.usage.flush();
    const row = t.gw.usage.recent(1)[0];
    expect(row.status).toBe('ok');
    expect(row.provider).toBe('up');
    expect(row.account).toBe('key-1');
    expect(row.upstreamModel).toBe('gpt-4o');
    expect(row.inputTokens).toBeGreaterThan(0);
    // Stored in whole milliseconds: a local round trip can take under 0.5 ms, which is stored as 0.
    expect(row.latencyMs).toBeGreaterThanOrEqual(0);
    expect(row.latencyMs).toBeLessThanOrEqual(Math.ceil(wallMs));
    expect(row.attempts).toBe(1);
  });
});

describe('openai SDK through the normalized lane', () => {
  let t2: TestGateway;
  let c2: OpenAI;
  beforeAll(async () => {
    // A transformPart hook (here: a no-op plugin) turns passthrough off, so the hub encoders run.
    t2 = await startTestGateway(`
providers:
  up: { type: openai, base_url: "${up.url}", keys: [sk-upstream-key-1], allow_private_network: true }
plugins:
  - ./identity.ts
`);
    await Bun.write(`${t2.dataDir}/identity.ts`, `export default { name: 'identity', kind: 'observer', apiVersion: 1,
      setup(ctx) { ctx.hook('transformPart', (p) => p); } };`);
    await t2.gw.reload();
    c2 = new OpenAI({ baseURL: `${t2.url}/v1`, apiKey: t2.key, maxRetries: 0 });
  });
  afterAll(() => t2.stop());

  test('stream text + usage chunk re-encoded by the translator', async () => {
    expect(t2.gw.host.current.hooks.transformPart).toHaveLength(1);
    const stream = await c2.chat.completions.create({
      model: 'up/gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'alpha beta' }],
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      expect(chunk.system_fingerprint).toBeUndefined();
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('alpha beta');
    expect(usage?.total_tokens).toBeGreaterThan(0);
  });

  test('streamed tool call arguments attach to the right call', async () => {
    const final = await c2.chat.completions
      .stream({ model: 'up/gpt-4o', tools, messages: [{ role: 'user', content: 'weather in Lisbon' }] })
      .finalChatCompletion();
    const call = final.choices[0].message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_Weather');
    expect(call?.id).toBeTruthy();
    expect(final.choices[0].finish_reason).toBe('tool_calls');
  });
});

describe('usage accounting without asking the client', () => {
  test('a stream without include_usage gets no usage chunk, yet the row has real usage', async () => {
    const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'up/gpt-4o', stream: true, messages: [{ role: 'user', content: 'no usage for me' }] } });
    const text = await res.text();
    expect(text).not.toContain('"usage"');
    expect(text).toContain('data: [DONE]');
    expect(JSON.stringify(up.requests.at(-1)!.body)).toContain('"include_usage":true');
    t.gw.usage.flush();
    const row = t.gw.usage.recent(1)[0];
    expect(row.estimated).toBe(false);
    expect(row.outputTokens).toBeGreaterThan(0);
  });
});

describe('a filtered frame that arrives alone', () => {
  test('the stream still completes when the hidden usage frame is a chunk of its own', async () => {
    up.script([{ chunkDelayMs: 40 }]);
    const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'up/gpt-4o', stream: true, messages: [{ role: 'user', content: 'slow and steady' }] } });
    const text = await Promise.race([res.text(), Bun.sleep(3000).then(() => 'TIMEOUT')]);
    expect(text).toContain('data: [DONE]');
    expect(text).not.toContain('"usage"');
  });
});
