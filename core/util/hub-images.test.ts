import { expect, test } from 'bun:test';
import type { ChatRequest } from '../types/hub.ts';
import { image } from '../../tests/helpers/test-images.ts';
import { fitHubImages, inlineImage, type ImageRules } from './hub-images.ts';

const rules: ImageRules = { api: 'Test', maxImages: 2, maxSide: 100, maxBase64: 1_000_000, accepted: new Set(['image/png', 'image/jpeg']) };

test('images within the rules: the request itself, nothing copied', async () => {
  const req = { model: 'm', messages: [{ role: 'user', content: [{ type: 'image', data: await image('png', 20, 10), mediaType: 'image/png' }, { type: 'text', text: 'hi' }] }] } as ChatRequest;
  expect(await fitHubImages(req, rules)).toBe(req);
  const none = { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] } as ChatRequest;
  expect(await fitHubImages(none, rules)).toBe(none);
});

test('past the count the oldest go; too wide is scaled, a data URL included; a type it does not read is re-encoded; junk is left out', async () => {
  const wide = await image('png', 300, 30);
  const webp = await image('webp', 12, 9);
  const junk = Buffer.from('not an image at all').toString('base64');
  const req = {
    model: 'm',
    messages: [
      { role: 'user', content: [{ type: 'image', data: await image('png', 5, 5), mediaType: 'image/png' }, { type: 'image', data: junk, mediaType: 'image/png' }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c', content: [{ type: 'image', url: `data:image/png;base64,${wide}` }, { type: 'image', data: webp, mediaType: 'image/webp' }] }] },
    ],
  } as ChatRequest;
  const before = structuredClone(req);
  // Four images, two allowed: the first two (the 5 px one and the junk) go.
  const out = await fitHubImages(req, { ...rules, maxImages: 2 });
  expect(req).toEqual(before);
  expect(out.messages[0]!.content).toEqual([
    { type: 'text', text: '[An earlier image was left out here: Test takes at most 2 images in one request.]' },
    { type: 'text', text: '[An earlier image was left out here: Test takes at most 2 images in one request.]' },
  ]);
  const [scaled, reencoded] = (out.messages[1]!.content[0] as { content: Array<{ data: string; mediaType: string; url?: string }> }).content;
  expect(scaled!.url).toBeUndefined();
  expect(await new Bun.Image(Buffer.from(scaled!.data, 'base64')).metadata()).toMatchObject({ width: 100, height: 10 });
  expect(['image/png', 'image/jpeg']).toContain(reencoded!.mediaType);
  // With room for all four, the junk one is left out as unreadable.
  const all = await fitHubImages(req, { ...rules, maxImages: 10 });
  expect(all.messages[0]!.content[1]).toEqual({ type: 'text', text: '[An image was left out here: its file could not be read as an image (damaged or cut short).]' });
  expect(inlineImage({ type: 'image', url: 'https://x/y.png' })).toBeUndefined();
});
