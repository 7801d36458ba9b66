import { expect, test } from 'bun:test';
import { lookupTable } from './lookup-table.ts';

test('a lookup table finds its own keys and nothing of Object.prototype', () => {
  const t = lookupTable({ gzip: 1, br: 2 });
  expect(t.gzip).toBe(1);
  expect(t.br).toBe(2);
  for (const k of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) expect(t[k]).toBeUndefined();
  expect(Object.keys(t)).toEqual(['gzip', 'br']);
  expect(Object.isFrozen(t)).toBe(true);
});
