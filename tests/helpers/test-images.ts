/**
 * Real, tiny images for tests, made with Bun.Image (the mock upstreams decode what they are sent,
 * as the APIs do, so a made-up header no longer passes for an image).
 */

/** A 24-bit BMP of `width` × `height` pixels, a colour gradient: a format Bun.Image decodes and the APIs refuse. */
export function bmp(width: number, height: number): Buffer {
  const row = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + row * height;
  const b = Buffer.alloc(size);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(size, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(width, 18);
  b.writeInt32LE(height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  b.writeUInt32LE(row * height, 34);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) b.set([(x * 255) / width, (y * 255) / height, 128], 54 + y * row + x * 3);
  }
  return b;
}

/** A 1×1 GIF (Bun.Image does not encode GIF). */
export const GIF = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

/** A `width` × `height` image in `format`, as base64. */
export async function image(format: 'png' | 'jpeg' | 'webp' | 'gif', width = 4, height = 3): Promise<string> {
  if (format === 'gif') return GIF;
  const img = new Bun.Image(bmp(width, height));
  return (await (format === 'png' ? img.png() : format === 'jpeg' ? img.jpeg() : img.webp()).bytes()).toBase64();
}

/** The first half of an image: its header is whole, its pixels do not decode (a file read while it was written). */
export const cutShort = (base64: string): string => Buffer.from(base64, 'base64').subarray(0, Math.floor((base64.length * 3) / 8)).toString('base64');
