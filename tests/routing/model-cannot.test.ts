/**
 * A model that cannot take what the request uses (tools on a small local model, an image on a
 * text-only one) answers 400 or 422, which would otherwise end a combo at its first target. Such
 * a refusal moves on to the next target, invisibly; any other client error still goes back to
 * the client at once. The refusals are the providers' own bodies (Ollama, DeepSeek, OpenAI).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { mockProvider, startRouting, type Routing } from './routing-kit.ts';

let r: Routing;
beforeAll(async () => {
  r = await startRouting(['local', 'backup'], `
providers:
${mockProvider('local')}
${mockProvider('backup')}
combos:
  coder: { models: [local/gemma3:4b, backup/gpt-4o-mini] }
plugins:
  - retry: { max_retries: 1 }
  - circuit-breaker: { failures: 2 }
`);
});
afterAll(() => r.stop());
beforeEach(() => {
  r.mocks.local.requests.length = 0;
  r.mocks.backup.requests.length = 0;
});

const refusal = (status: number, message: string) => ({ status, body: { error: { message, type: 'api_error', param: null, code: null } } });
const TOOLS: OpenAI.Chat.ChatCompletionTool[] = [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }];
const IMAGE = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const openai = () => new OpenAI({ baseURL: `${r.t.url}/v1`, apiKey: r.t.key, maxRetries: 0 });

describe('a model that cannot take what the request uses: the next target serves', () => {
  test('tools on a local model (Ollama: "… does not support tools"), whole and streamed; retries and the breaker leave it be', async () => {
    for (let i = 0; i < 3; i++) r.mocks.local.script([refusal(400, 'registry.ollama.ai/library/gemma3:4b does not support tools')]);
    const whole = await openai().chat.completions.create({ model: 'coder', tools: TOOLS, messages: [{ role: 'user', content: 'read a.ts' }] });
    expect(whole.choices[0]!.message.content).toBe('read a.ts');
    const chunks = await Array.fromAsync(await openai().chat.completions.create({ model: 'coder', stream: true, tools: TOOLS, messages: [{ role: 'user', content: 'read b.ts' }] }));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('read b.ts');
    const third = await openai().chat.completions.create({ model: 'coder', tools: TOOLS, messages: [{ role: 'user', content: 'read c.ts' }] });
    expect(third.choices[0]!.message.content).toBe('read c.ts');
    // Asked once per request (no retry of a refusal), and still asked after two refusals (no breaker).
    expect(r.mocks.local.requests.length).toBe(3);
    expect(r.mocks.backup.requests.length).toBe(3);
  });

  test('an image on a text-only model (DeepSeek: 422 "unknown variant `image_url`"), from an Anthropic client', async () => {
    r.mocks.local.script([refusal(422, 'Failed to deserialize the JSON body into the target type: messages[0]: unknown variant `image_url`, expected `text` at line 1 column 97')]);
    const client = new Anthropic({ baseURL: r.t.url, apiKey: r.t.key, maxRetries: 0 });
    const m = await client.messages.create({
      model: 'coder', max_tokens: 100,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: IMAGE.split(',')[1]! } }, { type: 'text', text: 'what is this' }] }],
    });
    expect(m.content[0]).toMatchObject({ type: 'text', text: 'what is this' });
    expect(r.mocks.local.requests.length).toBe(1);
    expect(r.mocks.backup.requests.length).toBe(1);
  });
});

test('any other client error still goes back at once, in the client\'s dialect', async () => {
  r.mocks.local.script([refusal(400, "Invalid 'messages[0].content': string too long. Expected a string with maximum length 10485760.")]);
  const err = await openai().chat.completions.create({ model: 'coder', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  expect((err as Error).message).toContain('string too long');
  expect(r.mocks.backup.requests.length).toBe(0);
});
