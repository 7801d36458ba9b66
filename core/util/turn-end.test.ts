import { expect, test } from 'bun:test';
import { atTurnEnd, turnEnd } from './turn-end.ts';

test('held work runs after the current callbacks and promise jobs, in the order it was held', async () => {
  const order: string[] = [];
  atTurnEnd(() => order.push('a'));
  void turnEnd().then(() => order.push('b'));
  atTurnEnd(() => order.push('c'));
  queueMicrotask(() => order.push('microtask'));
  order.push('sync');
  await new Promise((r) => setImmediate(r));
  await Promise.resolve();
  expect(order).toEqual(['sync', 'microtask', 'a', 'c', 'b']);
});

test('work held while the queue runs goes in the next turn; one that throws does not stop the rest', async () => {
  const order: string[] = [];
  atTurnEnd(() => {
    order.push('first');
    atTurnEnd(() => order.push('later'));
  });
  atTurnEnd(() => {
    throw new Error('boom');
  });
  atTurnEnd(() => order.push('second'));
  await new Promise((r) => setImmediate(r));
  expect(order).toEqual(['first', 'second']);
  await turnEnd();
  expect(order).toEqual(['first', 'second', 'later']);
});
