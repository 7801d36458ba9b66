import { describe, expect, test } from 'bun:test';
import * as v from 'valibot';
import { agreementWith, everyFieldValue, fuzzBodies } from '../../../tests/helpers/fast-check-agreement.ts';
import { MessagesRequestSchema, type MessagesRequest } from './anthropic-messages-request-schema.ts';
import { convertRequest, decodeAnthropicMessagesRequest } from './decode-anthropic-messages-request.ts';
import { isPlainMessagesBody } from './is-plain-messages-body.ts';

type Body = Record<string, unknown>;

/** The fast path may only accept what the schema accepts, and must convert to the same hub request. */
const expectAgreement = agreementWith({
  fast: isPlainMessagesBody,
  parse: (body) => v.safeParse(MessagesRequestSchema, body),
  map: (body) => convertRequest(body as MessagesRequest),
});

const base = { model: 'claude-sonnet-4-5', max_tokens: 1024 };
const hi = { role: 'user', content: 'hi' };

/** What Claude Code sends, in the shapes it uses. */
const CLAUDE_CODE: Body = {
  ...base, stream: true, temperature: 1, metadata: { user_id: 'user_abc_session_1' },
  system: [
    { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
    { type: 'text', text: 'Rules.', cache_control: { type: 'ephemeral', ttl: '1h' } },
  ],
  tools: [
    { name: 'Read', description: 'Reads a file.', input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] } },
    { name: 'Bash', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } },
    { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
    { type: 'custom', name: 'Edit', input_schema: { type: 'object' } },
  ],
  tool_choice: { type: 'auto', disable_parallel_tool_use: false },
  thinking: { type: 'enabled', budget_tokens: 8000 },
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'fix it' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] },
    {
      role: 'assistant', content: [
        { type: 'thinking', thinking: 'let me look', signature: 'sig' },
        { type: 'redacted_thinking', data: 'xyz' },
        { type: 'text', text: 'Reading.' },
        { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { file_path: 'a.ts' } },
      ],
    },
    {
      role: 'user', content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: 'export const a = 1;' },
        { type: 'tool_result', tool_use_id: 'toolu_2', is_error: true, content: [{ type: 'text', text: 'no such file' }, { type: 'image', source: { type: 'url', url: 'http://x/y.png' } }] },
        { type: 'text', text: 'go on', cache_control: { type: 'ephemeral' } },
      ],
    },
    { role: 'assistant', content: [{ type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'q' } }, { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] }] },
  ],
  context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
};

const COMMON: Body[] = [
  { ...base, messages: [hi] },
  { ...base, messages: [] },
  { ...base, messages: [hi], system: 'be brief', stop_sequences: ['\n\n'], top_p: 0.9, top_k: 40, stream: false },
  { ...base, messages: [hi], thinking: { type: 'adaptive' }, output_config: { effort: 'high' } },
  { ...base, messages: [hi], tool_choice: { type: 'tool', name: 'Read' }, tools: [{ name: 'Read', input_schema: {} }] },
  { ...base, messages: [hi], output_format: { type: 'json_schema', schema: {} }, output_config: { format: null } },
  CLAUDE_CODE,
];

