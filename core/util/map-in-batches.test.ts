import { describe, expect, test } from 'bun:test';
import { mapInBatches } from './map-in-batches.ts';

describe('mapInBatches', () => {
  test('batches of at most size, results in order, never more than concurrency in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const items = Array.from({ length: 250 }, (_, i) => i);
    const out = await mapInBatches(items, 100, 2, async (batch, i) => {
      most = Math.max(most, ++inFlight);
      await Bun.sleep(i === 0 ? 15 : 1); // the first batch finishes last
      inFlight--;
      return batch;
    });
    expect(out.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(out.flat()).toEqual(items);
    expect(most).toBe(2);
  });

  test('a failing batch rejects, and batches not started are not started', async () => {
    const started: number[] = [];
    const err = await mapInBatches([1, 2, 3, 4], 1, 1, async (_b, i) => {
      started.push(i);
      if (i === 1) throw new Error('boom');
      return i;
    }).catch((e: Error) => e.message);
    expect(err).toBe('boom');
    expect(started).toEqual([0, 1]);
  });
});
