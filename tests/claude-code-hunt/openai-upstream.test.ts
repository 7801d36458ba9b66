/**
 * Claude Code's traffic (as `@anthropic-ai/sdk` sends it) translated to an OpenAI-compatible
 * upstream: a thinking tool loop with parallel calls whose arguments stream in fragments, tool
 * results with images and errors, stop reasons and usage, and the upstream's errors as the SDK
 * and Claude Code must see them (status, `error.type`, `retry-after`, Anthropic's wording for a
 * prompt too long). The upstream answers recorded-shape bytes and records what it got.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { openaiSse, startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream.ts';
import { viewSdkError } from './sdk-error.ts';

type Json = Record<string, unknown>;

let up: ScriptedUpstream;
let gw: TestGateway;
let client: Anthropic;

beforeAll(async () => {
  up = await startScriptedUpstream();
  gw = await startTestGateway(`
providers:
  oai: { type: openai, base_url: "${up.origin}/v1", keys: [sk-oai-1234567], allow_private_network: true }
aliases:
  claude-opus-4-1-20250805: oai/gpt-x
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
const read: Anthropic.Tool = { name: 'Read', description: 'Reads a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] } };
const shot: Anthropic.Tool = { name: 'Screenshot', description: 'Takes a screenshot', input_schema: { type: 'object', properties: { url: { type: 'string' } } } };

const chunk = (delta: Json, finish: string | null = null) => ({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-x', choices: [{ index: 0, delta, finish_reason: finish }] });
const call = (index: number, extra: Json) => chunk({ tool_calls: [{ index, ...extra }] });

/** A Claude Code turn (the SDK refuses an unstreamed call with its usual 32000 max_tokens: 8000 here). */
function base(messages: Anthropic.MessageParam[]): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model: MODEL, max_tokens: 8000, thinking: { type: 'enabled', budget_tokens: 4000 }, tools: [read, shot],
    system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
    metadata: { user_id: 'user_abc_session_1' }, messages,
  };
}

