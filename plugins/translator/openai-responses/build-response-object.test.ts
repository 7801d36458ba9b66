import { expect, test } from 'bun:test';
import { newId, outputItemId } from './build-response-object.ts';

test('new ids sort by the time they were made; item ids of the gateway\'s responses sort with them', async () => {
  const first = newId('resp_');
  await Bun.sleep(2);
  const second = newId('resp_');
  expect(first).toMatch(/^resp_[0-9a-f]{48}$/);
  expect(first < second).toBe(true);
  expect(newId('resp_')).not.toBe(newId('resp_'));
  const item = outputItemId('msg_', second, 0);
  expect(item).toMatch(/^msg_[0-9a-f]{48}$/);
  expect(outputItemId('msg_', first, 7) < item).toBe(true);
  expect(outputItemId('msg_', second, 0)).toBe(item);
  expect(new Set([0, 1, 2, 300].map((i) => outputItemId('fc_', second, i))).size).toBe(4);
  // An upstream's own id (another shape) still gives a stable, well-formed item id.
  const foreign = outputItemId('fc_', 'resp_upstream-1', 0);
  expect(foreign).toMatch(/^fc_[0-9a-f]{48}$/);
  expect(outputItemId('fc_', 'resp_upstream-1', 0)).toBe(foreign);
  expect(outputItemId('fc_', 'resp_upstream-1', 1)).not.toBe(foreign);
});
