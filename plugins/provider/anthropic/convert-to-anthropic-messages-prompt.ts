import { toToolUseId } from '../../../core/util/tool-use-id.ts';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type {
  ContentPart, FilePart, ImagePart, Message, ProviderOptions, ReasoningPart, TextPart, ToolResultPart,
} from '../../../core/types/hub.ts';
import { toolArgumentsObject } from '../../../core/util/tool-arguments.ts';
import { mapImageMediaType } from '../../../core/util/map-image-media-type.ts';

/** A Messages content block as sent upstream. */
export type AnthropicBlock = { type: string; [key: string]: unknown };
/** One turn of `messages`. */
export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: AnthropicBlock[];
}
/** The converted conversation: top-level `system` blocks and alternating turns. */
export interface AnthropicPrompt {
  system?: AnthropicBlock[];
  messages: AnthropicMessage[];
}

/**
 * Converts hub messages into the Messages `system` + `messages`:
 * - system messages (wherever they are) are collected into top-level `system` blocks;
 * - `tool` messages become user `tool_result` blocks; consecutive same-role messages are
 *   merged (the API wants user/assistant turns), with tool results first in a user turn;
 * - reasoning goes back as thinking / redacted_thinking only when Anthropic made it (origin
 *   `anthropic` with a signature); a foreign signature is never sent;
 * - empty and whitespace-only text is dropped (the API refuses such text blocks), and a final
 *   assistant turn (prefill) loses its trailing whitespace, which the API also refuses;
 * - `providerOptions.anthropic` of a part (cache_control, citations, title…) is copied onto its
 *   block, and `providerOptions.anthropic.block` replaces the block entirely;
 * - system text with no other turn is sent as the user turn (the API needs one).
 *
 * Errors: GW_UNSUPPORTED (400) for a file type Anthropic cannot read.
 *
 * @see https://docs.anthropic.com/en/api/messages
 */
