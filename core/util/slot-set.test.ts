import { describe, expect, test } from 'bun:test';
import { SlotSet } from './slot-set.ts';

type Item = { slot: number; name: string };
const item = (name: string): Item => ({ slot: -1, name });
const names = (s: SlotSet<Item>) => {
  const out: string[] = [];
  s.forEach((i) => out.push(i.name));
  return out.sort();
};

describe('SlotSet', () => {
  test('add, delete and size; a second add or a foreign delete changes nothing', () => {
    const s = new SlotSet<Item>();
    const [a, b, c] = [item('a'), item('b'), item('c')];
    s.add(a);
    s.add(b);
    s.add(c);
    s.add(b);
    expect(s.size).toBe(3);
    s.delete(a);
    expect(a.slot).toBe(-1);
    expect(names(s)).toEqual(['b', 'c']);
    s.delete(a);
    s.delete(item('stranger'));
    expect(s.size).toBe(2);
    s.add(a);
    expect(names(s)).toEqual(['a', 'b', 'c']);
  });

  test('an item deleted from one set is not removed from another by a stale slot', () => {
    const s = new SlotSet<Item>();
    const t = new SlotSet<Item>();
    const a = item('a');
    const b = item('b');
    s.add(a);
    t.add(b);
    // b.slot is 0, as is a.slot; deleting b from s must not remove a.
    s.delete(b);
    expect(names(s)).toEqual(['a']);
  });

  test('forEach visits every item once even when the callback deletes itself or others', () => {
    const s = new SlotSet<Item>();
    const items = Array.from({ length: 10 }, (_, i) => item(String(i)));
    for (const i of items) s.add(i);
    const seen = new Set<string>();
    s.forEach((i) => {
      seen.add(i.name);
      s.delete(i);
      if (i.name === '7') s.delete(items[2]!);
    });
    // '2' was deleted by '7' before its turn; every other item was visited.
    expect([...seen].sort()).toEqual(['0', '1', '3', '4', '5', '6', '7', '8', '9']);
    expect(s.size).toBe(0);
  });

  test('items added during forEach wait for the next pass', () => {
    const s = new SlotSet<Item>();
    s.add(item('a'));
    const seen: string[] = [];
    s.forEach((i) => {
      seen.push(i.name);
      s.add(item('late'));
    });
    expect(seen).toEqual(['a']);
    expect(names(s)).toEqual(['a', 'late']);
  });
});
