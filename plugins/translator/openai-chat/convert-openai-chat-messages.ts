import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type {
  ContentPart,
  FilePart,
  ImagePart,
  Message,
  TextPart,
  ToolCallPart,
} from '../../../core/types/hub.ts';
import { mapImageMediaType } from '../../../core/util/map-image-media-type.ts';
import type { OpenAIChatMessage } from './openai-chat-request-schema.ts';

/**
 * Converts validated OpenAI chat messages into hub messages.
 * - `developer` becomes `system`, remembered in `providerOptions.openai.role` so an OpenAI
 *   upstream gets it back.
 * - `tool` messages become tool-result parts, named after the assistant call they answer; an
 *   `image_url` part in one (not in the spec, but Zed returns screenshots so) is kept as an image
 *   of the result.
 * - An inline image's media type is the one its bytes have (see mapImageMediaType).
 * - Legacy `function_call` / `function` messages become tool calls and results with ids
 *   paired by function name.
 * - `cache_control` on a content part (the convention of OpenRouter and LiteLLM, which Cursor
 *   follows) or on a whole message (its last part) becomes the part's Anthropic
 *   `cache_control`, so the breakpoint survives the way to a Claude upstream.
 * Throws GatewayError 400 (GW_UNSUPPORTED) for input audio, which no hub part can carry.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 */
export function convertOpenAIChatMessages(messages: readonly OpenAIChatMessage[]): Message[] {
  const out = convertMessages(messages);
  for (let i = 0; i < messages.length; i++) {
    const cc = (messages[i] as { cache_control?: unknown }).cache_control;
    const last = out[i]?.content.at(-1);
    if (isCacheControl(cc) && last && !last.providerOptions?.anthropic) last.providerOptions = { ...last.providerOptions, anthropic: { cache_control: cc } };
  }
  return out;
}

function convertMessages(messages: readonly OpenAIChatMessage[]): Message[] {
  const out: Message[] = [];
  const toolNames = new Map<string, string>();
  const legacyIds = new Map<string, string>();
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    switch (m.role) {
      case 'system':
      case 'developer': {
        const msg: Message = { role: 'system', content: textParts(m.content) };
        if (m.name) msg.name = m.name;
        if (m.role === 'developer') msg.providerOptions = { openai: { role: 'developer' } };
        out.push(msg);
        break;
      }
      case 'user': {
        const msg: Message = { role: 'user', content: userParts(m.content, i) };
        if (m.name) msg.name = m.name;
        out.push(msg);
        break;
      }
      case 'assistant':
        out.push(assistantMessage(m, out.length, toolNames, legacyIds));
        break;
      case 'tool':
        out.push({
          role: 'tool',
          content: [{
            type: 'tool-result',
            toolCallId: m.tool_call_id,
            name: toolNames.get(m.tool_call_id),
            content: toolResultParts(m.content),
          }],
        });
        break;
      case 'function':
        out.push({
          role: 'tool',
          content: [{
            type: 'tool-result',
            toolCallId: legacyIds.get(m.name) ?? `call_${m.name}`,
            name: m.name,
            content: [{ type: 'text', text: m.content ?? '' }],
          }],
        });
        break;
    }
  }
  return out;
}

type AssistantMessage = Extract<OpenAIChatMessage, { role: 'assistant' }>;

function assistantMessage(
  m: AssistantMessage,
  position: number,
  toolNames: Map<string, string>,
  legacyIds: Map<string, string>,
): Message {
  const content: ContentPart[] = [];
  if (m.reasoning_content) content.push({ type: 'reasoning', text: m.reasoning_content });
  if (typeof m.content === 'string') {
    if (m.content.length > 0) content.push({ type: 'text', text: m.content });
  } else if (m.content) {
    for (const p of m.content) content.push(cached({ type: 'text', text: p.type === 'text' ? p.text : p.refusal }, p));
  }
  if (m.refusal && !content.some((p) => p.type === 'text')) content.push({ type: 'text', text: m.refusal });
  for (const tc of m.tool_calls ?? []) {
    const call: ToolCallPart = { type: 'tool-call', id: tc.id, name: tc.function.name, arguments: tc.function.arguments };
    toolNames.set(tc.id, tc.function.name);
    content.push(call);
  }
  if (m.function_call) {
    const id = `call_${m.function_call.name}_${position}`;
    legacyIds.set(m.function_call.name, id);
    content.push({ type: 'tool-call', id, name: m.function_call.name, arguments: m.function_call.arguments });
  }
  const msg: Message = { role: 'assistant', content };
  if (m.name) msg.name = m.name;
  return msg;
}

