import { expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatRequest } from '../../../core/types/hub.ts';
import { bmp, cutShort, image } from '../../../tests/helpers/test-images.ts';
import { createImageRepair, IMAGE_LEFT_OUT, isImageRefusal } from './repair-images.ts';

const refusal = (message: string, status = 400) => new GatewayError('GW_BAD_REQUEST', message, { upstream: { status, message } });

test('the refusals of an image, in each API\'s words, and only those', () => {
  for (const m of [
    'Could not process image',
    "The image data you provided does not represent a valid image. Please check your input and try again with one of the supported image formats: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'].",
    "You uploaded an unsupported image. Please make sure your image is below 20 MB in size and is of one the following formats: ['png', 'jpeg', 'gif', 'webp'].",
    'Invalid image.',
    'Unable to process input image. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  ]) expect(isImageRefusal(refusal(m))).toBe(true);
  expect(isImageRefusal(refusal('Could not process image', 500))).toBe(false);
  expect(isImageRefusal(refusal('messages.0.content.0.image.source.base64.data: Image does not match the provided media type image/png'))).toBe(false);
  expect(isImageRefusal(refusal('Invalid image_url: expected a URL'))).toBe(false);
  expect(isImageRefusal(new Error('Could not process image'))).toBe(false);
});

test('fix: a cut-short image left out, a BMP re-encoded, an SVG as its source, a good one untouched; remembered for later turns', async () => {
  const good = await image('png', 20, 10);
  const cut = cutShort(await image('png', 200, 100));
  const svg = '<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>';
  const req: ChatRequest = {
    model: 'm',
    messages: [
      { role: 'user', content: [{ type: 'image', data: good, mediaType: 'image/png' }, { type: 'image', url: `data:image/png;base64,${bmp(3, 2).toString('base64')}` }] },
      { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'Read', arguments: '{}' }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', content: [{ type: 'image', data: cut, mediaType: 'image/png' }, { type: 'text', text: 'done' }] }] },
      { role: 'user', content: [{ type: 'image', data: Buffer.from(svg).toString('base64'), mediaType: 'image/svg+xml' }] },
    ],
  } as ChatRequest;
  const before = structuredClone(req);
  const repair = createImageRepair();
  expect(repair.withoutKnown(req)).toBeUndefined();
  const fixed = (await repair.fix(req))!;
  expect(req).toEqual(before);
  expect(fixed.left).toBe(1);
  expect(fixed.reencoded).toBe(1);
  const [first, call, tool, last] = fixed.body.messages;
  expect(first!.content[0]).toBe(req.messages[0]!.content[0]);
  const reencoded = first!.content[1] as { data: string; mediaType: string; url?: string };
  expect(reencoded.url).toBeUndefined();
  expect(await new Bun.Image(Buffer.from(reencoded.data, 'base64')).metadata()).toMatchObject({ width: 3, height: 2, format: reencoded.mediaType.slice(6) });
  expect(call).toBe(req.messages[1]);
  expect((tool!.content[0] as { content: unknown[] }).content).toEqual([{ type: 'text', text: IMAGE_LEFT_OUT }, { type: 'text', text: 'done' }]);
  expect(last!.content[0]).toEqual({ type: 'text', text: `[An SVG image, as its source:]\n${svg}` });
  // The next turn, the same history: the cut-short image is left out before the call.
  const next = repair.withoutKnown(req)!;
  expect((next.messages[2]!.content[0] as { content: unknown[] }).content[0]).toEqual({ type: 'text', text: IMAGE_LEFT_OUT });
  expect(next.messages[0]).toBe(req.messages[0]);
  // Nothing wrong: nothing to fix.
  expect(await repair.fix({ model: 'm', messages: [req.messages[0]!, req.messages[1]!].slice(0, 1).map((m) => ({ ...m, content: [m.content[0]!] })) } as ChatRequest)).toBeUndefined();
});
