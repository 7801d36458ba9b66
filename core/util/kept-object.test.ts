import { expect, test } from 'bun:test';
import { isKeptObject } from './kept-object.ts';

test('an object a valibot loose object or record keeps as it is', () => {
  expect(isKeptObject(JSON.parse('{"a":1,"nested":{"__proto__":{}}}'))).toBe(true); // only its own names count
  expect(isKeptObject({})).toBe(true);
  for (const x of [null, undefined, 'x', 1, [], [1]]) expect(isKeptObject(x)).toBe(false);
  for (const name of ['__proto__', 'prototype', 'constructor']) expect(isKeptObject(JSON.parse(`{"a":1,"${name}":{}}`))).toBe(false);
});
