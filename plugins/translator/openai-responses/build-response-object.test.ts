import { expect, test } from 'bun:test';
import { newId, outputItemId } from './build-response-object.ts';

test('new ids sort by the time they were made; item ids keep their response id\'s time', async () => {
  const first = newId('resp_');
  await Bun.sleep(2);
  const second = newId('resp_');
  expect(first).toMatch(/^resp_[0-9a-f]{48}$/);
  expect(first < second).toBe(true);
  expect(newId('resp_')).not.toBe(newId('resp_'));
  const item = outputItemId('msg_', second, 0);
  expect(item).toMatch(/^msg_[0-9a-f]{48}$/);
  expect(item.slice(4, 16)).toBe(second.slice(5, 17));
  expect(outputItemId('msg_', second, 0)).toBe(item);
  expect(outputItemId('msg_', second, 1)).not.toBe(item);
  // An upstream's own id (no time in it) still gives a stable, well-formed item id.
  expect(outputItemId('fc_', 'resp_upstream-1', 0)).toMatch(/^fc_[0-9a-f]{48}$/);
});
