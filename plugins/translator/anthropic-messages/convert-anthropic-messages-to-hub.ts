import type {
  ContentPart, FilePart, ImagePart, Message, ProviderOptions, ReasoningPart, TextPart, ToolCallPart, ToolResultPart,
} from '../../../core/types/hub.ts';
import { unwrapSignature } from './anthropic-signature.ts';
import type { WireContentBlock, WireMessage, WireTextBlock, WireToolResultContent } from './anthropic-messages-request-schema.ts';

/**
 * Converts the Messages `system` + `messages` into hub messages.
 *
 * - `tool_result` blocks become one `tool` message each (in place, so order is kept); the tool
 *   name is looked up from the earlier `tool_use` block with the same id.
 * - Fields the hub has no slot for (cache_control, citations, document title…) stay in the
 *   part's `providerOptions.anthropic`; a block the hub cannot express faithfully is also kept
 *   whole as `providerOptions.anthropic.block`, so an Anthropic upstream receives it unchanged
 *   while other upstreams get a text rendering.
 * - Thinking signatures are unwrapped (see anthropic-signature.ts) and tagged with their origin.
 *
 * @see https://docs.anthropic.com/en/api/messages
 */
export function convertAnthropicMessagesToHub(system: string | WireTextBlock[] | undefined, messages: WireMessage[]): Message[] {
  const out: Message[] = [];
  if (typeof system === 'string') {
    if (system.length > 0) out.push({ role: 'system', content: [{ type: 'text', text: system }] });
  } else if (system && system.length > 0) {
    out.push({ role: 'system', content: system.map(convertTextBlock) });
  }
  const toolNames = new Map<string, string>();
  for (const m of messages) {
    if (typeof m.content === 'string') {
      out.push({ role: m.role, content: [{ type: 'text', text: m.content }] });
      continue;
    }
    if (m.role === 'assistant') {
      out.push({ role: 'assistant', content: m.content.map((b) => convertAssistantBlock(b, toolNames)) });
      continue;
    }
    let pending: ContentPart[] = [];
    for (const block of m.content) {
      if (block.type !== 'tool_result') {
        pending.push(convertUserBlock(block));
        continue;
      }
      if (pending.length > 0) out.push({ role: m.role, content: pending });
      pending = [];
      out.push({ role: 'tool', content: [convertToolResult(block as ToolResultBlock, toolNames)] });
    }
    if (pending.length > 0 || m.content.length === 0) out.push({ role: m.role, content: pending });
  }
  return out;
}

/** Keeps every field of `block` except `omit` (and null values) as Anthropic-only options. */
export function anthropicOptions(block: Record<string, unknown>, omit: readonly string[]): ProviderOptions | undefined {
  let kept: Record<string, unknown> | undefined;
  for (const key in block) {
    const value = block[key];
    if (value === null || value === undefined || omit.includes(key)) continue;
    (kept ??= {})[key] = value;
  }
  return kept ? { anthropic: kept } : undefined;
}

function withOptions<T extends { providerOptions?: ProviderOptions }>(part: T, options: ProviderOptions | undefined): T {
  if (options) part.providerOptions = options;
  return part;
}

function convertTextBlock(block: WireTextBlock): TextPart {
  return withOptions<TextPart>({ type: 'text', text: block.text }, anthropicOptions(block, ['type', 'text']));
}

type Block = Extract<WireContentBlock, { type: string }>;
type ToolResultBlock = Extract<WireContentBlock, { type: 'tool_result' }>;

function convertAssistantBlock(block: Block, toolNames: Map<string, string>): ContentPart {
  switch (block.type) {
    case 'tool_use': {
      const b = block as Extract<WireContentBlock, { type: 'tool_use' }>;
      toolNames.set(b.id, b.name);
      const input = b.input === undefined || b.input === null ? {} : b.input;
      return withOptions<ToolCallPart>({ type: 'tool-call', id: b.id, name: b.name, arguments: JSON.stringify(input) },
        anthropicOptions(b, ['type', 'id', 'name', 'input']));
    }
    case 'thinking': {
      const b = block as Extract<WireContentBlock, { type: 'thinking' }>;
      const part: ReasoningPart = { type: 'reasoning', text: b.thinking };
      if (b.signature) {
        const sig = unwrapSignature(b.signature);
        part.signature = sig.value;
        part.origin = sig.origin;
      }
      return part;
    }
    case 'redacted_thinking': {
      const b = block as Extract<WireContentBlock, { type: 'redacted_thinking' }>;
      const sig = unwrapSignature(b.data);
      return { type: 'reasoning', text: '', redacted: sig.value, origin: sig.origin };
    }
    default:
      return convertUserBlock(block);
  }
}

