import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { fetchRemoteMedia, isRemoteUrl, noteRemoteUrl, type InlineMediaOptions, type Media, type MediaKind } from '../../../core/util/inline-remote-media.ts';

type Json = Record<string, unknown>;

/**
 * A Messages body for Claude on Vertex with every image and document `source: {type: url}`
 * fetched and put inline (`base64`; a text document as a `text` source): Vertex refuses URL
 * sources ("URL sources are not supported") that Anthropic's own API fetches. Blocks in the
 * messages and inside `tool_result` contents are covered, whether the body came from the hub
 * or is an Anthropic client's own (passthrough). A body without URL sources is returned as it is.
 *
 * Errors: those of `fetchRemoteMedia` (400 GW_UNSUPPORTED: the next target is tried); a document
 * URL serving neither a PDF nor text is the same 400.
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/vision
 * @see https://docs.anthropic.com/en/docs/build-with-claude/pdf-support
 */
export async function inlineAnthropicUrlSources(body: Json, opts: InlineMediaOptions): Promise<Json> {
  const urls = new Map<string, MediaKind>();
  walk(body, (block, source) => noteRemoteUrl(urls, source.url as string, block.type === 'image' ? 'image' : 'file'));
  if (urls.size === 0) return body;
  const fetched = await fetchRemoteMedia(urls, opts);
  const out = structuredClone(body);
  walk(out, (block, source) => {
    block.source = inlineSource(block.type as string, source.url as string, fetched.get(source.url as string)!, opts.provider);
  });
  return out;
}

/** Calls `visit` for each image or document block whose source is an http(s) URL. */
function walk(body: Json, visit: (block: Json, source: Json) => void): void {
  const blocks = (content: unknown) => {
    if (!Array.isArray(content)) return;
    for (const b of content) {
      if (typeof b !== 'object' || b === null) continue;
      const block = b as Json;
      if (block.type === 'tool_result') blocks(block.content);
      const source = block.source as Json | undefined;
      if ((block.type === 'image' || block.type === 'document') && source?.type === 'url' && isRemoteUrl(source.url)) visit(block, source);
    }
  };
  if (!Array.isArray(body.messages)) return;
  for (const m of body.messages) if (typeof m === 'object' && m !== null) blocks((m as Json).content);
}

function inlineSource(type: string, url: string, media: Media, provider: string): Json {
  if (type === 'image' || media.mediaType === 'application/pdf') return { type: 'base64', media_type: media.mediaType, data: media.data };
  if (media.mediaType.startsWith('text/')) return { type: 'text', media_type: 'text/plain', data: Buffer.from(media.data, 'base64').toString('utf8') };
  throw new GatewayError('GW_UNSUPPORTED',
    `${provider} takes documents as inline data, and the document at ${new URL(url).host} is ${media.mediaType}: Claude reads PDF or plain text.`, { status: 400 });
}
