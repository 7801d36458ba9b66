import { describe, expect, test } from 'bun:test';
import * as v from 'valibot';
import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import { agreementWith, everyFieldValue, fuzzBodies } from '../../../tests/helpers/fast-check-agreement.ts';
import { APPLY_PATCH_TOOL, CODEX_FUNCTION_TOOLS, codexBody, codexPreamble } from '../../../tests/codex-hunt/codex-kit.ts';
import { convertResponsesInput } from './convert-responses-input.ts';
import { isPlainItem, isPlainResponsesBody } from './is-plain-responses-body.ts';
import { decode } from './responses-test-kit.ts';
import {
  CustomToolCallItemSchema, CustomToolCallOutputItemSchema, FunctionCallItemSchema, FunctionCallOutputItemSchema,
  MessageItemSchema, ReasoningItemSchema, ResponsesRequestSchema,
} from './responses-request-schema.ts';

type Body = Record<string, unknown>;

/** The body check may only accept what the schema accepts, and the decoder must make the same hub request of both. */
const expectAgreement = agreementWith({
  fast: isPlainResponsesBody,
  parse: (body) => v.safeParse(ResponsesRequestSchema, body),
  map: (body) => decode(body).body,
});

const SCHEMAS: Record<keyof typeof isPlainItem, v.GenericSchema> = {
  message: MessageItemSchema, function_call: FunctionCallItemSchema, function_call_output: FunctionCallOutputItemSchema,
  custom_tool_call: CustomToolCallItemSchema, custom_tool_call_output: CustomToolCallOutputItemSchema, reasoning: ReasoningItemSchema,
};
/** Calls the outputs in the pool answer, so that an output converts. */
const CALLS = [
  { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{}' },
  { type: 'custom_tool_call', call_id: 'c2', name: 'apply_patch', input: '*** Begin Patch' },
];
const typeOf = (item: Body) => (typeof item.type === 'string' ? item.type : 'message') as keyof typeof isPlainItem;

/** The same for one input item: its hand check against its schema, and its conversion to hub messages. */
const expectItemAgreement = agreementWith({
  fast: (item) => isPlainItem[typeOf(item)](item),
  parse: (item) => v.safeParse(SCHEMAS[typeOf(item)], item),
  map: (item) => convertResponsesInput([...CALLS, item]),
});

/**
 * `expectAgreement`, for bodies the decoder may refuse after the schema (an item it checks
 * itself, a stateful field with storage off): then the schema's output is refused the same way.
 */
function expectSameDecision(body: Body): boolean {
  try {
    return expectAgreement(body);
  } catch (e) {
    if (!isGatewayError(e)) throw e;
    expect(() => decode(v.parse(ResponsesRequestSchema, body))).toThrow(e.message);
    return false;
  }
}

const base = { model: 'gpt-5-codex', input: 'hi' };
const turn = [
  ...codexPreamble('Fix the failing test.'),
  { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Looking.' }], content: null, encrypted_content: 'gAAAAB' },
  { type: 'function_call', name: 'shell', arguments: '{"command":["ls"]}', call_id: 'call_1' },
  { type: 'function_call_output', call_id: 'call_1', output: 'a.ts\nb.ts' },
  { type: 'custom_tool_call', status: 'completed', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch' },
  { type: 'custom_tool_call_output', call_id: 'call_2', output: 'Done!' },
  { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Fixed.' }] },
  { role: 'user', content: 'thanks' },
];

/** What Codex and the SDKs send, in the shapes they use. */
const COMMON: Body[] = [
  base,
  { model: 'gpt-5', input: [{ role: 'user', content: 'hi' }], stream: false, temperature: 0.2, top_p: 1, max_output_tokens: 100 },
  codexBody('gpt-5-codex', turn),
  codexBody('gpt-5-codex', turn, [...CODEX_FUNCTION_TOOLS, APPLY_PATCH_TOOL, { type: 'web_search' }]),
  { ...codexBody('gpt-5-codex', turn), metadata: { a: 'b' }, client_metadata: { x: 1 }, truncation: 'auto', stream_options: { include_obfuscation: false } },
  { model: 'gpt-5', input: [{ type: 'message', role: 'user', content: [{ type: 'input_image', image_url: 'data:image/png;base64,AA', detail: 'high' }, { type: 'input_file', file_data: 'data:application/pdf;base64,AA', filename: 'a.pdf' }] }] },
  { model: 'gpt-5', input: [{ type: 'additional_tools', tools: [{ type: 'namespace', name: 'mcp', tools: CODEX_FUNCTION_TOOLS }] }, { role: 'user', content: 'go' }] },
];

const POOL: unknown[] = [
  null, true, false, 0, -1, 1, 1.5, 2, 3, 21, 1e9, '', 'x', 'auto', 'none', 'required', 'disabled', [], ['a'], [1], {}, [null],
  { type: 'function', name: 'f' }, { type: 'function' }, { type: 'custom', name: 'f' }, { type: 3 }, { type: 'x', name: null },
  { effort: 'high' }, { effort: 'max' }, { summary: 'auto' }, { summary: 'brief' }, { generate_summary: 'none' }, { effort: null, summary: null },
  { verbosity: 'low' }, { verbosity: 'loud' }, { format: { type: 'text' } }, { format: null }, { format: { type: 'xml' } },
  { format: { type: 'json_schema', name: '', schema: {} } }, { a: 'b' }, { a: 1 },
  [{ type: 'function', name: 'f', parameters: { type: 'object' } }], [{ type: 'function', name: '' }], [{ type: 'function', name: 'f', strict: 'yes' }],
  [{ type: 'function', name: 'f', parameters: [] }], [{ type: 'function', name: 'f', description: 3 }], [{ type: 'web_search' }], [{ name: 'f' }],
  JSON.parse('[{"type":"function","name":"f","parameters":{"__proto__":{"x":1}}}]'), JSON.parse('{"constructor":"x"}'),
  [{ type: 'message' }], [{ type: 5 }], [{ role: 'user', content: 'x' }], ['x'],
];

const ITEMS: Body[] = [
  { role: 'user', content: 'x' }, { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'x' }] },
  { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'x', annotations: [] }, { type: 'refusal', refusal: 'no' }], id: 'msg_1', status: 'completed' },
  { role: 'system', content: [] }, { role: 'tool', content: 'x' }, { role: 'user' }, { role: 'user', content: null }, { role: 'user', content: 3 },
  { type: null, role: 'user', content: 'x' }, { type: 'message', role: 'user', content: 'x', id: 3 }, { role: 'user', content: [{ type: 'input_text' }] },
  { role: 'user', content: [{ type: 'input_image', image_url: null, file_id: 'f' }] }, { role: 'user', content: [{ type: 'input_image', detail: 'max' }] },
  { role: 'user', content: [{ type: 'input_file', filename: 3 }] }, { role: 'user', content: [{ type: 'input_audio', data: 'x' }] },
  { role: 'user', content: [{ type: 'output_text', text: 'x' }] }, { role: 'assistant', content: [{ type: 'input_image', image_url: 'u' }] },
  JSON.parse('{"role":"user","content":[{"type":"input_text","text":"x","__proto__":{}}]}'),
  { type: 'function_call', call_id: 'c3', name: 'f', arguments: '{}' }, { type: 'function_call', call_id: '', name: 'f', arguments: '{}' },
  { type: 'function_call', call_id: 'c3', name: '', arguments: '{}' }, { type: 'function_call', call_id: 'c3', name: 'f', arguments: {} },
  { type: 'function_call', call_id: 'c3', name: 'f', arguments: '{}', namespace: 'mcp', status: null, id: 'fc_1' },
  { type: 'function_call', call_id: 'c3', name: 'f', arguments: '{}', status: 1 }, { type: 'function_call', call_id: 'c3', name: 'f' },
  { type: 'function_call_output', call_id: 'c1', output: 'ok' }, { type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: 'a' }, { type: 'input_image', image_url: 'u' }] },
  { type: 'function_call_output', call_id: 'c1', output: [{ type: 'output_text', text: 'a' }] }, { type: 'function_call_output', call_id: 'c1', output: null },
  { type: 'function_call_output', call_id: '', output: 'ok' }, { type: 'function_call_output', call_id: 'c1', output: 'ok', status: 'done', id: null },
  { type: 'function_call_output', call_id: 'nope', output: 'ok' },
  { type: 'custom_tool_call', call_id: 'c4', name: 'apply_patch', input: 'x', status: 7 }, { type: 'custom_tool_call', call_id: 'c4', name: 'apply_patch', input: 3 },
  { type: 'custom_tool_call', call_id: 'c4', name: 'apply_patch' }, { type: 'custom_tool_call_output', call_id: 'c2', output: 'Done' },
  { type: 'custom_tool_call_output', call_id: 'c2', output: [{ type: 'input_file', file_id: 'f' }] }, { type: 'custom_tool_call_output', call_id: 'c2' },
  { type: 'reasoning', summary: [] }, { type: 'reasoning', summary: [{ type: 'summary_text', text: 's' }], encrypted_content: 'gAAAA', id: 'rs_1' },
  { type: 'reasoning' }, { type: 'reasoning', summary: null }, { type: 'reasoning', summary: [{ type: 'reasoning_text', text: 's' }] },
  { type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'r' }] }, { type: 'reasoning', summary: [], content: [{ type: 'summary_text', text: 'r' }] },
  { type: 'reasoning', summary: [], encrypted_content: 5 }, { type: 'reasoning', summary: [{ type: 'summary_text' }] },
  JSON.parse('{"type":"reasoning","summary":[],"constructor":1}'),
];

