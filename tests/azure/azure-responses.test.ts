/**
 * `type: azure-responses` (Azure's Responses API, for the models Azure serves only there) and the
 * client dialects not covered elsewhere: a Responses client passes through to
 * `/openai/v1/responses` byte for byte, Chat and Anthropic clients are translated to it, a dated
 * `api_version` uses `/openai/responses?api-version=…`, and a Gemini client (the official SDK)
 * reaches an `azure` chat deployment.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { MockAzure } from '../helpers/mock-azure.ts';
import type { TestGateway } from '../helpers/test-gateway.ts';
import { azureEntry, KEY, startAzureKit, type AzureKit } from './azure-kit.ts';

let kit: AzureKit;
let azure: MockAzure;
let t: TestGateway;
let openai: OpenAI;

beforeAll(async () => {
  kit = await startAzureKit((endpoint) => [
    `  azr: ${azureEntry(endpoint, 'models: [gpt-5-codex], deployments: { gpt-5-codex: codex-deploy }', 'azure-responses')}`,
    `  azr-dated: ${azureEntry(endpoint, 'api_version: "2025-04-01-preview"', 'azure-responses')}`,
    `  az: ${azureEntry(endpoint)}`,
  ].join('\n'));
  ({ azure, t, openai } = kit);
});
afterAll(() => kit.stop());
beforeEach(() => azure.reset());

describe('azure-responses', () => {
  test('a Responses client passes through to /openai/v1/responses with the deployment as model', async () => {
    const res = await openai.responses.create({ model: 'azr/gpt-5-codex', input: 'write code' });
    expect(res.output_text).toBe('write code');
    const rec = azure.requests[0]!;
    expect(rec.path).toBe('/openai/v1/responses');
    expect(rec.headers['api-key']).toBe(KEY);
    expect(rec.headers.authorization).toBeUndefined();
    expect(rec.body).toMatchObject({ model: 'codex-deploy', input: 'write code' });
  });

  test('a streamed Responses reply reaches the client byte for byte', async () => {
    const res = await t.fetch('/v1/responses', { method: 'POST', json: { model: 'azr/gpt-5-codex', input: 'stream me please', stream: true } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('event: response.completed');
    expect(text).toBe(azure.requests[0]!.sent);
  });

  test('a Chat Completions client is translated to the Responses API', async () => {
    const stream = await openai.chat.completions.create({ model: 'azr/gpt-5-codex', stream: true, messages: [{ role: 'user', content: 'from chat' }] });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('from chat');
    expect(azure.requests[0]!.path).toBe('/openai/v1/responses');
    expect(azure.requests[0]!.body).toMatchObject({ model: 'codex-deploy', stream: true });
  });

  test('an Anthropic tool call through the Responses API', async () => {
    const anthropic = new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0 });
    const msg = await anthropic.messages.create({
      model: 'azr/gpt-5-codex', max_tokens: 100,
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }],
      messages: [{ role: 'user', content: 'What is the weather in Rome?' }],
    });
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.content).toMatchObject([{ type: 'tool_use', name: 'get_weather', input: { location: 'Rome' } }]);
  });

  test('a dated api_version uses /openai/responses?api-version=…', async () => {
    const res = await openai.responses.create({ model: 'azr-dated/codex-deploy', input: 'dated' });
    expect(res.output_text).toBe('dated');
    expect(azure.requests[0]!.path).toBe('/openai/responses?api-version=2025-04-01-preview');
    expect(azure.requests[0]!.body).toMatchObject({ model: 'codex-deploy' });
  });
});

describe('Gemini clients', () => {
  test('generateContent and its stream reach an azure chat deployment', async () => {
    const ai = new GoogleGenAI({ apiKey: t.key, httpOptions: { baseUrl: t.url } });
    const reply = await ai.models.generateContent({ model: 'az/gpt-4.1', contents: 'hallo Gemini' });
    expect(reply.text).toBe('hallo Gemini');
    expect(azure.requests[0]!.path).toBe('/openai/v1/chat/completions');
    expect(azure.requests[0]!.body).toMatchObject({ model: 'gpt-4.1' });
    let text = '';
    for await (const c of await ai.models.generateContentStream({ model: 'az/gpt-4.1', contents: 'one two three' })) text += c.text ?? '';
    expect(text).toBe('one two three');
  });
});