function textParts(content: string | ReadonlyArray<{ text: string }>): TextPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((p) => cached({ type: 'text', text: p.text }, p));
}

type ToolContent = Extract<OpenAIChatMessage, { role: 'tool' }>['content'];

/** A tool message's text, and the images some clients return from a tool (Zed's screenshots). */
function toolResultParts(content: ToolContent): Array<TextPart | ImagePart> {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((p) => cached(p.type === 'text' ? { type: 'text', text: p.text } : imagePart(p.image_url.url, p.image_url.detail), p));
}

/** `part` with the Anthropic `cache_control` its wire part carried, if any. */
function cached<P extends ContentPart>(part: P, wire: object): P {
  const cc = (wire as { cache_control?: unknown }).cache_control;
  if (isCacheControl(cc)) part.providerOptions = { anthropic: { cache_control: cc } };
  return part;
}

function isCacheControl(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { type?: unknown }).type === 'ephemeral';
}

type UserContent = Extract<OpenAIChatMessage, { role: 'user' }>['content'];

function userParts(content: UserContent, index: number): ContentPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const parts: ContentPart[] = [];
  for (let j = 0; j < content.length; j++) {
    const p = content[j];
    switch (p.type) {
      case 'text':
        parts.push(cached({ type: 'text', text: p.text }, p));
        break;
      case 'image_url':
        parts.push(cached(imagePart(p.image_url.url, p.image_url.detail), p));
        break;
      case 'file':
        parts.push(filePart(p.file, `messages[${index}].content[${j}]`));
        break;
      case 'input_audio':
        throw new GatewayError('GW_UNSUPPORTED', 'Audio input (input_audio) is not supported by this gateway.', {
          status: 400,
          param: `messages[${index}].content[${j}]`,
        });
    }
  }
  return parts;
}

/** `data:<type>;base64,<data>` split into its parts; undefined for other URLs. */
function parseBase64DataUrl(url: string): { mediaType: string; data: string } | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma === -1) return undefined;
  const meta = url.slice(5, comma).split(';');
  if (meta.at(-1) !== 'base64') return undefined;
  return { mediaType: meta[0] || 'application/octet-stream', data: url.slice(comma + 1) };
}

function imagePart(url: string, detail?: 'auto' | 'low' | 'high'): ImagePart {
  const part: ImagePart = { type: 'image' };
  const inline = parseBase64DataUrl(url);
  if (inline) {
    part.data = inline.data;
    part.mediaType = mapImageMediaType(inline.mediaType, inline.data);
  } else {
    part.url = url;
  }
  if (detail) part.detail = detail;
  return part;
}

function filePart(file: { file_data?: string; file_id?: string; filename?: string }, param: string): FilePart {
  const part: FilePart = { type: 'file', mediaType: 'application/octet-stream' };
  if (file.filename) part.filename = file.filename;
  if (file.file_data) {
    const inline = parseBase64DataUrl(file.file_data);
    if (inline) {
      part.data = inline.data;
      part.mediaType = inline.mediaType;
    } else {
      // The API documents file_data as a data URL; plain base64 is accepted as PDF by OpenAI.
      part.data = file.file_data;
      part.mediaType = file.filename?.toLowerCase().endsWith('.pdf') ? 'application/pdf' : part.mediaType;
    }
  } else if (file.file_id) {
    part.providerOptions = { openai: { fileId: file.file_id } };
  } else {
    throw new GatewayError('GW_BAD_REQUEST', `Invalid '${param}.file': needs file_data or file_id.`, { status: 400, param });
  }
  return part;
}
