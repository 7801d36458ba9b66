import type { ChatRequest, ContentPart, ImagePart, Message, TextPart } from '../types/hub.ts';
import { mapImageMediaType } from './map-image-media-type.ts';
import { imageProblem, shrinkImageCached, type ImageLimits } from './shrink-image.ts';

/** An inline image's base64 bytes and its label (from a `data:` URL too), or undefined for an image given by URL. */
export function inlineImage(p: ImagePart): { data: string; mediaType: string } | undefined {
  if (p.data) return { data: p.data, mediaType: p.mediaType ?? '' };
  const m = p.url?.startsWith('data:') ? /^data:([^;,]*)(?:;[^,]*)?;base64,(.*)$/s.exec(p.url) : null;
  return m ? { data: m[2]!, mediaType: m[1]! } : undefined;
}

/**
 * `req` with each image part (in a message, or in a tool result) that `swap` answers for replaced,
 * in the order of the conversation; copies only along the way, nothing given is changed.
 * Undefined when `swap` replaced none.
 */
export function replaceImageParts(req: ChatRequest, swap: (p: ImagePart) => ImagePart | TextPart | undefined): ChatRequest | undefined {
  let messages: Message[] | undefined;
  const inParts = (parts: ContentPart[]): ContentPart[] | undefined => {
    let out: ContentPart[] | undefined;
    parts.forEach((p, i) => {
      let next: ContentPart | undefined;
      if (p.type === 'image') next = swap(p);
      else if (p.type === 'tool-result') {
        const content = inParts(p.content) as Array<TextPart | ImagePart> | undefined;
        if (content) next = { ...p, content };
      }
      if (next) (out ??= parts.slice())[i] = next;
    });
    return out;
  };
  req.messages.forEach((m, i) => {
    const content = inParts(m.content);
    if (content) (messages ??= req.messages.slice())[i] = { ...m, content };
  });
  return messages ? { ...req, messages } : undefined;
}

/** The image formats every vision API takes. */
export const VISION_FORMATS: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** The line that stands where an image whose file does not decode was left out. */
export const UNREADABLE_IMAGE = '[An image was left out here: its file could not be read as an image (damaged or cut short).]';

/** Why an image was left out: one of the oldest past the count, too large to fit, not an image. */
export type LeftOut = 'over-count' | 'unfit' | 'unreadable';

/** The line of text that stands where an image was left out, for the model to know. */
export function leftOutText(why: LeftOut, rules: Pick<ImageRules, 'api' | 'maxImages'>): string {
  if (why === 'over-count') return `[An earlier image was left out here: ${rules.api} takes at most ${rules.maxImages} images in one request.]`;
  return why === 'unfit' ? `[An image was left out here: it could not be made to fit ${rules.api}'s image limits.]` : UNREADABLE_IMAGE;
}

/** An API's rules for the images of one request. */
export interface ImageRules extends ImageLimits {
  /** The API's name, for the line that stands where an image was left out. */
  api: string;
  /** The most images in one request. */
  maxImages: number;
  /** The media types it reads. */
  accepted: ReadonlySet<string>;
}

/**
 * `req` with its images as an API takes them (`rules`), or `req` itself when they already are
 * (no copy; nothing decoded: the headers are read). The oldest images past the count are left
 * out, and an image too large or of a type the API does not read is scaled down and re-encoded
 * (`shrinkImageCached`, off the JavaScript thread), each with a line of text in its place when it
 * cannot be. The API refuses the whole request otherwise, and a coding agent that replays its
 * history is refused on every later turn.
 */
export async function fitHubImages(req: ChatRequest, rules: ImageRules): Promise<ChatRequest> {
  const images: ImagePart[] = [];
  replaceImageParts(req, (p) => void images.push(p));
  if (images.length === 0) return req;
  const over = Math.max(0, images.length - rules.maxImages);
  const fixes = new Map<ImagePart, LeftOut>();
  images.forEach((p, i) => {
    if (i < over) return void fixes.set(p, 'over-count');
    const img = inlineImage(p);
    const why = img && imageProblem(img.data, mapImageMediaType(img.mediaType, img.data), rules, rules.accepted);
    if (why) fixes.set(p, why);
  });
  if (fixes.size === 0) return req;
  const shrunk = new Map<ImagePart, Awaited<ReturnType<typeof shrinkImageCached>>>();
  await Promise.all([...fixes].map(async ([p, why]) => {
    if (why !== 'over-count') shrunk.set(p, await shrinkImageCached(inlineImage(p)!.data, rules));
  }));
  return replaceImageParts(req, (p) => {
    const why = fixes.get(p);
    if (why === undefined) return undefined;
    const image = shrunk.get(p);
    return image ? { ...p, url: undefined, data: image.data, mediaType: image.mediaType } : { type: 'text', text: leftOutText(why, rules) };
  }) ?? req;
}
