import { expect, test } from 'bun:test';
import { image as makeImage } from '../../../tests/helpers/test-images.ts';
import { fitImages } from './fit-images.ts';

const image = (data: string, mediaType = 'image/png') => ({ type: 'image', source: { type: 'base64', media_type: mediaType, data } });

test('no image, or images within the limits: undefined, without a promise (the body goes as sent)', async () => {
  expect(fitImages([{ role: 'user', content: 'hi' }])).toBeUndefined();
  const small = await makeImage('png', 64, 40);
  expect(fitImages([{ role: 'user', content: [image(small), { type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] }])).toBeUndefined();
  expect(fitImages('not messages')).toBeUndefined();
});

test('an image past the limits that cannot be read is left out with a line saying so; the rest is untouched', async () => {
  const junk = 'A'.repeat(5 * 1024 * 1024 + 4);
  const messages = [
    { role: 'user', content: [{ type: 'text', text: 'first' }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [image(junk), { type: 'text', text: 'out' }] }] },
  ];
  const out = await fitImages(messages)!;
  expect(out[0]).toBe(messages[0]);
  const result = (out[1] as { content: Array<{ content: Array<{ type: string; text?: string }> }> }).content[0]!.content;
  expect(result[0]!.type).toBe('text');
  expect(result[0]!.text).toContain("could not be made to fit the Anthropic API's image limits");
  expect(result[1]).toEqual({ type: 'text', text: 'out' });
  expect((messages[1]!.content[0] as { content: unknown[] }).content[0]).toEqual(image(junk));
});

test('a format the API does not read is re-encoded as one it does, and a second call is served from the cache', async () => {
  // A BMP (which Bun.Image decodes, and the API refuses): 2×1 pixels, 24-bit.
  const bmp = Buffer.alloc(62);
  bmp.write('BM', 0, 'latin1');
  bmp.writeUInt32LE(62, 2);
  bmp.writeUInt32LE(54, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(2, 18);
  bmp.writeInt32LE(1, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(24, 28);
  bmp.writeUInt32LE(8, 34);
  const messages = [{ role: 'user', content: [image(bmp.toBase64(), 'image/bmp')] }];
  const first = (await fitImages(messages)!) as Array<{ content: Array<{ source: { media_type: string; data: string } }> }>;
  const source = first[0]!.content[0]!.source;
  expect(source.media_type).toBe('image/jpeg');
  expect(await new Bun.Image(Buffer.from(source.data, 'base64')).metadata()).toMatchObject({ width: 2, height: 1, format: 'jpeg' });
  const again = (await fitImages(messages)!) as typeof first;
  expect(again[0]!.content[0]!.source).toEqual(source);
  // Labelled as a PNG (a misnamed file), it is re-encoded the same way, not sent to be refused.
  const mislabelled = (await fitImages([{ role: 'user', content: [image(bmp.toBase64(), 'image/png')] }])!) as typeof first;
  expect(mislabelled[0]!.content[0]!.source).toEqual(source);
});

const JPEG = await makeImage('jpeg', 4, 3);
const jpegImage = (mediaType: string) => ({ type: 'image', source: { type: 'base64', media_type: mediaType, data: JPEG } });

test('relabelling: undefined when every label is right, or there is no image (the body then goes as sent)', () => {
  expect(fitImages([{ role: 'user', content: [jpegImage('image/jpeg'), { type: 'text', text: 'hi' }] }, { role: 'assistant', content: 'ok' }])).toBeUndefined();
  expect(fitImages([{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] }])).toBeUndefined();
  expect(fitImages('not messages')).toBeUndefined();
});

test('relabelling, without a promise: a wrong label is set right in a message and in a tool result; nothing given is changed', () => {
  const messages = [
    { role: 'user', content: [{ type: 'text', text: 'a' }] },
    { role: 'user', content: [jpegImage('image/png'), { type: 'tool_result', tool_use_id: 't', content: [jpegImage('image/gif'), { type: 'text', text: 'b' }] }] },
  ];
  const before = structuredClone(messages);
  const out = fitImages(messages) as unknown[];
  expect(out).toBeArray();
  expect(messages).toEqual(before);
  expect(out[0]).toBe(messages[0]);
  expect(out[1]).toEqual({
    role: 'user',
    content: [jpegImage('image/jpeg'), { type: 'tool_result', tool_use_id: 't', content: [jpegImage('image/jpeg'), { type: 'text', text: 'b' }] }],
  });
});

test('bytes of no image format (a PNG whose line ends a Windows shell rewrote), whatever their label, are left out with a line saying so', async () => {
  const junk = Buffer.from('\x89PNG\r\r\n\x1a\r\n not really a png: its line ends were rewritten').toString('base64');
  const out = (await fitImages([{ role: 'user', content: [image(junk), { type: 'text', text: 'see' }] }])) as Array<{ content: Array<{ type: string; text?: string }> }>;
  expect(out[0]!.content[0]).toEqual({ type: 'text', text: '[An image was left out here: its file could not be read as an image (damaged or cut short).]' });
  expect(out[0]!.content[1]).toEqual({ type: 'text', text: 'see' });
});
