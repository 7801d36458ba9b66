import { sniffMediaType } from './sniff-media-type.ts';

/** Width and height in pixels. */
export interface ImageSize {
  width: number;
  height: number;
}

/** Segments of a JPEG read before giving up on finding its frame header. */
const MAX_JPEG_SEGMENTS = 256;

/**
 * `n` bytes of the file `base64` encodes, from byte `start`, decoding only the base64 around
 * them: an image's header is found without decoding megabytes. Fewer bytes at the end.
 */
function bytesAt(base64: string, start: number, n: number): Buffer {
  const from = Math.floor(start / 3) * 4;
  const to = Math.ceil((start + n) / 3) * 4;
  const skip = start % 3;
  return Buffer.from(base64.slice(from, to), 'base64').subarray(skip, skip + n);
}

/**
 * The pixel size of a PNG, JPEG, GIF or WebP image given as base64, read from its header (the
 * whole image is not decoded), or undefined when the bytes are none of these or the header
 * cannot be read. For size checks against an API's limits: a wrong answer is impossible for a
 * well-formed file, and a malformed one gives undefined.
 */
export function imageSize(base64: string): ImageSize | undefined {
  const head = bytesAt(base64, 0, 30);
  if (head.length < 10) return undefined;
  switch (sniffMediaType(head)) {
    case 'image/png':
      return head.length >= 24 && head.toString('latin1', 12, 16) === 'IHDR' ? { width: head.readUInt32BE(16), height: head.readUInt32BE(20) } : undefined;
    case 'image/gif':
      return { width: head.readUInt16LE(6), height: head.readUInt16LE(8) };
    case 'image/webp':
      return webpSize(head);
    case 'image/jpeg':
      return jpegSize(base64);
    default:
      return undefined;
  }
}

/** WebP: the first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended) and holds the size. */
function webpSize(h: Buffer): ImageSize | undefined {
  if (h.length < 30) return undefined;
  const chunk = h.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') return { width: h.readUInt16LE(26) & 0x3fff, height: h.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = h.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { width: h.readUIntLE(24, 3) + 1, height: h.readUIntLE(27, 3) + 1 };
  return undefined;
}

/**
 * JPEG: the segments are walked by their lengths (EXIF and other APP segments come first) to
 * the first frame header (SOF0–SOF15 but DHT, JPG and DAC), which holds height then width.
 */
function jpegSize(base64: string): ImageSize | undefined {
  let at = 2;
  for (let n = 0; n < MAX_JPEG_SEGMENTS; n++) {
    const seg = bytesAt(base64, at, 9);
    if (seg.length < 4 || seg[0] !== 0xff) return undefined;
    const marker = seg[1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // no length
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return seg.length < 9 ? undefined : { width: seg.readUInt16BE(7), height: seg.readUInt16BE(5) };
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end, or scan data before any frame
    at += 2 + seg.readUInt16BE(2);
  }
  return undefined;
}
