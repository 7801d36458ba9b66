import { mapImageMediaType } from '../../../core/util/map-image-media-type.ts';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ContentPart, FilePart, ImagePart, Message, ProviderOptions, ReasoningPart, ToolResultPart } from '../../../core/types/hub.ts';
import { fitToolCallId, toToolUseId } from '../../../core/util/tool-use-id.ts';
import { toolArgumentsObject } from '../../../core/util/tool-arguments.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';

/** A Converse content block: exactly one member (`text`, `image`, `toolUse`…) set. */
export type BedrockBlock = Record<string, unknown>;
export interface BedrockMessage {
  role: 'user' | 'assistant';
  content: BedrockBlock[];
}
export interface BedrockPrompt {
  system?: BedrockBlock[];
  messages: BedrockMessage[];
}

/** The reasoning origin of this provider: its signatures go back only to Bedrock. */
export const BEDROCK_ORIGIN = 'bedrock';

/** Marks the end of a cached prefix (Bedrock's counterpart of Anthropic's `cache_control`). */
export const CACHE_POINT: BedrockBlock = { cachePoint: { type: 'default' } };

/**
 * Hub messages → Converse `system` + `messages`:
 * - system messages (wherever they are) become `system` text blocks;
 * - tool messages become user `toolResult` blocks, first in their turn; consecutive same-role
 *   messages merge (Converse wants user/assistant turns);
 * - whitespace-only text is dropped (Converse refuses blank text), and a final assistant turn
 *   (a prefill) loses its trailing whitespace;
 * - reasoning goes back as `reasoningContent` only when Bedrock made it (origin `bedrock`);
 * - a part an Anthropic client marked with `cache_control` is followed by a `cachePoint`;
 * - system text with no other turn is sent as the user turn.
 *
 * Errors: GW_UNSUPPORTED (400, the next target is tried) for an image or file still given by
 * URL (Converse takes bytes only; the adapter fetches URLs first with `inlineRemoteMedia`) or of
 * a type it cannot read.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Message.html
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ContentBlock.html
 */
