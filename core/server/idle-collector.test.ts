import { expect, test } from 'bun:test';
import { createIdleCollector } from './idle-collector.ts';

/** A collector with a fake heap: `grow` adds garbage, a collection keeps `live` bytes. */
function harness(o: { inflight?: () => number; live?: number } = {}) {
  const MB = 1024 * 1024;
  let heap = o.live ?? 10 * MB;
  const collections: number[] = [];
  const c = createIdleCollector({
    inflight: o.inflight ?? (() => 0),
    heapUsed: () => heap,
    collect: () => {
      collections.push(heap);
      heap = o.live ?? 10 * MB;
    },
    idleMs: 20,
    minGrowthBytes: 8 * MB,
  });
  return { c, collections, grow: (mb: number) => void (heap += mb * MB), MB };
}

test('a burst, then quiet: one collection; the next quiet spell without growth: none', async () => {
  const h = harness();
  h.grow(30);
  h.c.touch();
  await Bun.sleep(60);
  expect(h.collections).toEqual([40 * h.MB]);
  h.grow(2); // a few requests: less than 8 MB of garbage
  h.c.touch();
  await Bun.sleep(60);
  expect(h.collections).toHaveLength(1);
  h.grow(9);
  h.c.touch();
  await Bun.sleep(60);
  expect(h.collections).toHaveLength(2);
  h.c.stop();
});

test('requests that keep coming, or one still in flight, put it off', async () => {
  let inflight = 1;
  const h = harness({ inflight: () => inflight });
  h.grow(30);
  h.c.touch();
  for (let i = 0; i < 5; i++) {
    await Bun.sleep(10);
    h.c.touch();
  }
  await Bun.sleep(40);
  expect(h.collections).toEqual([]); // still one in flight
  inflight = 0;
  await Bun.sleep(60);
  expect(h.collections).toHaveLength(1);
  h.c.stop();
});

test('stop() cancels a pending check', async () => {
  const h = harness();
  h.grow(30);
  h.c.touch();
  h.c.stop();
  await Bun.sleep(60);
  expect(h.collections).toEqual([]);
});
