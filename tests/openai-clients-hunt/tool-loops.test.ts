import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { lastValidBody, readChunks, startHunt, UPSTREAMS, type Hunt, type StreamedReply } from './hunt-kit.ts';

/**
 * A two-turn tool loop as each coding client writes its history, streamed with
 * `stream_options.include_usage` as they all ask: the first turn must come back as tool-call
 * chunks (announced once, then argument fragments, `finish_reason: tool_calls`, a usage chunk),
 * and the second, which carries the call and its result in the client's own shape, must reach
 * the upstream as a body that API accepts and be answered.
 */
let h: Hunt;
beforeAll(async () => { h = await startHunt(); });
afterAll(() => h.stop());

const tools: ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } } },
  { type: 'function', function: { name: 'list_files', description: 'List a folder', parameters: { type: 'object', properties: { path: { type: 'string' } } } } },
];

/** How one client writes the assistant turn with calls and the results after it. */
interface ClientStyle {
  name: string;
  /** Settings the client adds to every request. */
  extra: Partial<ChatCompletionCreateParamsStreaming>;
  system: ChatCompletionMessageParam[];
  assistant(reply: StreamedReply): ChatCompletionMessageParam;
  results(reply: StreamedReply): ChatCompletionMessageParam[];
}

const calls = (r: StreamedReply) => r.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } }));

const STYLES: ClientStyle[] = [
  {
    // Cline / Roo Code: tool results as strings, then the environment details as a user turn.
    name: 'Cline / Roo Code',
    extra: { temperature: 0, max_tokens: 8192, parallel_tool_calls: false, tool_choice: 'auto' },
    system: [{ role: 'system', content: [{ type: 'text', text: 'You are Cline, a software engineer.' }] }],
    assistant: (r) => ({ role: 'assistant', content: r.text === '' ? null : r.text, tool_calls: calls(r) }),
    results: (r) => [
      ...r.toolCalls.map((c): ChatCompletionMessageParam => ({ role: 'tool', tool_call_id: c.id, content: 'Sunny, 24°C' })),
      { role: 'user', content: '<environment_details>\n# Current Time\n2025-01-01\n</environment_details>' },
    ],
  },
  {
    // OpenCode (Vercel AI SDK, openai-compatible): assistant content "" with the calls, results as JSON text.
    name: 'OpenCode',
    extra: { max_tokens: 32000, tool_choice: 'auto' },
    system: [{ role: 'system', content: 'You are opencode.' }, { role: 'system', content: 'Project: /repo' }],
    assistant: (r) => ({ role: 'assistant', content: r.text, tool_calls: calls(r) }),
    results: (r) => r.toolCalls.map((c): ChatCompletionMessageParam => ({ role: 'tool', tool_call_id: c.id, content: '{"output":"Sunny, 24°C"}' })),
  },
  {
    // Continue: developer message, `max_completion_tokens`, results as text parts.
    name: 'Continue',
    extra: { max_completion_tokens: 4096, tool_choice: 'auto' },
    system: [{ role: 'developer', content: 'You are a coding assistant in VS Code.' }],
    assistant: (r) => ({ role: 'assistant', content: '', tool_calls: calls(r) }),
    results: (r) => r.toolCalls.map((c): ChatCompletionMessageParam => ({ role: 'tool', tool_call_id: c.id, content: [{ type: 'text', text: 'Sunny' }, { type: 'text', text: '24°C' }] })),
  },
  {
    // A long file read: results of hundreds of kilobytes are common (here a minified bundle,
    // one "word" to the mocks, which echo results back word by word).
    name: 'very long tool result',
    extra: { tool_choice: 'required' },
    system: [],
    assistant: (r) => ({ role: 'assistant', content: null, tool_calls: calls(r) }),
    results: (r) => r.toolCalls.map((c): ChatCompletionMessageParam => ({ role: 'tool', tool_call_id: c.id, content: 'const a=require("a");'.repeat(15_000) })),
  },
];

describe.each(UPSTREAMS)('tool loop to %s', (up) => {
  test.each(STYLES.map((s) => [s.name, s] as const))('%s', async (_name, style) => {
    const first: ChatCompletionMessageParam[] = [...style.system, { role: 'user', content: 'What is the weather in Paris?' }];
    const base = { model: h.model(up), stream: true as const, stream_options: { include_usage: true }, tools, ...style.extra };
    const turn1 = await readChunks(await h.client.chat.completions.create({ ...base, messages: first }), true);
    expect(turn1.finish).toBe('tool_calls');
    expect(turn1.toolCalls.map((c) => c.name)).toEqual(['get_weather']);
    expect(JSON.parse(turn1.toolCalls[0].arguments)).toHaveProperty('location');
    expect(turn1.usage?.prompt_tokens).toBeGreaterThan(0);
    lastValidBody(h, up);

    const second = [...first, style.assistant(turn1), ...style.results(turn1)];
    const turn2 = await readChunks(await h.client.chat.completions.create({ ...base, tool_choice: 'auto', messages: second }), true);
    expect(turn2.finish).toBe('stop');
    expect(turn2.text.length).toBeGreaterThan(0);
    const body = JSON.stringify(lastValidBody(h, up));
    expect(body).toContain(up === 'gemini' ? '"functionResponse"' : up === 'anthropic' ? '"tool_result"' : '"function_call_output"');
  });
});
