import { describe, expect, test } from 'bun:test';
import { createJsonValueUnwrapper, needsValueWrap, unwrapJsonValue, wrapValueSchema } from './unwrap-json-value.ts';

/** Pushes `text` cut at every position in turn, and in single characters: each must give `want`. */
function everySplit(text: string, want: string): void {
  for (let cut = 0; cut <= text.length; cut++) {
    const u = createJsonValueUnwrapper();
    expect(u.push(text.slice(0, cut)) + u.push(text.slice(cut)) + u.end()).toBe(want);
  }
  const u = createJsonValueUnwrapper();
  expect([...text].map((c) => u.push(c)).join('') + u.end()).toBe(want);
}

describe('needsValueWrap', () => {
  test('object roots stay; arrays, scalars, type lists and typeless unions are wrapped', () => {
    expect(needsValueWrap({ type: 'object', properties: {} })).toBe(false);
    expect(needsValueWrap({ properties: { a: { type: 'string' } } })).toBe(false);
    expect(needsValueWrap({})).toBe(false);
    expect(needsValueWrap({ type: 'array', items: { type: 'string' } })).toBe(true);
    expect(needsValueWrap({ type: 'string', enum: ['a', 'b'] })).toBe(true);
    expect(needsValueWrap({ type: ['object', 'null'] })).toBe(true);
    expect(needsValueWrap({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toBe(true);
    expect(needsValueWrap({ enum: ['x'] })).toBe(true);
  });
});

describe('wrapValueSchema', () => {
  test('closed object with one required `value`; definitions move to the root so refs resolve', () => {
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', items: { $ref: '#/$defs/Item' }, $defs: { Item: { type: 'object' } } };
    expect(wrapValueSchema(schema)).toEqual({
      type: 'object',
      properties: { value: { type: 'array', items: { $ref: '#/$defs/Item' } } },
      required: ['value'],
      additionalProperties: false,
      $defs: { Item: { type: 'object' } },
    });
  });
});

describe('createJsonValueUnwrapper', () => {
  test('an array value, split anywhere, comes out bare', () => {
    everySplit('{"value":[{"a":1},{"b":[2,3]}]}', '[{"a":1},{"b":[2,3]}]');
  });

  test('whitespace around the wrapper is dropped, inside the value kept', () => {
    everySplit(' {\n  "value" : [ 1, 2 ] \n}\n', '[ 1, 2 ]');
  });

  test('a string value with braces, commas, quotes and escapes', () => {
    everySplit('{"value": "a, } ] \\" { b\\\\"}', '"a, } ] \\" { b\\\\"');
  });

  test('scalars: number, true, null', () => {
    everySplit('{"value": -1.5e3}', '-1.5e3');
    everySplit('{"value":true}', 'true');
    everySplit('{"value": null }', 'null');
  });

  test('anything after the value is dropped (a stray extra key included)', () => {
    everySplit('{"value":[1],"note":"x"}', '[1]');
  });

  test('a reply that is not the wrapper is given back unchanged', () => {
    everySplit('[1,2]', '[1,2]');
    everySplit('{"items":[1]}', '{"items":[1]}');
    everySplit('{"val":1}', '{"val":1}');
    everySplit('Sorry, I cannot.', 'Sorry, I cannot.');
  });

  test('a prefix that never completes is given back at the end', () => {
    const u = createJsonValueUnwrapper();
    expect(u.push('{"val')).toBe('');
    expect(u.end()).toBe('{"val');
  });

  test('a value cut short (max tokens) is given as far as it came', () => {
    expect(unwrapJsonValue('{"value":["a","b')).toBe('["a","b');
  });
});
