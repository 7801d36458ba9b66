import { expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { statedDescriptionLimit, statedToolCount, withDescriptionsWithin, withToolCountWithin } from './fit-tools.ts';

const refusal = (message: string, status = 400) => new GatewayError('GW_BAD_REQUEST', message, { upstream: { status, message } });

test('the stated limit is read from the refusal of a tool description, and only from it', () => {
  expect(statedDescriptionLimit(refusal("Invalid 'tools[13].function.description': string too long. Expected a string with maximum length 1024, but got a string with length 1103 instead."))).toBe(1024);
  expect(statedDescriptionLimit(refusal("Invalid 'tools': array too long. Expected an array with maximum length 128, but got an array with length 150 instead."))).toBeUndefined();
  expect(statedDescriptionLimit(refusal("Invalid 'tools[1].function.description': string too long. Expected a string with maximum length 1024", 500))).toBeUndefined();
  expect(statedDescriptionLimit(new Error("tools[1].function.description': string too long. Expected a string with maximum length 1024"))).toBeUndefined();
});

test('only the longer descriptions are cut, to the limit, never inside a surrogate pair; nothing given is changed', () => {
  const tools = [
    { type: 'function', function: { name: 'a', description: 'short' } },
    { type: 'function', function: { name: 'b', description: `${'x'.repeat(18)}😀😀` } },
    { type: 'function', function: { name: 'c' } },
  ];
  const copy = structuredClone(tools);
  const out = withDescriptionsWithin(tools, 20)!;
  expect(tools).toEqual(copy);
  expect(out[0]).toBe(tools[0]);
  expect(out[2]).toBe(tools[2]);
  const cut = (out[1] as typeof tools[1]).function.description!;
  expect(cut.length).toBeLessThanOrEqual(20);
  expect(cut.isWellFormed()).toBe(true);
  expect(cut.endsWith('…')).toBe(true);
  expect(withDescriptionsWithin(tools, 100)).toBeUndefined();
});

test('the stated tool count is read from the refusal of too many tools, and only from it', () => {
  expect(statedToolCount(refusal("Invalid 'tools': array too long. Expected an array with maximum length 128, but got an array with length 150 instead."))).toBe(128);
  expect(statedToolCount(refusal("Invalid 'tools[13].function.description': string too long. Expected a string with maximum length 1024, but got a string with length 1103 instead."))).toBeUndefined();
  expect(statedToolCount(refusal("Invalid 'tools': array too long. Expected an array with maximum length 128", 500))).toBeUndefined();
  expect(statedToolCount(new Error("Invalid 'tools': array too long. Expected an array with maximum length 128"))).toBeUndefined();
});

test('too many tools: the forced one and the ones the conversation called stay, then the first ones; the client order is kept', () => {
  const tool = (name: string) => ({ type: 'function', function: { name, parameters: { type: 'object' } } });
  const tools = ['a', 'b', 'c', 'd', 'e', 'f'].map(tool);
  const body = {
    tools,
    tool_choice: { type: 'function', function: { name: 'f' } },
    messages: [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: null, tool_calls: [{ id: '1', type: 'function', function: { name: 'e', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: '1', content: 'done' },
    ],
  };
  const copy = structuredClone(body);
  const out = withToolCountWithin(body, 4)!;
  expect(body).toEqual(copy);
  expect(out.tools.map((t) => (t as ReturnType<typeof tool>).function.name)).toEqual(['a', 'b', 'e', 'f']);
  expect(out.left).toEqual(['c', 'd']);
  expect(out.tools[0]).toBe(tools[0]);
  // Fewer places than wanted tools: the forced one first.
  expect(withToolCountWithin(body, 1)!.tools.map((t) => (t as ReturnType<typeof tool>).function.name)).toEqual(['f']);
  expect(withToolCountWithin(body, 6)).toBeUndefined();
  expect(withToolCountWithin({ messages: [] }, 6)).toBeUndefined();
});
