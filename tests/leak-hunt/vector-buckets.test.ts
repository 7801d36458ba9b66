/**
 * The semantic cache files vectors in buckets (one per scope, model and conversation). A vector
 * it refuses (empty: an embeddings server that answered with none) must not leave an empty
 * bucket behind, or every conversation seen while that server misbehaves is remembered.
 */
import { expect, test } from 'bun:test';
import { VectorIndex } from '../../plugins/cache/response-cache/vector-index.ts';

test('refused vectors leave no bucket (20,000 conversations)', () => {
  const index = new VectorIndex();
  for (let i = 0; i < 20_000; i++) expect(index.add(`scope\0model\0conversation-${i}`, `sig-${i}`, new Float32Array(0))).toBe(false);
  expect(index.size).toBe(0);
  expect((index as unknown as { buckets: Map<string, unknown> }).buckets.size).toBe(0);
});