describe('isPlainResponsesBody', () => {
  test("Codex's and the SDKs' bodies take the fast path and decode exactly as the schema's output", () => {
    for (const body of COMMON) expect(expectAgreement(structuredClone(body))).toBe(true);
  });

  test('every schema field with every kind of value: accepted only when the schema accepts it unchanged', () => {
    const keys = [...Object.keys(ResponsesRequestSchema.entries), 'extra'];
    expect(everyFieldValue(base, keys, POOL, expectSameDecision)).toBeGreaterThan(150);
  });

  test('random bodies (fuzz): never accepts what the schema refuses', () => {
    const keys = [...Object.keys(ResponsesRequestSchema.entries), 'extra', '__proto__', 'constructor'];
    fuzzBodies(11, base, keys.filter((k) => k !== 'input'), POOL, 'input', ITEMS, expectSameDecision);
  });

  test('names the schema drops from its output are left to the schema', () => {
    expect(isPlainResponsesBody(JSON.parse('{"model":"m","input":"hi","__proto__":{"x":1}}'))).toBe(false);
    expect(isPlainResponsesBody(JSON.parse('{"model":"m","input":[{"role":"user","content":"x","prototype":1}]}'))).toBe(false);
  });

  test('a missing or empty model is left to the schema, which words the error', () => {
    expect(isPlainResponsesBody({ input: 'hi' })).toBe(false);
    expect(isPlainResponsesBody({ model: '', input: 'hi' })).toBe(false);
    expect(() => decode({ input: 'hi' })).toThrow(/model/);
    expect(() => decode({ ...base, temperature: 3 })).toThrow(/temperature/);
  });
});

