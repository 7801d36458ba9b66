import { describe, expect, test } from 'bun:test';
import { ALNUM9_IDS, mapToolCallIds, MAX40_IDS, statedToolCallIdRule } from './map-tool-call-ids.ts';

const call = (id: string) => ({ id, type: 'function', function: { name: 'f', arguments: '{}' } });

describe('mapToolCallIds', () => {
  test('valid ids and messages without calls are left as they are', () => {
    const messages = [{ role: 'user', content: 'hi' }, { role: 'assistant', content: null, tool_calls: [call('D681PevKs')] }, { role: 'tool', tool_call_id: 'D681PevKs', content: 'x' }];
    expect(mapToolCallIds(messages)).toBe(messages);
  });

  test('other ids: 9 letters or digits, the same for a call and its result, the same on every request', () => {
    const messages = () => [
      { role: 'assistant', content: null, tool_calls: [call('toolu_01A'), call('D681PevKs')] },
      { role: 'tool', tool_call_id: 'toolu_01A', content: 'a' },
      { role: 'tool', tool_call_id: 'D681PevKs', content: 'b' },
    ];
    type Fitted = Array<{ tool_calls?: Array<{ id: string }>; tool_call_id?: string }>;
    const out = mapToolCallIds(messages()) as Fitted;
    const [fitted, kept] = out[0]!.tool_calls!.map((c) => c.id);
    expect(fitted).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(kept).toBe('D681PevKs');
    expect([out[1]!.tool_call_id, out[2]!.tool_call_id]).toEqual([fitted, kept]);
    expect((mapToolCallIds(messages()) as Fitted)[0]!.tool_calls![0]!.id).toBe(fitted!);
  });

  test('max40 (OpenAI): only ids over 40 characters change, to call_ and 32 characters, stable', () => {
    const long = 'x'.repeat(83);
    const messages = [{ role: 'assistant', content: null, tool_calls: [call(long), call('toolu_01A')] }, { role: 'tool', tool_call_id: long, content: 'a' }];
    type Fitted = Array<{ tool_calls?: Array<{ id: string }>; tool_call_id?: string }>;
    const out = mapToolCallIds(messages, MAX40_IDS) as Fitted;
    const [fitted, kept] = out[0]!.tool_calls!.map((c) => c.id);
    expect(fitted).toMatch(/^call_[0-9A-Za-z]{32}$/);
    expect(kept).toBe('toolu_01A');
    expect(out[1]!.tool_call_id).toBe(fitted);
    expect((mapToolCallIds(messages, MAX40_IDS) as Fitted)[0]!.tool_calls![0]!.id).toBe(fitted);
    const short = [{ role: 'tool', tool_call_id: 'toolu_01A', content: 'a' }];
    expect(mapToolCallIds(short, MAX40_IDS)).toBe(short);
  });
});

describe('statedToolCallIdRule', () => {
  test('the rule a refusal states', () => {
    expect(statedToolCallIdRule('Tool call id was toolu_01A09q90qw90lq917835lq9 but must be a-z, A-Z, 0-9, with a length of 9.')).toBe(ALNUM9_IDS);
    expect(statedToolCallIdRule("Invalid 'messages[2].tool_calls[0].id': string too long. Expected a string with maximum length 40, but got a string with length 83 instead.")).toBe(MAX40_IDS);
    const max64 = statedToolCallIdRule("Invalid 'messages[3].tool_call_id': string too long. Expected a string with maximum length 64");
    expect(max64?.valid('x'.repeat(64))).toBe(true);
    expect(max64?.make('toolu_' + 'y'.repeat(80))).toMatch(/^call_[0-9A-Za-z]{32}$/);
    const max16 = statedToolCallIdRule("Invalid 'messages[3].tool_call_id': string too long. Expected a string with maximum length 16");
    expect(max16?.make('call_' + 'z'.repeat(40))).toMatch(/^[0-9A-Za-z]{16}$/);
  });

  test('nothing for other errors', () => {
    expect(statedToolCallIdRule("Invalid 'messages[1].content': string too long. Expected a string with maximum length 40")).toBeUndefined();
    expect(statedToolCallIdRule('Tool call id was x but must be unique')).toBeUndefined();
  });
});
