import { describe, expect, test } from 'bun:test';
import * as v from 'valibot';
import { agreementWith, everyFieldValue, fuzzBodies } from '../../../tests/helpers/fast-check-agreement.ts';
import { decodeOpenAIChatRequest } from './decode-openai-chat-request.ts';
import { isPlainChatBody } from './is-plain-chat-body.ts';
import { mapOpenAIChatRequest } from './map-openai-chat-request.ts';
import { OpenAIChatRequestSchema } from './openai-chat-request-schema.ts';

type Body = Record<string, unknown>;

/** The fast path may only accept what the schema accepts, and must map to the same hub request. */
const expectAgreement = agreementWith({
  fast: isPlainChatBody,
  parse: (body) => v.safeParse(OpenAIChatRequestSchema, body, { abortEarly: true }),
  map: (body) => mapOpenAIChatRequest(body as never),
});

const COMMON: Body[] = [
  { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
  { model: 'up/bench-model', messages: [{ role: 'user', content: 'hi' }], stream: true },
  { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } },
  {
    model: 'm', temperature: 0.2, top_p: 1, max_tokens: 100, n: 1, seed: 7, stop: ['\n\n'], user: 'u1',
    presence_penalty: 0, frequency_penalty: -1.5, reasoning_effort: 'low', store: false, service_tier: 'auto',
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'developer', content: [{ type: 'text', text: 'rules' }], name: 'ops' },
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b', cache_control: { type: 'ephemeral' } }] },
      { role: 'assistant', content: null, refusal: null, reasoning_content: 'thinking', tool_calls: null },
      { role: 'assistant', content: 'sure' },
      { role: 'tool', content: 'result', tool_call_id: 'call_1' },
    ],
    some_vendor_extra: { deep: [1, 2] },
  },
  // What a coding agent sends: function tools, tool calls and their results, a screenshot.
  {
    model: 'm', stream: true, parallel_tool_calls: true, tool_choice: 'auto',
    tools: [
      { type: 'function', function: { name: 'read_file', description: 'Reads a file.', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } } },
      { type: 'function', function: { name: 'noop', strict: null }, cache_control: { type: 'ephemeral' } },
      { type: 'function', function: { name: 'strict_one', parameters: {}, strict: true } },
    ],
    messages: [
      { role: 'system', content: 'You are a coding agent.' },
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'export const a = 1;' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'image_url', image_url: { url: 'http://x/shot.png' } }] },
      { role: 'assistant', content: [{ type: 'text', text: 'done' }, { type: 'refusal', refusal: 'not that' }], tool_calls: [] },
    ],
  },
  { model: 'm', messages: [{ role: 'user', content: 'hi' }], tools: [], tool_choice: { type: 'function', function: { name: 'f' } } },
];

