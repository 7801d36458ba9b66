import { expect, test } from 'bun:test';
import * as v from 'valibot';
import { lookupTable } from './lookup-table.ts';
import { hasPlainFields, isFiniteNumber, isInt, nullish, oneOf, plainOrParsed, type ValueCheck } from './plain-fields.ts';

const fields = lookupTable<ValueCheck>({ model: (x) => typeof x === 'string', n: nullish(isInt) });

test('hasPlainFields: each field with a check passes it, other names pass, the required ones are there', () => {
  expect(hasPlainFields({ model: 'm', n: 2, extra: [1] }, fields, ['model'])).toBe(true);
  expect(hasPlainFields({ model: 'm', n: null }, fields, ['model'])).toBe(true);
  expect(hasPlainFields({ model: 3 }, fields, ['model'])).toBe(false);
  expect(hasPlainFields({ model: 'm', n: 1.5 }, fields, ['model'])).toBe(false);
  expect(hasPlainFields({ n: 1 }, fields, ['model'])).toBe(false);
  // Names on Object.prototype find no check; names a loose schema drops fail the whole body.
  expect(hasPlainFields(JSON.parse('{"model":"m","toString":1,"hasOwnProperty":2}'), fields, ['model'])).toBe(true);
  expect(hasPlainFields(JSON.parse('{"model":"m","constructor":1}'), fields, ['model'])).toBe(false);
  for (const body of [null, [], 'x']) expect(hasPlainFields(body, fields, [])).toBe(false);
});

test('the value checks', () => {
  expect([1, -2, 1.5, Number.NaN, Infinity, '1'].map((x) => isInt(x))).toEqual([true, true, false, false, false, false]);
  expect([1, 1.5, Number.NaN, Infinity, '1'].map((x) => isFiniteNumber(x))).toEqual([true, true, false, false, false]);
  const effort = oneOf('low', 'high');
  expect(['low', 'high', 'mid', null, 1].map((x) => effort(x))).toEqual([true, true, false, false, false]);
  expect([null, undefined, 'low', 'mid'].map((x) => nullish(effort)(x))).toEqual([true, true, true, false]);
});

test('plainOrParsed: the body itself on the fast path, else the schema output, else the dialect\'s error', () => {
  const schema = v.object({ model: v.string(), n: v.optional(v.number(), 1) });
  const isPlain = (b: Record<string, unknown>) => hasPlainFields(b, fields, ['model', 'n']);
  const refuse = (issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]) => new Error(`refused: ${issues[0].message}`);
  const plain = { model: 'm', n: 2 };
  expect(plainOrParsed(plain, isPlain, schema, refuse)).toBe(plain);
  const defaulted = { model: 'm' };
  const out = plainOrParsed(defaulted, isPlain, schema, refuse);
  expect(out).toEqual({ model: 'm', n: 1 });
  expect(out).not.toBe(defaulted);
  expect(() => plainOrParsed({ model: 3 }, isPlain, schema, refuse)).toThrow(/^refused: /);
});
