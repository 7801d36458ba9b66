/**
 * Claude Code's traffic (as `@anthropic-ai/sdk` sends it) translated to a Gemini upstream: a
 * thinking tool loop with parallel function calls and thought signatures, function responses
 * with an image and an error, stop reasons and usage, and Gemini's errors as the SDK and Claude
 * Code must see them. The upstream answers in Gemini's recorded wire shape (`alt=sse` frames).
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { geminiSse, startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream.ts';
import { viewSdkError } from './sdk-error.ts';

type Json = Record<string, unknown>;

let up: ScriptedUpstream;
let gw: TestGateway;
let client: Anthropic;

beforeAll(async () => {
  up = await startScriptedUpstream();
  gw = await startTestGateway(`
providers:
  gem: { type: gemini, base_url: "${up.origin}", keys: [AIza-test-1234567], allow_private_network: true }
aliases:
  claude-opus-4-1-20250805: gem/gemini-2.5-pro
`);
  client = new Anthropic({ apiKey: gw.key, baseURL: gw.url, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.stop();
  await up?.stop();
});
beforeEach(() => up.reset());

const MODEL = 'claude-opus-4-1-20250805';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAAABJRU5ErkJggg==';
const read: Anthropic.Tool = { name: 'Read', description: 'Reads a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'], additionalProperties: false, $schema: 'http://json-schema.org/draft-07/schema#' } as Anthropic.Tool.InputSchema };
const shot: Anthropic.Tool = { name: 'Screenshot', description: 'Takes a screenshot', input_schema: { type: 'object', properties: { url: { type: 'string', format: 'uri' } } } };

const candidate = (parts: Json[], finishReason?: string) => ({ content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}) });
const chunk = (parts: Json[], finishReason?: string, usage?: Json) => ({
  candidates: [candidate(parts, finishReason)], modelVersion: 'gemini-2.5-pro', responseId: 'resp-1', ...(usage ? { usageMetadata: usage } : {}),
});

describe('Claude Code → gateway → Gemini upstream', () => {
  test('thinking tool loop: parallel function calls with a thought signature, then responses with an image and an error', async () => {
    up.next({
      sse: geminiSse([
        chunk([{ text: 'I need both the file and the page.', thought: true }], undefined, { promptTokenCount: 900, totalTokenCount: 900 }),
        chunk([
          { functionCall: { name: 'Read', args: { file_path: '/src/a.ts' } }, thoughtSignature: 'SIG_A' },
          { functionCall: { name: 'Screenshot', args: { url: 'http://localhost:3000' } } },
        ], 'STOP', { promptTokenCount: 900, cachedContentTokenCount: 600, candidatesTokenCount: 40, thoughtsTokenCount: 25, totalTokenCount: 965 }),
      ]),
    });
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Check a.ts and the page' }];
    const params = {
      model: MODEL, max_tokens: 8000, thinking: { type: 'enabled' as const, budget_tokens: 4000 }, tools: [read, shot],
      system: [{ type: 'text' as const, text: 'You are Claude Code.', cache_control: { type: 'ephemeral' as const } }],
    };
    const first = await client.messages.stream({ ...params, messages }).finalMessage();
    // The call's signature has a block of its own (it goes back on the call, not on the thought).
    expect(first.content.map((b) => b.type)).toEqual(['thinking', 'thinking', 'tool_use', 'tool_use']);
    const thinking = first.content[0] as Anthropic.ThinkingBlock;
    expect(thinking.thinking).toBe('I need both the file and the page.');
    expect((first.content[1] as Anthropic.ThinkingBlock).signature).toContain('SIG_A');
    const [a, b] = first.content.slice(2) as Anthropic.ToolUseBlock[];
    expect(a).toMatchObject({ name: 'Read', input: { file_path: '/src/a.ts' } });
    expect(b).toMatchObject({ name: 'Screenshot', input: { url: 'http://localhost:3000' } });
    expect(a.id).not.toBe(b.id);
    expect(first.stop_reason).toBe('tool_use');
    expect(first.usage).toMatchObject({ input_tokens: 300, cache_read_input_tokens: 600, output_tokens: 65 });
    const sent1 = up.requests[0]!;
    expect(sent1.path).toBe('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    expect(JSON.stringify((sent1.body as Json).tools)).not.toContain('$schema');
    expect((sent1.body as { generationConfig: Json }).generationConfig).toMatchObject({ maxOutputTokens: 8000, thinkingConfig: { includeThoughts: true, thinkingBudget: 4000 } });

    up.next({ json: { candidates: [candidate([{ text: 'a.ts is missing; the page sh' }], 'MAX_TOKENS')], usageMetadata: { promptTokenCount: 2000, candidatesTokenCount: 8, totalTokenCount: 2008 }, modelVersion: 'gemini-2.5-pro', responseId: 'resp-2' } });
    const second = await client.messages.create({
      ...params,
      messages: [
        ...messages,
        { role: 'assistant', content: first.content },
        {
          role: 'user', content: [
            { type: 'tool_result', tool_use_id: a.id, content: 'ENOENT: no such file', is_error: true },
            { type: 'tool_result', tool_use_id: b.id, content: [{ type: 'text', text: 'Screenshot:' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] },
          ],
        },
      ],
    });
    expect(second.stop_reason).toBe('max_tokens');
    expect(second.content.map((b) => (b.type === 'text' ? b.text : b.type))).toEqual(['a.ts is missing; the page sh']);
    expect(second.usage).toMatchObject({ input_tokens: 2000, output_tokens: 8 });

    const contents = (up.requests[1]!.body as { contents: Array<{ role: string; parts: Json[] }> }).contents;
    expect(contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    const calls = contents[1]!.parts.filter((p) => p.functionCall).map((p) => p.functionCall);
    expect(calls).toEqual([{ name: 'Read', args: { file_path: '/src/a.ts' } }, { name: 'Screenshot', args: { url: 'http://localhost:3000' } }]);
    expect(JSON.stringify(contents[1])).toContain('SIG_A');
    expect(contents[2]!.parts).toEqual([
      { functionResponse: { name: 'Read', response: { error: 'ENOENT: no such file' } } },
      { functionResponse: { name: 'Screenshot', response: { output: 'Screenshot:' } } },
      { inlineData: { mimeType: 'image/png', data: PNG } },
    ]);
  });

  test('upstream 429 RESOURCE_EXHAUSTED: a rate_limit_error whose retry-after is Google\'s RetryInfo delay', async () => {
    up.next({
      status: 429,
      json: { error: { code: 429, message: 'You exceeded your current quota.', status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }] } },
    });
    const err = await client.messages.create({ model: MODEL, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(viewSdkError(err).retryAfter).toBe('37');
  });

  test('upstream 400 input too long: Anthropic\'s "prompt is too long" wording, with the sizes', async () => {
    up.next({ status: 400, json: { error: { code: 400, message: 'The input token count (1205118) exceeds the maximum number of tokens allowed (1048576).', status: 'INVALID_ARGUMENT' } } });
    const err = await client.messages.create({ model: MODEL, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const body = { error: viewSdkError(err) };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toStartWith('prompt is too long: 1205118 tokens > 1048576 maximum');
  });

  test('upstream 503 UNAVAILABLE: overloaded_error', async () => {
    up.next({ status: 503, json: { error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } } });
    const err = await client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(viewSdkError(err).status).toBe(503);
    expect(viewSdkError(err).type).toBe('overloaded_error');
  });

  test('a stream cut after content, and an error chunk after content: one error event each, no message_stop', async () => {
    for (const tail of [[], [{ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }]]) {
      up.next({ sse: geminiSse([chunk([{ text: 'partial' }]), ...tail]) });
      const stream = client.messages.stream({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
      const texts: string[] = [];
      stream.on('text', (t) => texts.push(t));
      const err = await stream.finalMessage().catch((e: unknown) => e);
      expect(texts.join('')).toBe('partial');
      expect(err).toBeInstanceOf(Anthropic.APIError);
      const type = viewSdkError(err).type;
      expect(type).toBe(tail.length === 0 ? 'api_error' : 'overloaded_error');
    }
  });
});
