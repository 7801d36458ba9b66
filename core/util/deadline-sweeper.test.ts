import { expect, test } from 'bun:test';
import { sweeper, type Watched } from './deadline-sweeper.ts';

test('an item whose check throws is dropped; the deadlines of the others still fire, on every tick', async () => {
  const fired: string[] = [];
  const broken: Watched = { slot: -1, check: () => { throw new Error('broken'); } };
  const watch = (name: string): Watched => {
    const w: Watched = { slot: -1, check: () => { fired.push(name); sweeper.delete(w); } };
    return w;
  };
  sweeper.add(broken);
  sweeper.add(watch('first'));
  await Bun.sleep(60);
  sweeper.add(watch('later'));
  await Bun.sleep(60);
  expect(fired).toEqual(['first', 'later']);
  expect(broken.slot).toBe(-1);
});
