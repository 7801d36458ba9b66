import { expect, test } from 'bun:test';
import { toolArgumentsObject } from './tool-arguments.ts';

test('tool arguments: the object models wrote, else {} (blank, invalid, an array, a scalar)', () => {
  expect(toolArgumentsObject('{"city": "Paris"}')).toEqual({ city: 'Paris' });
  for (const text of ['', '  ', '{"city":', '[1,2]', '"x"', '42', 'null']) expect(toolArgumentsObject(text)).toEqual({});
});
