import { mapImageMediaType } from '../../../core/util/map-image-media-type.ts';

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The block with its base64 image labelled as its bytes are, or the block itself when the label was right. */
function relabelBlock(block: unknown): unknown {
  if (!isObject(block)) return block;
  if (block.type === 'tool_result' && Array.isArray(block.content)) {
    const content = relabelBlocks(block.content);
    return content ? { ...block, content } : block;
  }
  const source = block.source;
  if (block.type !== 'image' || !isObject(source) || source.type !== 'base64') return block;
  if (typeof source.media_type !== 'string' || typeof source.data !== 'string') return block;
  const mediaType = mapImageMediaType(source.media_type, source.data);
  return mediaType === source.media_type ? block : { ...block, source: { ...source, media_type: mediaType } };
}

/** The blocks with their images relabelled, or undefined when none changed. */
function relabelBlocks(blocks: readonly unknown[]): unknown[] | undefined {
  let out: unknown[] | undefined;
  for (let i = 0; i < blocks.length; i++) {
    const b = relabelBlock(blocks[i]);
    if (b !== blocks[i]) (out ??= blocks.slice())[i] = b;
  }
  return out;
}

/**
 * An Anthropic client's messages with each base64 image (in a message or a tool result) labelled
 * with the type its bytes are in (`mapImageMediaType`). The Messages API refuses a label that does
 * not match ("Image does not match the provided media type image/png"), and Claude Code labels an
 * MCP tool's screenshot, a file with the wrong extension or a JPEG screenshot as PNG; it replays
 * its history as it is, so the conversation was refused on every later turn.
 *
 * Returns undefined when every label is right, the usual case: the body then goes as the client
 * sent it. Never changes `messages` or what is in it (changed messages and blocks are copies).
 */
export function relabelImages(messages: unknown): unknown[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  let out: unknown[] | undefined;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (!isObject(m) || !Array.isArray(m.content)) continue;
    const content = relabelBlocks(m.content);
    if (content) (out ??= messages.slice())[i] = { ...m, content };
  }
  return out;
}
