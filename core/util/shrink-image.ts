import { imageSize } from './image-size.ts';

/** What an API takes for one image. */
export interface ImageLimits {
  /** Longest side, in pixels. */
  maxSide: number;
  /** Longest base64 text. */
  maxBase64: number;
}

/**
 * Why an API would refuse an image as it is: too large, or of a type (as its bytes are) it does
 * not read (`unfit`: to be scaled and re-encoded); a header that cannot be read, as a damaged
 * file's (a PNG whose line ends a Windows shell rewrote), `unreadable`: re-encoded if it decodes
 * after all (a BMP named .png), else left out. Undefined when the API takes it as it is.
 * Reads the header only.
 */
export function imageProblem(base64: string, type: string, limits: ImageLimits, accepted: ReadonlySet<string>): 'unfit' | 'unreadable' | undefined {
  if (base64.length > limits.maxBase64 || !accepted.has(type)) return 'unfit';
  const size = imageSize(base64);
  if (size === undefined) return 'unreadable';
  return Math.max(size.width, size.height) > limits.maxSide ? 'unfit' : undefined;
}

/** A re-encoded image. */
export interface ShrunkImage {
  data: string;
  mediaType: 'image/png' | 'image/jpeg';
}

/**
 * Images over this many pixels are not decoded: a small file can claim a huge canvas, and the
 * decoded pixels take 4 bytes each (240 MB here, for a moment). A 48-megapixel phone photo fits.
 */
const MAX_PIXELS = 60_000_000;
/** Each further try scales the longest side by this much. */
const STEP = 0.7;
const TRIES = 5;
const JPEG_QUALITY = 85;

/**
 * `base64` (an image in any format Bun.Image decodes) within `limits`: scaled down to `maxSide`
 * when it is larger, then encoded as a PNG when it was one and may fit (text in screenshots
 * stays sharp), else or when the PNG is too long as a JPEG; while that is still too long,
 * scaled down further. The aspect ratio is kept, and an image is never scaled up. Decoding and
 * encoding run off the JavaScript thread. Undefined when the image cannot be read or made to fit.
 */
export async function shrinkImage(base64: string, limits: ImageLimits): Promise<ShrunkImage | undefined> {
  try {
    const bytes = Buffer.from(base64, 'base64');
    const image = () => new Bun.Image(bytes, { maxPixels: MAX_PIXELS });
    const { width, height, format } = await image().metadata();
    const longest = Math.max(width, height);
    let side = Math.min(limits.maxSide, longest);
    for (let n = 0; n < TRIES; n++) {
      const resized = () => (side < longest ? image().resize(side, side, { fit: 'inside' }) : image());
      // A PNG is tried when, scaled as the pixels are, it may fit: a large one goes straight to JPEG.
      if (format === 'png' && base64.length * (side / longest) ** 2 <= limits.maxBase64) {
        const png = (await resized().png().bytes()).toBase64();
        if (png.length <= limits.maxBase64) return { data: png, mediaType: 'image/png' };
      }
      const jpeg = (await resized().jpeg({ quality: JPEG_QUALITY }).bytes()).toBase64();
      if (jpeg.length <= limits.maxBase64) return { data: jpeg, mediaType: 'image/jpeg' };
      side = Math.floor(side * STEP);
    }
  } catch {
    // Not an image Bun.Image reads, over MAX_PIXELS, or a codec error: it cannot be made to fit.
  }
  return undefined;
}

/**
 * True when the whole of `base64` decodes (Bun.Image, off the JavaScript thread): a file cut
 * short or damaged past its header fails only here. About 10 ms for a large screenshot.
 */
export async function imageDecodes(base64: string): Promise<boolean> {
  try {
    await new Bun.Image(Buffer.from(base64, 'base64'), { maxPixels: MAX_PIXELS }).resize(8, 8).png().bytes();
    return true;
  } catch {
    return false;
  }
}

/**
 * Shrunk images by source: an agent sends its whole history on every turn, so an image is
 * shrunk once, not on each turn. Bounded by count and by the bytes held.
 */
const cache = new Map<string, ShrunkImage | null>();
const CACHE_ENTRIES = 64;
const CACHE_BYTES = 16 * 1024 * 1024;
let cachedBytes = 0;

/** `shrinkImage`, its result kept for the next turn that sends the same image within the same limits. */
export async function shrinkImageCached(base64: string, limits: ImageLimits): Promise<ShrunkImage | undefined> {
  const key = `${limits.maxSide}:${limits.maxBase64}:${base64.length}:${Bun.hash(base64).toString(36)}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit ?? undefined;
  }
  const image = await shrinkImage(base64, limits);
  cache.set(key, image ?? null);
  cachedBytes += image?.data.length ?? 0;
  for (const [k, v] of cache) {
    if (cache.size <= CACHE_ENTRIES && cachedBytes <= CACHE_BYTES) break;
    cache.delete(k);
    cachedBytes -= v?.data.length ?? 0;
  }
  return image;
}