describe('isPlainItem', () => {
  test('every item shape: accepted only when its schema accepts it unchanged, and converted the same', () => {
    let fast = 0;
    for (const item of [...ITEMS, ...turn as Body[]]) {
      try {
        if (expectItemAgreement(structuredClone(item))) fast++;
      } catch (e) {
        // An item its schema accepts may still be refused by the conversion (an output without
        // its call): then the schema's output is refused the same way.
        if (!isGatewayError(e)) throw e;
        expect(() => convertResponsesInput([...CALLS, v.parse(SCHEMAS[typeOf(item)], item)])).toThrow(e.message);
      }
    }
    expect(fast).toBeGreaterThan(20);
  });

  test('a bad item still gets the schema\'s error, naming the item and the field', () => {
    expect(() => decode({ ...base, input: [{ role: 'user', content: 'x' }, { type: 'function_call', call_id: 'c', name: 'f', arguments: {} }] }))
      .toThrow(/input\[1\]\.arguments/);
    expect(() => decode({ ...base, input: [{ type: 'reasoning', summary: [{ type: 'summary_text' }] }] })).toThrow(/input\[0\]\.summary\[0\]\.text/);
  });

  test('a reasoning item without its summary (the schema defaults it) converts as one with an empty summary', () => {
    const item = { type: 'reasoning', content: [{ type: 'reasoning_text', text: 'r' }] };
    expect(isPlainItem.reasoning(item)).toBe(false);
    expect(convertResponsesInput([item])).toEqual(convertResponsesInput([{ ...item, summary: [] }]));
  });
});
