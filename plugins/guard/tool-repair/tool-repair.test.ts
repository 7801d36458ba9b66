/**
 * tool-repair through a real gateway: an OpenAI SDK client whose history holds a tool call it
 * never answered (the user interrupted the tool and typed on), sent to upstreams that refuse that
 * as the real APIs do (OpenAI, Anthropic and Gemini mocks validate the pairing). With the plugin
 * the same target serves the repaired conversation; without it the client gets the refusal.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startUpstreams, type Upstream } from '../../../tests/conformance/kit/start-upstreams.ts';
import { startTestGateway, type TestGateway } from '../../../tests/helpers/test-gateway.ts';
import { INTERRUPTED } from './plugin.ts';

let upstreams: Awaited<ReturnType<typeof startUpstreams>>;
let withPlugin: TestGateway;
let without: TestGateway;

beforeAll(async () => {
  upstreams = await startUpstreams();
  withPlugin = await startTestGateway(`${upstreams.yaml}\nplugins:\n  - tool-repair: {}\n`);
  without = await startTestGateway(upstreams.yaml);
});
afterAll(async () => {
  await withPlugin?.stop();
  await without?.stop();
  await upstreams?.stop();
});

const client = (t: TestGateway) => new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

/** The user asked, the model called a tool, the user interrupted it and asked something else. */
const interruptedSession = (model: string): OpenAI.ChatCompletionCreateParamsNonStreaming => ({
  model,
  tools,
  messages: [
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_Interrupted1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'user', content: 'Never mind. Say hello.' },
  ],
});

const upstream = (format: string) => upstreams.list.find((u) => u.format === format) as Upstream;

describe('tool-repair', () => {
  for (const format of ['openai', 'anthropic', 'gemini']) {
    test(`${format} upstream: refused once, then served with the call answered as interrupted`, async () => {
      const up = upstream(format);
      const before = up.received().length;
      const r = await client(withPlugin).chat.completions.create(interruptedSession(`${up.provider}/${up.model}`));
      expect(r.choices[0]!.message).toBeDefined();
      const sent = up.received().slice(before);
      expect(sent).toHaveLength(2);
      expect(JSON.stringify(sent[1]!.body)).toContain(INTERRUPTED);
      expect(JSON.stringify(sent[0]!.body)).not.toContain(INTERRUPTED);
    });
  }

  test('streamed too: the repaired conversation streams back', async () => {
    const up = upstream('anthropic');
    let text = '';
    const stream = await client(withPlugin).chat.completions.create({ ...interruptedSession(`${up.provider}/${up.model}`), stream: true });
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
  });

  test('a Codex turn after Esc (a function_call without its output) to a Claude upstream', async () => {
    const up = upstream('anthropic');
    const before = up.received().length;
    const res = await withPlugin.fetch('/v1/responses', {
      method: 'POST',
      json: {
        model: `${up.provider}/${up.model}`, store: false,
        tools: [{ type: 'function', name: 'shell', parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } } } }],
        input: [
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'List the files.' }] },
          { type: 'function_call', call_id: 'call_EscPressed', name: 'shell', arguments: '{"command":["ls"]}' },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Stop. Just say hello.' }] },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('completed');
    expect(up.received().slice(before)).toHaveLength(2);
  });

  test('without the plugin the client gets the upstream\'s refusal', async () => {
    const up = upstream('openai');
    const err = await client(without).chat.completions.create(interruptedSession(`${up.provider}/${up.model}`)).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((err as Error).message).toContain("must be followed by tool messages responding to each 'tool_call_id'");
  });

  test('a refusal with nothing to repair is passed on after one call', async () => {
    const up = upstream('openai');
    up.failNext(400);
    const before = up.received().length;
    const err = await client(withPlugin).chat.completions.create({ model: `${up.provider}/${up.model}`, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect(up.received().length - before).toBe(1);
  });
});
