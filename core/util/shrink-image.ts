/** What an API takes for one image. */
export interface ImageLimits {
  /** Longest side, in pixels. */
  maxSide: number;
  /** Longest base64 text. */
  maxBase64: number;
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
