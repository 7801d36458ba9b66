import { describe, expect, test } from 'bun:test';
import { tapStream } from './tap-stream.ts';

const source = (values: number[], failAt?: number) => {
  let i = 0;
  let cancelled: unknown = 'not cancelled';
  const stream = new ReadableStream<number>({
    pull(ctl) {
      if (i === failAt) throw new Error('read failed');
      if (i < values.length) ctl.enqueue(values[i++]!);
      else ctl.close();
    },
    cancel(reason) {
      cancelled = reason;
    },
  });
  return { stream, cancelled: () => cancelled };
};

describe('tapStream', () => {
  test('passes every value on unchanged and in order, then reports the end', async () => {
    const seen: number[] = [];
    let done = 0;
    const out = tapStream(source([1, 2, 3]).stream, { value: (v) => seen.push(v), done: () => done++ });
    const got: number[] = [];
    for await (const v of out) got.push(v);
    expect(got).toEqual([1, 2, 3]);
    expect(seen).toEqual([1, 2, 3]);
    expect(done).toBe(1);
  });

  test('a read failure is reported and reaches the consumer', async () => {
    const errors: unknown[] = [];
    const out = tapStream(source([1, 2, 3], 1).stream, { value: () => {}, error: (e) => errors.push(e) });
    const reader = out.getReader();
    expect((await reader.read()).value).toBe(1);
    await expect(reader.read()).rejects.toThrow('read failed');
    expect(errors).toHaveLength(1);
  });

  test('a cancel by the consumer is reported and cancels the source', async () => {
    const src = source([1, 2, 3]);
    const reasons: unknown[] = [];
    const out = tapStream(src.stream, { value: () => {}, cancel: (r) => reasons.push(r) });
    const reader = out.getReader();
    await reader.read();
    await reader.cancel('client left');
    expect(reasons).toEqual(['client left']);
    expect(src.cancelled()).toBe('client left');
  });
});
