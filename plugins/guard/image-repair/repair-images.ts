import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatRequest, ImagePart, TextPart } from '../../../core/types/hub.ts';
import { inlineImage, replaceImageParts } from '../../../core/util/hub-images.ts';
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
export const IMAGE_LEFT_OUT = '[An image was left out here: its file could not be read as an image (damaged or cut short).]';
/** The most of an SVG's source that stands in for it. */
const SVG_CHARS = 64 * 1024;
/** The formats every vision API takes. */
const TAKEN = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** Re-encoding keeps the image's size: only its format changes. */
const REENCODE = { maxSide: 16_384, maxBase64: 32 * 1024 * 1024 };
const KNOWN_ENTRIES = 256;

const keyOf = (data: string) => `${data.length}:${Bun.hash(data).toString(36)}`;

/**
 * The repairs, with the images found not to decode remembered by content (bounded): an agent
 * sends the same history on every turn, and later turns leave them out at once.
 */
export function createImageRepair() {
  const known = new Set<string>();
  const leftOut = (): TextPart => ({ type: 'text', text: IMAGE_LEFT_OUT });
  return {
    /** `req` without the images known not to decode, or undefined when it has none (no cost while none is known). */
    withoutKnown(req: ChatRequest): ChatRequest | undefined {
      if (known.size === 0) return undefined;
      return replaceImageParts(req, (p) => {
        const img = inlineImage(p);
        return img && known.has(keyOf(img.data)) ? leftOut() : undefined;
      });
    },
    /**
     * After a refusal: every inline image decoded (off the JavaScript thread, about 10 ms for a
     * large screenshot). One that does not decode is left out, an SVG standing as its source
     * text; one that decodes in a format the APIs do not take (BMP, TIFF, HEIC) is re-encoded
     * as PNG or JPEG. Undefined when every image is fine: the refusal is not one this can fix.
     */
    async fix(req: ChatRequest): Promise<{ body: ChatRequest; left: number; reencoded: number } | undefined> {
      const found = new Map<string, { data: string; mediaType: string }>();
      replaceImageParts(req, (p) => {
        const img = inlineImage(p);
        if (img) found.set(keyOf(img.data), img);
        return undefined;
      });
      const swaps = new Map<string, ImagePart | TextPart>();
      let left = 0;
      let reencoded = 0;
      await Promise.all([...found].map(async ([key, { data, mediaType }]) => {
        const bytes = Buffer.from(data.slice(0, 24), 'base64');
        const type = sniffMediaType(bytes);
        if (type && TAKEN.has(type) && (await imageDecodes(data))) return;
        if (mediaType === 'image/svg+xml' || /^\s*<(\?xml|svg)/.test(Buffer.from(data.slice(0, 64), 'base64').toString('latin1'))) {
          const svg = Buffer.from(data, 'base64').toString('utf8');
          swaps.set(key, { type: 'text', text: `[An SVG image, as its source:]\n${svg.length > SVG_CHARS ? `${svg.slice(0, SVG_CHARS)}…` : svg}` });
          return;
        }
        const image = type && TAKEN.has(type) ? undefined : await shrinkImage(data, REENCODE);
        if (image) {
          reencoded++;
          swaps.set(key, { type: 'image', data: image.data, mediaType: image.mediaType });
          return;
        }
        left++;
        if (known.size >= KNOWN_ENTRIES) known.clear();
        known.add(key);
        swaps.set(key, leftOut());
      }));
      if (swaps.size === 0) return undefined;
      const body = replaceImageParts(req, (p) => {
        const img = inlineImage(p);
        const swap = img && swaps.get(keyOf(img.data));
        return swap?.type === 'image' ? { ...p, url: undefined, data: swap.data, mediaType: swap.mediaType } : swap;
      });
      return body && { body, left, reencoded };
    },
  };
}