const POOL: unknown[] = [
  null, true, false, 0, -1, 1, 1.5, 2, 1e9, '', 'x', 'auto', [], ['a'], [1], {}, [null], { type: 'auto' }, { type: 'any' },
  { type: 'none' }, { type: 'tool' }, { type: 'tool', name: 'x' }, { type: 'auto', disable_parallel_tool_use: 'no' }, { type: 'other' },
  { type: 'enabled' }, { type: 'enabled', budget_tokens: 1.5 }, { type: 'enabled', budget_tokens: -1 }, { type: 'enabled', budget_tokens: 0 },
  { type: 'disabled' }, { user_id: null }, { user_id: 3 }, { effort: 3 }, { format: { type: 1 } }, { format: { type: 'json_schema' } },
  [{ type: 'text', text: 'x' }], [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral', ttl: 5 } }], [{ type: 'text' }],
  [{ type: 'image', source: { type: 'url', url: 'u' } }],
  // Tools, good and subtly bad.
  [{ name: 'f', input_schema: { type: 'object' } }], [{ name: 'f' }], [{ input_schema: {} }], [{ type: 'custom', name: 'f' }],
  [{ type: 'web_search_20250305', name: 'web_search' }], [{ type: 'bash_20250124' }], [{ name: 'f', input_schema: [] }],
  [{ name: 'f', input_schema: null }], [{ name: 'f', input_schema: {}, description: null }], [{ name: 3, input_schema: {} }],
  [{ name: 'f', input_schema: {}, cache_control: { type: 3 } }], [{ type: 5, name: 'f', input_schema: {} }],
  JSON.parse('[{"name":"f","input_schema":{"__proto__":{"x":1},"type":"object"}}]'),
  JSON.parse('[{"name":"f","input_schema":{"constructor":1}}]'),
];

const BLOCK_POOL: unknown[] = [
  { type: 'text', text: 'x' }, { type: 'text', text: 3 }, { type: 'text', text: 'x', cache_control: null },
  { type: 'text', text: 'x', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'x', cache_control: { ttl: '5m' } },
  { type: 'text', text: 'x', citations: [{ type: 'char_location' }] },
  { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'A' } }, { type: 'image', source: { type: 'base64', data: 'A' } },
  { type: 'image', source: { type: 'url', url: 'u' } }, { type: 'image', source: { type: 'file', file_id: 'f' } },
  { type: 'image', source: { type: 's3', url: 'u' } }, { type: 'image', source: 'u' }, { type: 'image' },
  { type: 'document', source: { type: 'text', data: 'd' } }, { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'A' } },
  { type: 'document', source: { type: 'pdf' } }, { type: 'document' }, { type: 'tool_result', tool_use_id: 't', content: [{ type: 'document' }] },
  { type: 'tool_use', id: 't', name: 'f', input: {} }, { type: 'tool_use', id: '', name: 'f', input: {} }, { type: 'tool_use', id: 't', name: 'f' },
  { type: 'tool_use', id: 't', input: {} }, { type: 'tool_use', id: 3, name: 'f', input: {} },
  { type: 'tool_result', tool_use_id: 't' }, { type: 'tool_result', tool_use_id: 't', content: 'r' }, { type: 'tool_result', tool_use_id: '', content: 'r' },
  { type: 'tool_result', tool_use_id: 't', content: null }, { type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'r' }] },
  { type: 'tool_result', tool_use_id: 't', content: [{ type: 'tool_use', id: 'x', name: 'f', input: {} }] },
  { type: 'tool_result', tool_use_id: 't', content: [{ type: 'document', source: { type: 'text', data: 'd' } }] },
  { type: 'tool_result', tool_use_id: 't', content: [{ type: 'search_result', source: 's' }] },
  { type: 'tool_result', tool_use_id: 't', content: 'r', is_error: 'yes' }, { type: 'tool_result', tool_use_id: 't', content: 'r', is_error: false },
  { type: 'thinking', thinking: 't' }, { type: 'thinking', thinking: 't', signature: 'EqQB' }, { type: 'thinking', thinking: 't', signature: null },
  { type: 'thinking' }, { type: 'redacted_thinking', data: 'd' }, { type: 'redacted_thinking' },
  { type: 'server_tool_use', id: 's', name: 'web_search', input: {} }, { type: 'mcp_tool_use' }, { type: 5 }, { text: 'x' }, null, 'x', [],
  JSON.parse('{"type":"text","text":"x","__proto__":{"y":1}}'),
];

const MESSAGE_POOL: unknown[] = [
  hi, { role: 'assistant', content: 'x' }, { role: 'system', content: 'x' }, { role: 'tool', content: 'x' }, { role: 'user' },
  { role: 'user', content: null }, { role: 'user', content: 5 }, { role: 'user', content: [] }, null, 'user', [],
  ...BLOCK_POOL.map((b) => ({ role: 'user', content: [b] })),
  ...BLOCK_POOL.slice(0, 12).map((b) => ({ role: 'assistant', content: [{ type: 'text', text: 'a' }, b] })),
];

describe('isPlainMessagesBody', () => {
  test("Claude Code's bodies take the fast path and convert exactly as the schema's output", () => {
    for (const body of COMMON) expect(expectAgreement(body)).toBe(true);
  });

  test('every schema field with every kind of value: accepted only when the schema accepts it unchanged', () => {
    const keys = [...Object.keys(MessagesRequestSchema.entries), 'extra'];
    expect(everyFieldValue({ ...base, messages: [hi] }, keys, POOL, expectAgreement)).toBeGreaterThan(40);
  });

  test('every message and block shape, alone and after a good one', () => {
    let fast = 0;
    for (const m of MESSAGE_POOL) {
      if (expectAgreement({ ...base, messages: [m] })) fast++;
      expectAgreement({ ...base, messages: [hi, m] });
      expectAgreement({ ...base, system: [m], messages: [hi] });
    }
    expect(fast).toBeGreaterThan(20);
  });

  test('random bodies (fuzz): never accepts what the schema refuses', () => {
    const keys = [...Object.keys(MessagesRequestSchema.entries), 'extra', '__proto__', 'constructor'];
    fuzzBodies(7, { ...base, messages: [hi] }, keys, POOL, 'messages', MESSAGE_POOL, expectAgreement);
  });

  test('names the schema drops from its output are left to the schema', () => {
    const body = JSON.parse('{"model":"m","max_tokens":5,"messages":[],"__proto__":{"x":1}}');
    expect(isPlainMessagesBody(body)).toBe(false);
    expect(decodeAnthropicMessagesRequest(body).body.providerOptions).toBeUndefined();
  });

  test('a missing model, max_tokens or messages is left to the schema, which words the error', () => {
    expect(isPlainMessagesBody({ model: 'm', messages: [] })).toBe(false);
    expect(() => decodeAnthropicMessagesRequest({ model: 'm', messages: [] })).toThrow(/max_tokens/);
    expect(() => decodeAnthropicMessagesRequest({ ...base, messages: [hi], temperature: -1 })).toThrow(/temperature/);
  });
});
