import { expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { statedDescriptionLimit, withDescriptionsWithin } from './fit-tool-descriptions.ts';

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