const POOL: unknown[] = [
  null, true, false, 0, -3, 1, 1.5, 2, 3, 129, 1e9, '', 'x', 'auto', 'low', [], ['a'], [1], {}, { include_usage: 'yes' },
  { include_usage: true }, [{ type: 'text', text: 'x' }], [{ type: 'image_url', image_url: { url: 'http://x' } }],
  { type: 'function', function: { name: 'f' } }, [{ type: 'function', function: { name: 'f' } }],
  // Tools and tool choices, good and subtly bad.
  [{ type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object' }, strict: false } }],
  [{ type: 'function', function: { name: '' } }], [{ type: 'function', function: { name: 'f', description: null } }],
  [{ type: 'function', function: { name: 'f', parameters: [1] } }], [{ type: 'function', function: { name: 'f', parameters: null } }],
  [{ type: 'function', function: { name: 'f', strict: 'yes' } }], [{ type: 'custom', custom: { name: 'f' } }],
  [{ type: 'function', function: 'f' }], [{ type: 'function' }], [null], { type: 'function', function: { name: 3 } },
  { type: 'function' }, { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } }, 'none', 'required', 'any',
  JSON.parse('[{"type":"function","function":{"name":"f","parameters":{"__proto__":{"x":1},"type":"object"}}}]'),
  JSON.parse('[{"type":"function","function":{"name":"f","parameters":{"constructor":1}}}]'),
];

const MESSAGE_POOL: unknown[] = [
  { role: 'user', content: 'x' }, { role: 'user' }, { role: 'user', content: null }, { role: 'user', content: 5 },
  { role: 'user', content: 'x', name: null }, { role: 'user', content: 'x', name: 'n' }, { role: 'nobody', content: 'x' },
  { role: 'assistant' }, { role: 'assistant', content: [{ type: 'refusal', refusal: 'no' }] },
  { role: 'assistant', content: 'x', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
  { role: 'assistant', content: 'x', refusal: 3 }, { role: 'tool', content: 'x' }, { role: 'tool', content: 'x', tool_call_id: 'c' },
  { role: 'function', content: 'x', name: 'f' }, { role: 'system', content: [{ type: 'text' }] }, [], 'user', null,
  { role: 'developer', content: [{ type: 'image_url', image_url: { url: 'u' } }] },
  // Images, tool calls and tool results, good and subtly bad.
  { role: 'user', content: [{ type: 'image_url', image_url: { url: 'u', detail: 'low' } }] },
  { role: 'user', content: [{ type: 'image_url', image_url: { url: 'u', detail: 'ultra' } }] },
  { role: 'user', content: [{ type: 'image_url', image_url: { url: 'u', detail: null } }] },
  { role: 'user', content: [{ type: 'image_url', image_url: 'u' }] }, { role: 'user', content: [{ type: 'image_url', image_url: {} }] },
  { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] },
  { role: 'user', content: [{ type: 'file', file: { file_id: 'f' } }] },
  { role: 'tool', content: [{ type: 'image_url', image_url: { url: 'u' } }], tool_call_id: 'c' },
  { role: 'tool', content: [{ type: 'refusal', refusal: 'x' }], tool_call_id: 'c' },
  { role: 'assistant', content: [{ type: 'image_url', image_url: { url: 'u' } }] },
  { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
  { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: {} } }] },
  { role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] },
  { role: 'assistant', tool_calls: [{ id: 'c', type: 'custom', custom: { name: 'f', input: 'x' } }] },
  { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' }, extra: 1 }] },
  { role: 'assistant', tool_calls: {} }, { role: 'assistant', tool_calls: [null] },
  { role: 'assistant', content: 'x', function_call: { name: 'f', arguments: '{}' } },
];

describe('isPlainChatBody', () => {
  test('common bodies take the fast path and match the schema exactly', () => {
    for (const body of COMMON) expect(expectAgreement(body)).toBe(true);
  });

  test('every schema field with every kind of value: accepted only when the schema accepts it unchanged', () => {
    expect(everyFieldValue(COMMON[0]!, Object.keys(OpenAIChatRequestSchema.entries), POOL, expectAgreement)).toBeGreaterThan(50);
  });

  test('every message shape, alone and after a good one: accepted only when the schema accepts it unchanged', () => {
    let fast = 0;
    for (const m of MESSAGE_POOL) {
      if (expectAgreement({ model: 'm', messages: [m] })) fast++;
      expectAgreement({ model: 'm', messages: [{ role: 'user', content: 'hi' }, m] });
    }
    expect(fast).toBeGreaterThan(5);
  });

  test('random messages and fields (fuzz): never accepts what the schema refuses', () => {
    const keys = [...Object.keys(OpenAIChatRequestSchema.entries), 'extra', '__proto__', 'constructor'];
    fuzzBodies(42, { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, keys, POOL, 'messages', MESSAGE_POOL, expectAgreement);
  });

  test("an agent's long conversation with tools takes the fast path", () => {
    const agent = COMMON.at(-2)!;
    expect(expectAgreement(agent)).toBe(true);
    expect(isPlainChatBody({ ...agent, messages: Array.from({ length: 60 }, (_, i) => (agent.messages as unknown[])[1 + (i % 5)]) })).toBe(true);
  });

  test('names the schema drops from its output are left to the schema', () => {
    const body = JSON.parse('{"model":"m","messages":[{"role":"user","content":"hi"}],"__proto__":{"x":1}}');
    expect(isPlainChatBody(body)).toBe(false);
    expect(decodeOpenAIChatRequest(body).body.providerOptions).toBeUndefined();
  });

  test('errors still come from the schema with its wording', () => {
    expect(() => decodeOpenAIChatRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 3 }))
      .toThrow(/temperature/);
    expect(() => decodeOpenAIChatRequest({ model: '', messages: [{ role: 'user', content: 'hi' }] })).toThrow(/model must not be empty/);
  });
});
