/**
 * OpenAI and Anthropic clients (the official SDKs) reaching an Azure OpenAI resource through
 * `type: azure` on the v1 API: the exact upstream URL, the `api-key` header, the deployment as
 * the body's `model`, the passthrough lane's bytes unchanged, Azure's filter fields in every
 * chunk read without harm, tool calls both ways, and an output-filter cut reported as such.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startMockAzure, type MockAzure } from '../helpers/mock-azure.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { azureEntry, DEPLOYMENTS, KEY, startAzureKit, type AzureKit } from './azure-kit.ts';

let azure: MockAzure;
let t: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;

const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
};

let kit: AzureKit;
beforeAll(async () => {
  kit = await startAzureKit((endpoint) => `  az: ${azureEntry(endpoint, 'models: [gpt-4.1, gpt-5-mini], deployments: { gpt-5-mini: prod-mini }')}`);
  ({ azure, t, openai } = kit);
  anthropic = new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0 });
});
afterAll(() => kit.stop());
beforeEach(() => azure.reset());

describe('OpenAI chat clients (passthrough lane)', () => {
  test('a completion goes to /openai/v1/chat/completions with the api-key and the model as the deployment', async () => {
    const reply = await openai.chat.completions.create({ model: 'az/gpt-4.1', messages: [{ role: 'user', content: 'Hello Azure' }] });
    expect(reply.choices[0]!.message.content).toBe('Hello Azure');
    expect(reply.model).toBe('gpt-4.1-2025-04-14');
    const [rec] = azure.requests;
    expect(rec!.path).toBe('/openai/v1/chat/completions');
    expect(rec!.headers['api-key']).toBe(KEY);
    expect(rec!.headers.authorization).toBeUndefined();
    expect(rec!.body).toMatchObject({ model: 'gpt-4.1' });
  });

  test('a model listed in deployments: goes out as its deployment name', async () => {
    const reply = await openai.chat.completions.create({ model: 'az/gpt-5-mini', messages: [{ role: 'user', content: 'mapped' }] });
    expect(reply.choices[0]!.message.content).toBe('mapped');
    expect(azure.requests[0]!.body).toMatchObject({ model: 'prod-mini' });
    expect(azure.requests[0]!.path).toBe('/openai/v1/chat/completions');
  });

  test('stream and JSON replies reach the client byte for byte as Azure sent them', async () => {
    const streamed = await t.fetch('/v1/chat/completions', {
      method: 'POST',
      json: { model: 'az/gpt-4.1', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'three little words' }] },
    });
    expect(streamed.status).toBe(200);
    const text = await streamed.text();
    expect(text).toContain('"prompt_filter_results"');
    expect(text).toBe(azure.requests[0]!.sent);
    expect(streamed.headers.get('x-ratelimit-remaining-requests')).toBe('249');

    const whole = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'az/gpt-4.1', messages: [{ role: 'user', content: 'json please' }] } });
    expect(await whole.text()).toBe(azure.requests[1]!.sent);
  });

  test('a streamed tool call through the SDK, with usage', async () => {
    const stream = await openai.chat.completions.create({
      model: 'az/gpt-4.1', stream: true, stream_options: { include_usage: true }, tools: [weatherTool],
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
    });
    let args = '';
    let name = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      if (call?.function?.name) name = call.function.name;
      args += call?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual({ location: 'Paris' });
    expect(finish).toBe('tool_calls');
    expect(usage?.total_tokens).toBeGreaterThan(0);
  });
});

describe('Anthropic clients (translated through the hub)', () => {
  test('a message: Azure gets an OpenAI chat body for the deployment, with max_completion_tokens and no top_k', async () => {
    const sampling = { top_k: 5 }; // Messages takes top_k; this SDK's types no longer list it
    const msg = await anthropic.messages.create({ model: 'az/gpt-5-mini', max_tokens: 200, ...sampling, messages: [{ role: 'user', content: 'Bonjour' }] });
    expect(msg.content).toMatchObject([{ type: 'text', text: 'Bonjour' }]);
    expect(msg.stop_reason).toBe('end_turn');
    const rec = azure.requests[0]!;
    expect(rec.path).toBe('/openai/v1/chat/completions');
    expect(rec.headers['api-key']).toBe(KEY);
    const body = rec.body as Record<string, unknown>;
    expect(body.model).toBe('prod-mini');
    expect(body.max_completion_tokens).toBe(200);
    expect(body.max_tokens).toBeUndefined();
    expect(body.top_k).toBeUndefined();
  });

  test('a streamed tool use: Azure filter chunks translate cleanly', async () => {
    const stream = anthropic.messages.stream({
      model: 'az/gpt-4.1', max_tokens: 300,
      tools: [{ name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }],
      messages: [{ role: 'user', content: 'What is the weather in Oslo?' }],
    });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toMatchObject([{ type: 'tool_use', name: 'get_weather', input: { location: 'Oslo' } }]);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    expect((azure.requests[0]!.body as Record<string, unknown>).stream).toBe(true);
  });

  test('a reply cut by Azure\'s output filter ends as a refusal (Anthropic) and as content_filter (OpenAI)', async () => {
    const filtered = await startMockAzure({ deployments: DEPLOYMENTS, apiKeys: [KEY], respond: () => ({ content: 'Partial answer', finishReason: 'content_filter' }) });
    const t2 = await startTestGateway(`providers:\n  az: ${azureEntry(filtered.endpoint)}\n`);
    try {
      const client = new Anthropic({ apiKey: t2.key, baseURL: t2.url, maxRetries: 0 });
      const final = await client.messages.stream({ model: 'az/gpt-4.1', max_tokens: 50, messages: [{ role: 'user', content: 'tell me' }] }).finalMessage();
      expect(final.stop_reason).toBe('refusal');
      expect(final.content).toMatchObject([{ type: 'text', text: 'Partial answer' }]);
      const json = await new OpenAI({ apiKey: t2.key, baseURL: `${t2.url}/v1`, maxRetries: 0 }).chat.completions.create({ model: 'az/gpt-4.1', messages: [{ role: 'user', content: 'again' }] });
      expect(json.choices[0]!.finish_reason).toBe('content_filter');
    } finally {
      await t2.stop();
      await filtered.stop();
    }
  });
});
