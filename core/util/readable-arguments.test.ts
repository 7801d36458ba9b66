import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Attempt } from '../plugin/types.ts';
import { repairUnreadableArguments, withReadableArguments } from './readable-arguments.ts';

const attempt = { provider: {}, target: { provider: 'p', model: 'm' } } as unknown as Attempt;
const refusal = (message: string, status = 400) => new GatewayError('GW_UPSTREAM_ERROR', message, { status, upstream: { status, message } });
const chat = { messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a": "cut' } }] }] };

describe('unreadable history arguments', () => {
  test('how vLLM and llama.cpp\'s server word the refusal; nothing for other errors', () => {
    for (const m of ["Expecting ',' delimiter: line 1 column 54 (char 53)", 'Unterminated string starting at: line 1 column 14 (char 13)',
      'Expecting value: line 1 column 1 (char 0)', 'Failed to parse tool call arguments as JSON: [json.exception.parse_error.101]']) {
      expect([m, repairUnreadableArguments(refusal(m), chat, attempt)?.body]).toEqual([m, { messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }] }]);
    }
    expect(repairUnreadableArguments(refusal('The model `x` does not exist'), chat, attempt)).toBeUndefined();
    expect(repairUnreadableArguments(refusal('Unterminated string starting at: line 1 column 14 (char 13)'), { messages: [] }, attempt)).toBeUndefined();
  });

  test('Responses function_call items too; undefined when every call reads', () => {
    expect(withReadableArguments({ input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: '' }, { role: 'user', content: 'x' }] }))
      .toEqual({ input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' }, { role: 'user', content: 'x' }] });
    expect(withReadableArguments({ messages: [{ role: 'assistant', tool_calls: [{ function: { arguments: '{}' } }] }] })).toBeUndefined();
  });
});
