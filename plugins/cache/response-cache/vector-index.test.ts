import { expect, test } from 'bun:test';
import { normalize, VectorIndex } from './vector-index.ts';

test('nearest answers the most similar vector at or above the threshold, in the bucket only', () => {
  const ix = new VectorIndex();
  ix.add('b', 'x', normalize([1, 0, 0]));
  ix.add('b', 'y', normalize([1, 1, 0]));
  ix.add('other', 'z', normalize([1, 0, 0.01]));
  const q = normalize([1, 0.1, 0]);
  expect(ix.nearest('b', q, 0.9)?.id).toBe('x');
  expect(ix.nearest('b', q, 0.999)).toBeUndefined();
  expect(ix.nearest('b', q, 0.5, (id) => id !== 'x')?.id).toBe('y');
  expect(ix.nearest('b', normalize([1, 0]), 0)).toBeUndefined(); // other dimension count
  expect(ix.nearest('none', q, 0)).toBeUndefined();
});

test('remove keeps the other rows intact (swap with the last row); buckets grow', () => {
  const ix = new VectorIndex();
  for (let i = 0; i < 20; i++) ix.add('b', `v${i}`, normalize([1, i, 0]));
  expect(ix.size).toBe(20);
  ix.remove('v0');
  ix.remove('v5');
  expect(ix.size).toBe(18);
  expect(ix.nearest('b', normalize([1, 19, 0]), 0.9999)?.id).toBe('v19');
  expect(ix.nearest('b', normalize([1, 0, 0]), 0.9999)).toBeUndefined();
  ix.add('b', 'v19', normalize([0, 0, 1]));
  expect(ix.size).toBe(18);
  expect(ix.nearest('b', normalize([0, 0, 1]), 0.99)?.id).toBe('v19');
});
