import { wireArguments } from '../../../core/util/tool-arguments.ts';
import type { ContentPart, FilePart, ImagePart, Message, ReasoningPart, ToolResultPart } from '../../../core/types/hub.ts';

/** Provider type of this adapter: the key of its providerOptions and reasoning origin. */
export const PROVIDER = 'openai-responses';

type Item = Record<string, unknown>;

/** `instructions` and `input` of a Responses request. */
export interface ResponsesInput {
  instructions?: string;
  input: Item[];
  /** True when an encrypted reasoning item is in the input (it needs `include`). */
  hasEncryptedReasoning: boolean;
}

/**
 * Converts hub messages into Responses `instructions` + `input` items.
 *
 * Leading system messages become `instructions`; later ones stay in place as `system` (or
 * `developer`) messages. An assistant message becomes, in order, reasoning items, assistant
 * `output_text` messages and `function_call` items; tool results become `function_call_output`.
 * Only reasoning this API produced (origin `openai-responses` with its encrypted payload) is sent
 * back; reasoning of other providers is dropped, since OpenAI cannot verify it. Raw items kept
 * by the Responses translator (`providerOptions['openai-responses'].item`) are sent unchanged.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 */
export function convertToResponsesInput(messages: Message[]): ResponsesInput {
  const out: ResponsesInput = { input: [], hasEncryptedReasoning: false };
  const instructions: string[] = [];
  let leading = true;
  for (const message of messages) {
    const raw = message.providerOptions?.[PROVIDER]?.item;
    if (raw !== undefined) {
      out.input.push(raw as Item);
      leading = false;
      continue;
    }
    if (message.role === 'system') {
      const text = textOf(message.content);
      if (leading) instructions.push(text);
      else out.input.push({ type: 'message', role: roleOf(message), content: [{ type: 'input_text', text }] });
      continue;
    }
    leading = false;
    if (message.role === 'assistant') convertAssistant(message.content, out);
    else convertUserOrTool(message.content, out.input);
  }
  if (instructions.length > 0) out.instructions = instructions.join('\n\n');
  return out;
}

function roleOf(message: Message): string {
  return message.providerOptions?.[PROVIDER]?.role === 'developer' ? 'developer' : 'system';
}

function textOf(content: ContentPart[]): string {
  return content.map((p) => (p.type === 'text' ? p.text : '')).filter((t) => t.length > 0).join('\n\n');
}

function convertAssistant(content: ContentPart[], out: ResponsesInput): void {
  let texts: Item[] = [];
  const flush = (): void => {
    if (texts.length > 0) out.input.push({ type: 'message', role: 'assistant', content: texts });
    texts = [];
  };
  for (const part of content) {
    if (part.type === 'text') {
      if (part.text.length > 0) texts.push({ type: 'output_text', text: part.text, annotations: [] });
    } else if (part.type === 'tool-call') {
      flush();
      out.input.push({ type: 'function_call', call_id: part.id, name: part.name, arguments: wireArguments(part.arguments) });
    } else if (part.type === 'reasoning') {
      const item = reasoningItem(part);
      if (item) {
        flush();
        out.input.push(item);
        out.hasEncryptedReasoning = true;
      }
    }
  }
  flush();
}

/** OpenAI reasoning goes back with its encrypted payload; any other reasoning is dropped. */
function reasoningItem(part: ReasoningPart): Item | undefined {
  if (part.origin !== PROVIDER || !part.redacted) return undefined;
  const item: Item = { type: 'reasoning' };
  const id = part.providerOptions?.[PROVIDER]?.id;
  if (typeof id === 'string' && id.length > 0) item.id = id;
  item.summary = part.text ? [{ type: 'summary_text', text: part.text }] : [];
  item.encrypted_content = part.redacted;
  return item;
}

function convertUserOrTool(content: ContentPart[], input: Item[]): void {
  let parts: Item[] = [];
  const flush = (): void => {
    if (parts.length > 0) input.push({ type: 'message', role: 'user', content: parts });
    parts = [];
  };
  for (const part of content) {
    if (part.type === 'tool-result') {
      flush();
      input.push(toolOutput(part));
    } else if (part.type === 'text') {
      parts.push({ type: 'input_text', text: part.text });
    } else if (part.type === 'image') {
      parts.push(inputImage(part));
    } else if (part.type === 'file') {
      parts.push(inputFile(part));
    }
  }
  flush();
}

function toolOutput(part: ToolResultPart): Item {
  const allText = part.content.every((c) => c.type === 'text');
  const output = allText
    ? part.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n')
    : part.content.map((c) => (c.type === 'text' ? { type: 'input_text', text: c.text } : inputImage(c)));
  return { type: 'function_call_output', call_id: part.toolCallId, output };
}

function inputImage(part: ImagePart): Item {
  const url = part.url ?? `data:${part.mediaType ?? 'image/png'};base64,${part.data ?? ''}`;
  const item: Item = { type: 'input_image', image_url: url };
  item.detail = part.detail ?? 'auto';
  return item;
}

function inputFile(part: FilePart): Item {
  if (part.data !== undefined) {
    return { type: 'input_file', filename: part.filename ?? 'file', file_data: `data:${part.mediaType};base64,${part.data}` };
  }
  if (part.url?.startsWith('data:')) return { type: 'input_file', filename: part.filename ?? 'file', file_data: part.url };
  const item: Item = { type: 'input_file', file_url: part.url ?? '' };
  if (part.filename) item.filename = part.filename;
  return item;
}
