import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatRequest, ImagePart, TextPart } from '../../../core/types/hub.ts';
import { inlineImage, replaceImageParts, UNREADABLE_IMAGE, VISION_FORMATS } from '../../../core/util/hub-images.ts';
import { sniffMediaType } from '../../../core/util/sniff-media-type.ts';
import { imageDecodes, shrinkImage } from '../../../core/util/shrink-image.ts';

/**
 * How the APIs refuse an image they cannot read: Anthropic "Could not process image"; OpenAI
 * "The image data you provided does not represent a valid image", "You uploaded an unsupported
 * image", "Invalid image"; Gemini "Unable to process input image".
 */
const REFUSAL = /could not process image|does not represent a valid image|uploaded an unsupported image|invalid image\b|unable to process input image/i;

/** True for an upstream's 400 refusing an image it cannot read. */
export function isImageRefusal(e: unknown): boolean {
  return isGatewayError(e) && e.upstream?.status === 400 && REFUSAL.test(e.upstream.message ?? e.message);
}

/** What stands where an image was left out. */
export const IMAGE_LEFT_OUT = UNREADABLE_IMAGE;
/** The most of an SVG's source that stands in for it. */
const SVG_CHARS = 64 * 1024;
/** Re-encoding keeps the image's size: only its format changes. */
const REENCODE = { maxSide: 16_384, maxBase64: 32 * 1024 * 1024 };
const KNOWN_ENTRIES = 256;

const keyOf = (data: string) => `${data.length}:${Bun.hash(data).toString(36)}`;

/**
 * What an image becomes after a refusal, or undefined when it decodes in a format every API
 * takes. An SVG stands as its source text; one that decodes in another format (BMP, TIFF, HEIC)
 * is re-encoded as PNG or JPEG; one that does not decode is left out (`IMAGE_LEFT_OUT`).
 */
async function replacementOf(data: string, mediaType: string): Promise<ImagePart | TextPart | undefined> {
  const type = sniffMediaType(Buffer.from(data.slice(0, 24), 'base64'));
  if (type && VISION_FORMATS.has(type) && (await imageDecodes(data))) return undefined;
  if (mediaType === 'image/svg+xml' || /^\s*<(\?xml|svg)/.test(Buffer.from(data.slice(0, 64), 'base64').toString('latin1'))) {
    const svg = Buffer.from(data, 'base64').toString('utf8');
    return { type: 'text', text: `[An SVG image, as its source:]\n${svg.length > SVG_CHARS ? `${svg.slice(0, SVG_CHARS)}…` : svg}` };
  }
  const image = type && VISION_FORMATS.has(type) ? undefined : await shrinkImage(data, REENCODE);
  return image ? { type: 'image', data: image.data, mediaType: image.mediaType } : { type: 'text', text: IMAGE_LEFT_OUT };
}

/**
 * The repairs, with the images found not to decode remembered by content (bounded): an agent
 * sends the same history on every turn, and later turns leave them out at once.
 */
export function createImageRepair() {
  const known = new Set<string>();
  /** `req` with each inline image `swapOf` (by content) answers for replaced. */
  const swapped = (req: ChatRequest, swapOf: (key: string) => ImagePart | TextPart | undefined) => replaceImageParts(req, (p) => {
    const img = inlineImage(p);
    const swap = img && swapOf(keyOf(img.data));
    return swap?.type === 'image' ? { ...p, url: undefined, data: swap.data, mediaType: swap.mediaType } : swap;
  });
  return {
    /** `req` without the images known not to decode, or undefined when it has none (no cost while none is known). */
    withoutKnown(req: ChatRequest): ChatRequest | undefined {
      if (known.size === 0) return undefined;
      return swapped(req, (key) => (known.has(key) ? { type: 'text', text: IMAGE_LEFT_OUT } : undefined));
    },
    /**
     * After a refusal: every inline image decoded (off the JavaScript thread, about 10 ms for a
     * large screenshot) and replaced as `replacementOf` says. Undefined when every image is
     * fine: the refusal is not one this can fix.
     */
    async fix(req: ChatRequest): Promise<{ body: ChatRequest; left: number; reencoded: number } | undefined> {
      const found = new Map<string, { data: string; mediaType: string }>();
      replaceImageParts(req, (p) => {
        const img = inlineImage(p);
        if (img) found.set(keyOf(img.data), img);
        return undefined;
      });
      const swaps = new Map<string, ImagePart | TextPart>();
      await Promise.all([...found].map(async ([key, img]) => {
        const swap = await replacementOf(img.data, img.mediaType);
        if (swap) swaps.set(key, swap);
      }));
      if (swaps.size === 0) return undefined;
      let left = 0;
      for (const [key, swap] of swaps) {
        if (swap.type !== 'text' || swap.text !== IMAGE_LEFT_OUT) continue;
        left++;
        if (known.size >= KNOWN_ENTRIES) known.clear();
        known.add(key);
      }
      const reencoded = [...swaps.values()].filter((x) => x.type === 'image').length;
      const body = swapped(req, (key) => swaps.get(key));
      return body && { body, left, reencoded };
    },
  };
}
