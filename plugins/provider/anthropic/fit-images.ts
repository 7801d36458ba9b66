import { leftOutText, VISION_FORMATS } from '../../../core/util/hub-images.ts';
import { mapImageMediaType } from '../../../core/util/map-image-media-type.ts';
import { imageProblem, shrinkImageCached } from '../../../core/util/shrink-image.ts';

/**
 * The Messages API's rules for images: at most 100 in a request; 8000 px a side, and 2000 px
 * once there are more than 20; 5 MB of base64 each; JPEG, PNG, GIF or WebP, labelled as the
 * bytes are.
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/vision
 */
const MAX_IMAGES = 100;
const MANY_IMAGES = 20;
const MAX_SIDE = 8000;
const MAX_SIDE_MANY = 2000;
const MAX_BASE64 = 5 * 1024 * 1024;
const RULES = { api: 'the Anthropic API', maxImages: MAX_IMAGES };

type Json = Record<string, unknown>;

/** One image block of the conversation: where it is, and its base64 source when it has one. */
interface Found {
  message: number;
  block: number;
  /** Index in the tool result's content, for an image inside a tool result. */
  inner?: number;
  source?: { media_type: string; data: string };
  /** Left out: one of the oldest past the API's count. */
  drop?: boolean;
  /** The type the bytes are in, when the label says otherwise. */
  relabel?: string;
  /** Why it does not go as it is (`imageProblem`), unless it is one of the oldest past the count. */
  why?: 'unfit' | 'unreadable';
}

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

function base64Source(block: Json): Found['source'] {
  const s = block.source;
  return isObject(s) && s.type === 'base64' && typeof s.data === 'string' && typeof s.media_type === 'string'
    ? { media_type: s.media_type, data: s.data }
    : undefined;
}

/** Every image block, in the order of the conversation (tool results' images included). */
function findImages(messages: readonly unknown[]): Found[] {
  const found: Found[] = [];
  for (let message = 0; message < messages.length; message++) {
    const m = messages[message];
    if (!isObject(m) || !Array.isArray(m.content)) continue;
    const blocks: unknown[] = m.content;
    for (let block = 0; block < blocks.length; block++) {
      const b = blocks[block];
      if (!isObject(b)) continue;
      if (b.type === 'image') found.push({ message, block, source: base64Source(b) });
      else if (b.type === 'tool_result' && Array.isArray(b.content)) {
        const inner: unknown[] = b.content;
        for (let i = 0; i < inner.length; i++) {
          const c = inner[i];
          if (isObject(c) && c.type === 'image') found.push({ message, block, inner: i, source: base64Source(c) });
        }
      }
    }
  }
  return found;
}

/**
 * An Anthropic request's messages with its images as the API takes them, or undefined when they
 * are already (the usual case). An image labelled with another type than its bytes are in is
 * relabelled ("Image does not match the provided media type image/png": Claude Code labels an
 * MCP tool's screenshot, a JPEG screenshot or a misnamed file as PNG); relabelling alone is
 * answered without a promise. The oldest images past 100 are left out, with a line of text
 * saying so; an image too large (in bytes or pixels, the pixel limit being 2000 once there are
 * more than 20 images) or in a format the API does not read (HEIC, AVIF, BMP) is scaled down and
 * re-encoded (`shrinkImage`), and left out with a line of text when it cannot be; so is an image
 * whose header cannot be read, unless it decodes (one whose header reads but whose pixels do not
 * is left to the `image-repair` plugin, after the API's refusal). The API refuses
 * the whole request otherwise, and a coding agent that replays its history (a Retina screenshot
 * among twenty others, a 7 MB photo read by a tool) was refused on every later turn. Never
 * changes `messages` or what is in it; changed messages and blocks are copies.
 */
export function fitImages(messages: unknown): unknown[] | Promise<unknown[]> | undefined {
  if (!Array.isArray(messages)) return undefined;
  const images = findImages(messages);
  if (images.length === 0) return undefined;
  const over = Math.max(0, images.length - MAX_IMAGES);
  const maxSide = images.length - over > MANY_IMAGES ? MAX_SIDE_MANY : MAX_SIDE;
  const fixes: Found[] = [];
  const relabels: Found[] = [];
  images.forEach((f, i) => {
    if (i < over) {
      f.drop = true;
      fixes.push(f);
    } else if (f.source) {
      const type = mapImageMediaType(f.source.media_type, f.source.data);
      const why = imageProblem(f.source.data, type, { maxSide, maxBase64: MAX_BASE64 }, VISION_FORMATS);
      if (why !== undefined) fixes.push(Object.assign(f, { why }));
      else if (type !== f.source.media_type) relabels.push(Object.assign(f, { relabel: type }));
    }
  });
  if (fixes.length === 0 && relabels.length === 0) return undefined;
  const out = messages.slice();
  for (const f of relabels) replaceBlock(out, f, (old) => ({ ...old, source: { ...(old.source as Json), media_type: f.relabel } }));
  return fixes.length === 0 ? out : applyFixes(out, fixes, maxSide);
}

/** Shrinks, or leaves out, the images of `fixes` in `out` (a copy of the messages). */
async function applyFixes(out: unknown[], fixes: Found[], maxSide: number): Promise<unknown[]> {
  const shrunk = await Promise.all(fixes.map((f) => (f.drop || !f.source ? undefined : shrinkImageCached(f.source.data, { maxSide, maxBase64: MAX_BASE64 }))));
  fixes.forEach((f, i) => {
    const image = shrunk[i];
    const text = leftOutText(f.drop ? 'over-count' : f.why ?? 'unfit', RULES);
    replaceBlock(out, f, (old) => (image ? { ...old, source: { type: 'base64', media_type: image.mediaType, data: image.data } } : { type: 'text', text }));
  });
  return out;
}

/** Replaces the block at `f` in `out` (copying the message, and the tool result, it is in). */
function replaceBlock(out: unknown[], f: Found, make: (old: Json) => Json): void {
  const m = out[f.message] as Json;
  const content = (m.content as unknown[]).slice();
  if (f.inner === undefined) {
    content[f.block] = make(content[f.block] as Json);
  } else {
    const result = content[f.block] as Json;
    const inner = (result.content as unknown[]).slice();
    inner[f.inner] = make(inner[f.inner] as Json);
    content[f.block] = { ...result, content: inner };
  }
  out[f.message] = { ...m, content };
}