function convertUserBlock(block: Block): ContentPart {
  switch (block.type) {
    case 'text':
      return convertTextBlock(block as WireTextBlock);
    case 'image':
      return convertImage(block as Extract<WireContentBlock, { type: 'image' }>);
    case 'document':
      return convertDocument(block as Extract<WireContentBlock, { type: 'document' }>);
    case 'tool_use':
    case 'thinking':
    case 'redacted_thinking':
      return opaque(block, `[${block.type}]`);
    default:
      return opaque(block, renderOpaque(block));
  }
}

function convertImage(block: Extract<WireContentBlock, { type: 'image' }>): TextPart | ImagePart {
  const options = anthropicOptions(block, ['type', 'source']);
  const src = block.source;
  if (src.type === 'base64') return withOptions<ImagePart>({ type: 'image', data: src.data, mediaType: src.media_type }, options);
  if (src.type === 'url') return withOptions<ImagePart>({ type: 'image', url: src.url }, options);
  return opaque(block, `[image file ${src.file_id}]`);
}

function convertDocument(block: Extract<WireContentBlock, { type: 'document' }>): ContentPart {
  const options = anthropicOptions(block, ['type', 'source']);
  const src = block.source;
  const filename = block.title ?? undefined;
  if (src.type === 'base64') return withOptions<FilePart>({ type: 'file', data: src.data, mediaType: src.media_type, filename }, options);
  if (src.type === 'url') return withOptions<FilePart>({ type: 'file', url: src.url, mediaType: 'application/pdf', filename }, options);
  const title = block.title ? `${block.title}\n\n` : '';
  if (src.type === 'text') return opaque(block, title + src.data);
  if (src.type === 'content') {
    const text = typeof src.content === 'string' ? src.content : src.content.map(renderOpaque).join('\n');
    return opaque(block, title + text);
  }
  return opaque(block, `[document file ${src.file_id}]`);
}

function convertToolResult(block: ToolResultBlock, toolNames: Map<string, string>): ToolResultPart {
  const content: Array<TextPart | ImagePart> = [];
  if (typeof block.content === 'string') content.push({ type: 'text', text: block.content });
  else for (const c of block.content ?? []) content.push(convertToolResultContent(c));
  const part: ToolResultPart = { type: 'tool-result', toolCallId: block.tool_use_id, content };
  const name = toolNames.get(block.tool_use_id);
  if (name !== undefined) part.name = name;
  if (block.is_error) part.isError = true;
  return withOptions(part, anthropicOptions(block, ['type', 'tool_use_id', 'content', 'is_error']));
}

function convertToolResultContent(block: WireToolResultContent): TextPart | ImagePart {
  if (block.type === 'text') return convertTextBlock(block as WireTextBlock);
  if (block.type === 'image') return convertImage(block as Extract<WireContentBlock, { type: 'image' }>);
  const part = convertUserBlock(block as Block);
  return part.type === 'text' || part.type === 'image' ? part : opaque(block, renderOpaque(block));
}

/** A text part for non-Anthropic upstreams that carries the original block for Anthropic ones. */
function opaque(block: Record<string, unknown>, text: string): TextPart {
  return { type: 'text', text, providerOptions: { anthropic: { block } } };
}

const RENDER_CAP = 4000;

/** A short readable rendering of a block the hub has no type for (search results, server tool blocks). */
function renderOpaque(block: Record<string, unknown>): string {
  if (block.type === 'text' && typeof block.text === 'string') return block.text;
  if (block.type === 'search_result' && Array.isArray(block.content)) {
    const texts = block.content.map((c: { text?: unknown }) => (typeof c.text === 'string' ? c.text : '')).join('\n');
    return `${String(block.title ?? '')} (${String(block.source ?? '')})\n${texts}`;
  }
  const json = JSON.stringify(block, (k, val) => (k.startsWith('encrypted') || k === 'signature' ? undefined : val));
  return json.length > RENDER_CAP ? `${json.slice(0, RENDER_CAP)}…` : json;
}