export function convertToBedrockMessages(messages: readonly Message[]): BedrockPrompt {
  const system: BedrockBlock[] = [];
  const out: BedrockMessage[] = [];
  for (const m of messages) {
    if (m.role === 'system') {
      for (const p of m.content) if (p.type === 'text' && p.text.trim()) system.push({ text: p.text }, ...cachePointOf(p.providerOptions));
      continue;
    }
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const blocks = m.content.flatMap((p) => convertPart(p, role));
    if (blocks.length === 0) continue;
    const last = out.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  for (const m of out) if (m.role === 'user') m.content = toolResultsFirst(m.content);
  trimPrefill(out);
  if (out.length === 0 && system.length > 0) return { messages: [{ role: 'user', content: system }] };
  return system.length > 0 ? { system, messages: out } : { messages: out };
}

/** A tool-call id as Converse takes it (`[a-zA-Z0-9_-]`, at most 64 characters). */
export function bedrockToolUseId(id: string): string {
  return fitToolCallId(toToolUseId(id), 64);
}

function cachePointOf(options: ProviderOptions | undefined): BedrockBlock[] {
  return options?.anthropic?.cache_control ? [CACHE_POINT] : [];
}

function convertPart(p: ContentPart, role: 'user' | 'assistant'): BedrockBlock[] {
  const block = blockOf(p, role);
  return block ? [block, ...cachePointOf(p.providerOptions)] : [];
}

function blockOf(p: ContentPart, role: 'user' | 'assistant'): BedrockBlock | undefined {
  switch (p.type) {
    case 'text':
      return p.text.trim() ? { text: p.text } : undefined;
    case 'image':
      return imageBlock(p);
    case 'file':
      return fileBlock(p);
    case 'tool-call':
      return { toolUse: { toolUseId: bedrockToolUseId(p.id), name: p.name, input: toolArgumentsObject(p.arguments) } };
    case 'tool-result':
      return toolResultBlock(p);
    case 'reasoning':
      return role === 'assistant' ? reasoningBlock(p) : undefined;
  }
}

function reasoningBlock(p: ReasoningPart): BedrockBlock | undefined {
  if (p.origin !== BEDROCK_ORIGIN) return undefined;
  if (p.redacted) return { reasoningContent: { redactedContent: p.redacted } };
  return p.signature ? { reasoningContent: { reasoningText: { text: p.text, signature: p.signature } } } : undefined;
}

const DATA_URL = /^data:([^;,]+)?(?:;[^,]*?)?;base64,/;
const IMAGE_FORMATS: Readonly<Record<string, string>> = lookupTable({ 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' });
const DOCUMENT_FORMATS: Readonly<Record<string, string>> = lookupTable({
  'application/pdf': 'pdf', 'text/csv': 'csv', 'text/html': 'html', 'text/plain': 'txt', 'text/markdown': 'md',
  'application/msword': 'doc', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
});

/** Base64 bytes and media type of a part given as data or a `data:` URL. */
function bytesOf(url: string | undefined, data: string | undefined, mediaType: string | undefined, what: string): { data: string; mediaType: string } {
  if (data !== undefined) return { data, mediaType: mediaType ?? 'image/png' };
  const m = url ? DATA_URL.exec(url) : null;
  if (url && m) return { data: url.slice(m[0].length), mediaType: m[1] ?? mediaType ?? 'image/png' };
  throw new GatewayError('GW_UNSUPPORTED', `Bedrock takes ${what} as inline data, not by URL.`, { status: 400 });
}

function imageBlock(p: ImagePart): BedrockBlock {
  const { data, mediaType } = bytesOf(p.url, p.data, p.mediaType, 'images');
  // Labelled with the type the bytes are in: a client's label may be a file name's guess.
  const format = IMAGE_FORMATS[mapImageMediaType(mediaType, data)];
  if (!format) throw new GatewayError('GW_UNSUPPORTED', `Bedrock cannot read images of type ${mediaType}.`, { status: 400 });
  return { image: { format, source: { bytes: data } } };
}

function fileBlock(p: FilePart): BedrockBlock {
  if (p.mediaType.startsWith('image/')) return imageBlock({ type: 'image', url: p.url, data: p.data, mediaType: p.mediaType });
  const format = DOCUMENT_FORMATS[p.mediaType];
  if (!format) throw new GatewayError('GW_UNSUPPORTED', `Files of type ${p.mediaType} cannot be sent to a Bedrock model.`, { status: 400 });
  const { data } = bytesOf(p.url, p.data, p.mediaType, 'files');
  // Document names allow letters, digits, single spaces, hyphens, parentheses and brackets.
  const name = (p.filename ?? 'document').replace(/\.[^.]*$/, '').replace(/[^a-zA-Z0-9\-()[\] ]+/g, ' ').replace(/\s+/g, ' ').trim() || 'document';
  return { document: { format, name, source: { bytes: data } } };
}

function toolResultBlock(p: ToolResultPart): BedrockBlock {
  const content = p.content.flatMap((c) => (c.type === 'text' ? (c.text ? [{ text: c.text }] : []) : [imageBlock(c)]));
  // A result must hold a block, and blank text is refused: an empty output says so.
  if (content.length === 0) content.push({ text: '(no output)' });
  return { toolResult: { toolUseId: bedrockToolUseId(p.toolCallId), content, ...(p.isError ? { status: 'error' } : {}) } };
}

function toolResultsFirst(blocks: BedrockBlock[]): BedrockBlock[] {
  if (!blocks.some((b) => 'toolResult' in b)) return blocks;
  return [...blocks.filter((b) => 'toolResult' in b), ...blocks.filter((b) => !('toolResult' in b))];
}

function trimPrefill(messages: BedrockMessage[]): void {
  const last = messages.at(-1);
  if (last?.role !== 'assistant') return;
  const tail = last.content.at(-1);
  if (typeof tail?.text !== 'string') return;
  const trimmed = tail.text.trimEnd();
  if (trimmed) last.content[last.content.length - 1] = { text: trimmed };
  else last.content.pop();
  if (last.content.length === 0) messages.pop();
}
