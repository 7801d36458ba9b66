import { expect, test } from 'bun:test';
import { join } from 'node:path';
import { random } from '../../tests/helpers/json-fuzz.ts';
import { imageSize } from './image-size.ts';

const BASE = join(import.meta.dir, '../../docs/screenshots/overview.png');

/** A JPEG with an EXIF segment of `exif` bytes before its frame header (cameras and phones write one). */
function withExif(jpeg: Uint8Array, exif: number): Uint8Array {
  const app1 = Buffer.alloc(4 + exif, 0x45);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(2 + exif, 2);
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}

test('the size in the header is the size Bun.Image decodes, for PNG, JPEG and lossy and lossless WebP', async () => {
  const base = await Bun.file(BASE).bytes();
  const next = random(Number(process.env.IMAGE_SIZE_SEED ?? 3));
  for (let n = 0; n < 12; n++) {
    const width = 1 + Math.floor(next() * 900);
    const height = 1 + Math.floor(next() * 900);
    const img = () => new Bun.Image(base).resize(width, height, { fit: 'fill' });
    const jpeg = await img().jpeg().bytes();
    const files = [await img().png().bytes(), jpeg, withExif(jpeg, 1 + Math.floor(next() * 3000)), await img().webp({ quality: 70 }).bytes(), await img().webp({ lossless: true }).bytes()];
    for (const bytes of files) {
      const meta = await new Bun.Image(bytes).metadata();
      expect(imageSize(Buffer.from(bytes).toBase64())).toEqual({ width: meta.width, height: meta.height });
    }
  }
});

test('GIF and extended WebP headers; other bytes and cut headers give undefined', () => {
  const gif = Buffer.from([...Buffer.from('GIF89a'), 0x40, 0x01, 0xf0, 0x00, 0, 0, 0, 0, 0, 0]);
  expect(imageSize(gif.toBase64())).toEqual({ width: 320, height: 240 });
  const vp8x = Buffer.alloc(30);
  vp8x.write('RIFF', 0, 'latin1');
  vp8x.write('WEBPVP8X', 8, 'latin1');
  vp8x.writeUIntLE(4999, 24, 3);
  vp8x.writeUIntLE(2999, 27, 3);
  expect(imageSize(vp8x.toBase64())).toEqual({ width: 5000, height: 3000 });
  const noHeader = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(24).fill(7)]);
  for (const text of ['', 'AAAA', noHeader.toBase64(), Buffer.from('not an image at all, really').toBase64(), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]).toBase64()]) {
    expect(imageSize(text)).toBeUndefined();
  }
});
