import { describe, expect, test } from 'bun:test';
import { createMediaCache } from './media-cache.ts';

const item = (bytes: number, data = 'x') => ({ data, mediaType: 'image/png', bytes });

describe('createMediaCache', () => {
  test('an item is found under its scope and URL only', () => {
    const c = createMediaCache();
    c.set('a', 'https://x/1.png', item(10, 'one'));
    expect(c.get('a', 'https://x/1.png')).toEqual(item(10, 'one'));
    expect(c.get('b', 'https://x/1.png')).toBeUndefined();
    expect(c.get('a', 'https://x/2.png')).toBeUndefined();
  });

  test('items live ttlMs', () => {
    let now = 0;
    const c = createMediaCache({ ttlMs: 1000, now: () => now });
    c.set('a', 'u', item(1));
    now = 1000;
    expect(c.get('a', 'u')).toBeDefined();
    now = 1001;
    expect(c.get('a', 'u')).toBeUndefined();
  });

  test('past maxBytes the least recently used go; an item larger than the cache is not kept', () => {
    const c = createMediaCache({ maxBytes: 100 });
    c.set('a', '1', item(40));
    c.set('a', '2', item(40));
    expect(c.get('a', '1')).toBeDefined(); // 1 is now the most recently used
    c.set('a', '3', item(40));
    expect([c.get('a', '1') !== undefined, c.get('a', '2') !== undefined, c.get('a', '3') !== undefined]).toEqual([true, false, true]);
    c.set('a', 'big', item(101));
    expect(c.get('a', 'big')).toBeUndefined();
    expect(c.get('a', '1')).toBeDefined();
  });
});