describe('Claude Code → gateway → OpenAI-compatible upstream', () => {
  test('thinking tool loop: parallel calls with fragmented arguments, then results with an image and an error', async () => {
    up.next({
      sse: openaiSse([
        chunk({ role: 'assistant', reasoning_content: 'Two files to look at.' }),
        chunk({ content: 'Reading both.' }),
        call(0, { id: 'call_a', type: 'function', function: { name: 'Read', arguments: '' } }),
        call(0, { function: { arguments: '{"file_' } }),
        call(0, { function: { arguments: 'path": "/src/a.ts"}' } }),
        call(1, { id: 'call_b', type: 'function', function: { name: 'Screenshot', arguments: '{"url":' } }),
        call(1, { function: { arguments: '"http://localhost:3000"}' } }),
        chunk({}, 'tool_calls'),
        { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-x', choices: [], usage: { prompt_tokens: 1200, completion_tokens: 80, total_tokens: 1280, prompt_tokens_details: { cached_tokens: 1000 }, completion_tokens_details: { reasoning_tokens: 30 } } },
      ]),
    });
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Check a.ts and the page' }];
    const stream = client.messages.stream(base(messages));
    const inputs: unknown[] = [];
    stream.on('inputJson', (_delta, snapshot) => inputs.push(snapshot));
    const first = await stream.finalMessage();
    expect(first.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use', 'tool_use']);
    expect((first.content[0] as Anthropic.ThinkingBlock).thinking).toBe('Two files to look at.');
    const [a, b] = first.content.slice(2) as Anthropic.ToolUseBlock[];
    expect(a).toMatchObject({ id: 'call_a', name: 'Read', input: { file_path: '/src/a.ts' } });
    expect(b).toMatchObject({ id: 'call_b', name: 'Screenshot', input: { url: 'http://localhost:3000' } });
    expect(inputs.at(-1)).toEqual({ url: 'http://localhost:3000' });
    expect(first.stop_reason).toBe('tool_use');
    expect(first.usage).toMatchObject({ input_tokens: 200, cache_read_input_tokens: 1000, cache_creation_input_tokens: 0, output_tokens: 80 });
    const sent1 = up.requests[0]!.body as Json;
    expect(sent1).toMatchObject({ model: 'gpt-x', stream: true, stream_options: { include_usage: true }, max_tokens: 8000, user: 'user_abc_session_1' });
    expect((sent1.messages as Json[])[0]).toEqual({ role: 'system', content: 'You are Claude Code.' });

    up.next({ json: { id: 'chatcmpl-2', object: 'chat.completion', created: 1, model: 'gpt-x', choices: [{ index: 0, message: { role: 'assistant', content: 'a.ts exports one funct' }, finish_reason: 'length' }], usage: { prompt_tokens: 3000, completion_tokens: 9, total_tokens: 3009 } } });
    const second = await client.messages.create(base([
      ...messages,
      { role: 'assistant', content: first.content },
      {
        role: 'user', content: [
          { type: 'tool_result', tool_use_id: a.id, content: 'ENOENT: no such file', is_error: true },
          { type: 'tool_result', tool_use_id: b.id, content: [{ type: 'text', text: 'Screenshot:' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] },
          { type: 'text', text: '<system-reminder>keep going</system-reminder>' },
        ],
      },
    ]));
    expect(second.stop_reason).toBe('max_tokens');
    expect(second.content.map((b) => (b.type === 'text' ? b.text : b.type))).toEqual(['a.ts exports one funct']);
    expect(second.usage).toMatchObject({ input_tokens: 3000, output_tokens: 9 });

    const sent = (up.requests[1]!.body as { messages: Json[] }).messages;
    expect(sent.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool', 'user', 'user']);
    const assistant = sent[2] as { tool_calls: Array<{ id: string; function: { name: string; arguments: string } }> };
    expect(assistant.tool_calls.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ['call_a', 'Read', { file_path: '/src/a.ts' }], ['call_b', 'Screenshot', { url: 'http://localhost:3000' }],
    ]);
    expect(sent[3]).toEqual({ role: 'tool', tool_call_id: 'call_a', content: 'ENOENT: no such file' });
    expect(sent[4]).toEqual({ role: 'tool', tool_call_id: 'call_b', content: 'Screenshot:' });
    // The result's image follows the tool messages (a tool message carries text only).
    expect(sent[5]).toEqual({ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] });
    expect(sent[6]).toEqual({ role: 'user', content: '<system-reminder>keep going</system-reminder>' });
    expect(JSON.stringify(sent)).not.toContain('Two files to look at.');
  });

  test('slips in a weak model\'s streamed arguments (a fence, raw newlines, a trailing comma, the object sent twice) reach Claude Code as the input meant', async () => {
    const slipped = '```json\n{"file_path": "/src/a.ts", "note": "line 1\nline 2",}\n```{"file_path": "/src/a.ts"}';
    up.next({
      sse: openaiSse([
        call(0, { id: 'call_a', type: 'function', function: { name: 'Read', arguments: '' } }),
        ...slipped.match(/[\s\S]{1,5}/g)!.map((f) => call(0, { function: { arguments: f } })),
        chunk({}, 'tool_calls'),
      ]),
    });
    const stream = client.messages.stream(base([{ role: 'user', content: 'Read a.ts' }]));
    let json = '';
    stream.on('inputJson', (delta) => void (json += delta));
    const m = await stream.finalMessage();
    const meant = { file_path: '/src/a.ts', note: 'line 1\nline 2' };
    expect((m.content[0] as Anthropic.ToolUseBlock).input).toEqual(meant);
    // What streamed is the object too (the SDK parses partial JSON leniently; Claude Code does not).
    expect(JSON.parse(json)).toEqual(meant);
  });

  test('MCP tools deferred behind Anthropic\'s tool search: another upstream gets them all as ordinary tools, and no tool search', async () => {
    up.next({ sse: openaiSse([chunk({ role: 'assistant', content: 'ok' }), chunk({}, 'stop')]) });
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST', headers: { 'x-api-key': gw.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: MODEL, max_tokens: 100, stream: true,
        tools: [read, { name: 'mcp__github__create_issue', description: 'Creates an issue', input_schema: { type: 'object', properties: { title: { type: 'string' } } }, defer_loading: true },
          { type: 'tool_search_tool_regex_20251119', name: 'tool_search_tool_regex' }],
        messages: [{ role: 'user', content: 'File an issue' }],
      }),
    });
    expect(res.status).toBe(200);
    await res.text();
    const sent = up.requests.at(-1)!.body as { tools: Array<{ type: string; function: Json }> };
    expect(sent.tools.map((t) => t.function.name)).toEqual(['Read', 'mcp__github__create_issue']);
    expect(JSON.stringify(sent.tools)).not.toContain('defer_loading');
  });

  test('usage: message_start already sizes the input (OpenAI reports usage only at the end); message_delta has the upstream\'s count', async () => {
    up.next({
      sse: openaiSse([
        chunk({ role: 'assistant', content: 'Hello' }),
        chunk({}, 'stop'),
        { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-x', choices: [], usage: { prompt_tokens: 5000, completion_tokens: 1, total_tokens: 5001 } },
      ]),
    });
    const history = 'lorem ipsum dolor sit amet '.repeat(400);
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST', headers: { 'x-api-key': gw.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, max_tokens: 100, stream: true, tools: [read], messages: [{ role: 'user', content: history }] }),
    });
    const events = (await res.text()).trim().split('\n\n').map((e) => JSON.parse(e.split('\n')[1]!.slice('data: '.length)) as Json);
    const start = (events[0]!.message as { usage: { input_tokens: number } }).usage.input_tokens;
    expect(start).toBeGreaterThan(2000);
    expect(start).toBeLessThan(4000);
    expect((events.find((e) => e.type === 'message_delta')!.usage as Json).input_tokens).toBe(5000);
  });

  test('usage: an upstream that reports none still gives the client an input size, streamed or not', async () => {
    const history = 'lorem ipsum dolor sit amet '.repeat(400);
    up.next(
      { sse: openaiSse([chunk({ role: 'assistant', content: 'Hello' }), chunk({}, 'stop')]) },
      { json: { id: 'chatcmpl-2', object: 'chat.completion', created: 1, model: 'gpt-x', choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }] } },
    );
    const streamed = await client.messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: history }] }).finalMessage();
    const whole = await client.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: history }] });
    for (const m of [streamed, whole]) {
      expect(m.usage.input_tokens).toBeGreaterThan(2000);
      expect(m.usage.input_tokens).toBeLessThan(4000);
    }
  });

  test('upstream 429: a rate_limit_error with the upstream\'s retry-after', async () => {
    up.next({ status: 429, json: { error: { message: 'Rate limit reached for gpt-x. Please try again in 20s.', type: 'requests', code: 'rate_limit_exceeded' } }, headers: { 'retry-after': '20' } });
    const err = await client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(viewSdkError(err).retryAfter).toBe('20');
  });

  test('upstream 400 context overflow: Anthropic\'s "prompt is too long" wording, with the sizes', async () => {
    up.next({ status: 400, json: { error: { message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } } });
    const err = await client.messages.create({ model: MODEL, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const body = { error: viewSdkError(err) };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toStartWith('prompt is too long: 130512 tokens > 128000 maximum');
    expect(body.error.message).toContain("This model's maximum context length is 128000 tokens.");
  });

  test('upstream 400 when input and max_tokens together overflow: Anthropic\'s "exceed context limit" wording', async () => {
    // Room for under 1,024 output tokens beside the prompt: a context overflow (with more room the request goes again asking for it).
    up.next({ status: 400, json: { error: { message: "This model's maximum context length is 128000 tokens. However, you requested 159500 tokens (127500 in the messages, 32000 in the completion). Please reduce the length of the messages or completion.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } } });
    const err = await client.messages.create({ model: MODEL, max_tokens: 32000, stream: true, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    const message = viewSdkError(err).message;
    expect(message).toMatch(/^input length and `max_tokens` exceed context limit: 127500 \+ 32000 > 128000, decrease input length or `max_tokens` and try again/);
  });

  test('upstream 529 overloaded: status 529 and overloaded_error, as Anthropic reports it', async () => {
    up.next({ status: 529, json: { error: { message: 'The server is overloaded.', type: 'overloaded_error' } } });
    const err = await client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(viewSdkError(err).status).toBe(529);
    expect(viewSdkError(err).type).toBe('overloaded_error');
  });

  test('upstream 503 "overloaded": the Anthropic client is told overloaded_error', async () => {
    up.next({ status: 503, json: { error: { message: 'The engine is currently overloaded, please try again later', type: 'server_error' } } });
    const err = await client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    expect(viewSdkError(err).type).toBe('overloaded_error');
  });

  test('an overloaded error frame after content: one overloaded_error event, nothing after it', async () => {
    up.next({ sse: [...openaiSse([chunk({ role: 'assistant', content: 'partial' })], false), `data: ${JSON.stringify({ error: { message: 'Provider overloaded', type: 'overloaded_error', code: 529 } })}\n\n`] });
    const res = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST', headers: { 'x-api-key': gw.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const events = (await res.text()).trim().split('\n\n');
    expect(events.some((e) => e.includes('"text":"partial"'))).toBe(true);
    const last = events.at(-1)!.split('\n');
    expect(last[0]).toBe('event: error');
    expect(JSON.parse(last[1]!.slice('data: '.length)).error.type).toBe('overloaded_error');
    expect(events.filter((e) => e.startsWith('event: error'))).toHaveLength(1);
    expect(events.some((e) => e.startsWith('event: message_stop'))).toBe(false);
  });
});