export function convertToAnthropicMessagesPrompt(messages: readonly Message[]): AnthropicPrompt {
  const system: AnthropicBlock[] = [];
  const out: AnthropicMessage[] = [];
  for (const m of messages) {
    if (m.role === 'system') {
      for (const p of m.content) if (p.type === 'text' && p.text.length > 0) system.push(textBlock(p));
      continue;
    }
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const blocks: AnthropicBlock[] = [];
    for (const p of m.content) {
      const block = convertPart(p, role);
      if (block) blocks.push(block);
    }
    if (blocks.length === 0) continue;
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  for (const m of out) if (m.role === 'user') m.content = toolResultsFirst(m.content);
  trimPrefill(out);
  // Instructions alone (an OpenAI client may send only a system message): the API needs a
  // user turn, so they become it.
  if (out.length === 0 && system.length > 0) return { messages: [{ role: 'user', content: system }] };
  const prompt: AnthropicPrompt = { messages: out };
  if (system.length > 0) prompt.system = system;
  return prompt;
}

function anthropicOf(options: ProviderOptions | undefined): Record<string, unknown> | undefined {
  return options?.anthropic;
}

/** The part's Anthropic-only fields to copy onto its block (everything except the raw `block`). */
function extras(options: ProviderOptions | undefined): Record<string, unknown> {
  const a = anthropicOf(options);
  if (!a) return {};
  const { block: _block, ...rest } = a;
  return rest;
}

function rawBlock(options: ProviderOptions | undefined): AnthropicBlock | undefined {
  const block = anthropicOf(options)?.block;
  return typeof block === 'object' && block !== null && typeof (block as AnthropicBlock).type === 'string'
    ? (block as AnthropicBlock)
    : undefined;
}

function textBlock(p: TextPart): AnthropicBlock {
  return { type: 'text', text: p.text, ...extras(p.providerOptions) };
}

function convertPart(p: ContentPart, role: 'user' | 'assistant'): AnthropicBlock | undefined {
  const raw = rawBlock(p.providerOptions);
  if (raw) return raw;
  switch (p.type) {
    case 'text':
      // The API refuses text blocks of whitespace only ("\n\n" that an OpenAI-format model
      // streamed before its tool calls, kept in a Claude Code history): every later turn failed.
      return p.text.trim().length > 0 ? textBlock(p) : undefined;
    case 'image':
      return imageBlock(p);
    case 'file':
      return fileBlock(p);
    case 'tool-call':
      return { type: 'tool_use', id: toToolUseId(p.id), name: p.name, input: toolArgumentsObject(p.arguments), ...extras(p.providerOptions) };
    case 'tool-result':
      return toolResultBlock(p);
    case 'reasoning':
      return role === 'assistant' ? reasoningBlock(p) : undefined;
  }
}

function reasoningBlock(p: ReasoningPart): AnthropicBlock | undefined {
  if (p.origin !== 'anthropic') return undefined;
  if (p.redacted !== undefined && p.redacted.length > 0) return { type: 'redacted_thinking', data: p.redacted };
  if (!p.signature) return undefined;
  return { type: 'thinking', thinking: p.text, signature: p.signature };
}

const DATA_URL = /^data:([^;,]+)?(?:;[^,]*?)?;base64,/;

/** An image's source; inline bytes are labelled with the type they are in (`mapImageMediaType`): the API refuses a wrong label. */
function imageSource(url: string | undefined, data: string | undefined, mediaType: string | undefined): Record<string, unknown> {
  if (data !== undefined) return { type: 'base64', media_type: mapImageMediaType(mediaType ?? 'image/png', data), data };
  const m = url ? DATA_URL.exec(url) : null;
  if (!url || !m) return { type: 'url', url };
  const bytes = url.slice(m[0].length);
  return { type: 'base64', media_type: mapImageMediaType(m[1] ?? 'image/png', bytes), data: bytes };
}

function imageBlock(p: ImagePart): AnthropicBlock {
  return { type: 'image', source: imageSource(p.url, p.data, p.mediaType), ...extras(p.providerOptions) };
}

function fileBlock(p: FilePart): AnthropicBlock {
  const extra = extras(p.providerOptions);
  if (p.filename && extra.title === undefined) extra.title = p.filename;
  if (p.mediaType.startsWith('image/')) return { type: 'image', source: imageSource(p.url, p.data, p.mediaType) };
  if (p.mediaType === 'application/pdf') {
    const source = p.data !== undefined ? { type: 'base64', media_type: p.mediaType, data: p.data } : imageSource(p.url, undefined, p.mediaType);
    return { type: 'document', source, ...extra };
  }
  if (p.mediaType.startsWith('text/') && p.data !== undefined) {
    const text = Buffer.from(p.data, 'base64').toString('utf8');
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...extra };
  }
  throw new GatewayError('GW_UNSUPPORTED', `Files of type ${p.mediaType} cannot be sent to an Anthropic model.`, { status: 400 });
}

function toolResultBlock(p: ToolResultPart): AnthropicBlock {
  const block: AnthropicBlock = { type: 'tool_result', tool_use_id: toToolUseId(p.toolCallId) };
  const parts = p.content.filter((c) => c.type !== 'text' || c.text.length > 0 || rawBlock(c.providerOptions));
  const plain = parts.every((c) => c.type === 'text' && !c.providerOptions);
  if (parts.length > 0) {
    block.content = plain
      ? (parts as TextPart[]).map((c) => c.text).join('\n')
      : parts.map((c) => rawBlock(c.providerOptions) ?? (c.type === 'text' ? textBlock(c) : imageBlock(c)));
  }
  if (p.isError) block.is_error = true;
  return Object.assign(block, extras(p.providerOptions));
}

function toolResultsFirst(blocks: AnthropicBlock[]): AnthropicBlock[] {
  const first = blocks.findIndex((b) => b.type !== 'tool_result');
  const lastResult = blocks.findLastIndex((b) => b.type === 'tool_result');
  if (first === -1 || lastResult < first) return blocks;
  return [...blocks.filter((b) => b.type === 'tool_result'), ...blocks.filter((b) => b.type !== 'tool_result')];
}

function trimPrefill(messages: AnthropicMessage[]): void {
  const last = messages[messages.length - 1];
  if (!last || last.role !== 'assistant') return;
  const tail = last.content[last.content.length - 1];
  if (tail?.type !== 'text' || typeof tail.text !== 'string') return;
  const trimmed = tail.text.trimEnd();
  if (trimmed.length > 0) last.content[last.content.length - 1] = { ...tail, text: trimmed };
  else last.content.pop();
  if (last.content.length === 0) messages.pop();
}
