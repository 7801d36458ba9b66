import type { ContentPart, ImagePart, Message, ReasoningPart, TextPart } from '../../../core/types/hub.ts';
import * as v from 'valibot';
import { badRequest, schemaError } from './check-schema.ts';
import { plainOrParsed } from '../../../core/util/plain-fields.ts';
import { isPlainItem } from './is-plain-responses-body.ts';
import { convertContentPart } from './convert-responses-content.ts';
import { OPTIONAL_ITEM_TYPES, TRANSLATED_ITEM_TYPES } from './find-native-only-feature.ts';
import { openReasoning, RESPONSES_ORIGIN } from './reasoning-envelope.ts';
import { customCallArguments } from './custom-tools.ts';
import { flatToolName, TOOL_SEARCH, toolSearchResult } from './client-tools.ts';
import {
  CustomToolCallItemSchema,
  CustomToolCallOutputItemSchema,
  FunctionCallItemSchema,
  FunctionCallOutputItemSchema,
  MessageItemSchema,
  ReasoningItemSchema,
  type CustomToolCallOutputItem,
  type FunctionCallOutputItem,
  type MessageItem,
  type ReasoningItem,
} from './responses-request-schema.ts';

const PROVIDER = RESPONSES_ORIGIN;

/**
 * Converts `instructions` + `input` of a Responses request into hub messages.
 *
 * Items of one model turn (reasoning, assistant message, function calls) merge into one
 * assistant message, in order; each `function_call_output` becomes a `tool` message. Item types
 * the hub has no shape for (`web_search_call`, `custom_tool_call`…) become empty messages that
 * carry the raw item in `providerOptions['openai-responses'].item`, for a Responses upstream only.
 *
 * Errors: 400 for a malformed item, an `item_reference` (stored responses replace them before
 * this step; one left here means storage is off), or a `function_call_output` whose `call_id`
 * matches no earlier call.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 */
export function convertResponsesInput(input: string | unknown[] | undefined, instructions?: string | null): Message[] {
  const messages: Message[] = [];
  if (typeof instructions === 'string' && instructions.length > 0) {
    messages.push({ role: 'system', content: [{ type: 'text', text: instructions }] });
  }
  if (typeof input === 'string') {
    messages.push({ role: 'user', content: [{ type: 'text', text: input }] });
    return messages;
  }
  const calls = new Map<string, string>();
  const turn = (): Message => {
    const last = messages[messages.length - 1];
    if (last && last.role === 'assistant' && last.providerOptions?.[PROVIDER]?.item === undefined) return last;
    const created: Message = { role: 'assistant', content: [] };
    messages.push(created);
    return created;
  };
  (input ?? []).forEach((raw, i) => convertItem(raw, `input[${i}]`, messages, calls, turn));
  return messages;
}

function convertItem(
  raw: unknown,
  param: string,
  messages: Message[],
  calls: Map<string, string>,
  turn: () => Message,
): void {
  const item = raw as Record<string, unknown>;
  const type = typeof item.type === 'string' ? item.type : 'message';
  switch (type) {
    case 'message':
      return convertMessage(checked(isPlainItem.message, MessageItemSchema, raw, param), param, messages, turn);
    case 'function_call': {
      const call = checked(isPlainItem.function_call, FunctionCallItemSchema, raw, param);
      const name = flatToolName(call.namespace, call.name);
      calls.set(call.call_id, name);
      turn().content.push({ type: 'tool-call', id: call.call_id, name, arguments: call.arguments });
      return;
    }
    case 'function_call_output':
      messages.push(convertOutput(checked(isPlainItem.function_call_output, FunctionCallOutputItemSchema, raw, param), param, calls));
      return;
    case 'custom_tool_call': {
      const call = checked(isPlainItem.custom_tool_call, CustomToolCallItemSchema, raw, param);
      const name = flatToolName(call.namespace, call.name);
      calls.set(call.call_id, name);
      turn().content.push({ type: 'tool-call', id: call.call_id, name, arguments: customCallArguments(call.input) });
      return;
    }
    case 'custom_tool_call_output':
      messages.push(convertOutput(checked(isPlainItem.custom_tool_call_output, CustomToolCallOutputItemSchema, raw, param), param, calls));
      return;
    case 'reasoning': {
      const part = convertReasoning(checked(isPlainItem.reasoning, ReasoningItemSchema, raw, param));
      if (part) turn().content.push(part);
      return;
    }
    case 'tool_search_call':
    case 'tool_search_output':
      // The client ran it (Codex's MCP tool search): the function call and its result, as any
      // upstream but Responses saw them (see `client-tools.ts`). One OpenAI ran is left out.
      if (item.execution !== 'client' || typeof item.call_id !== 'string') return;
      if (type === 'tool_search_call') {
        calls.set(item.call_id, TOOL_SEARCH);
        turn().content.push({ type: 'tool-call', id: item.call_id, name: TOOL_SEARCH, arguments: JSON.stringify(item.arguments ?? {}) });
      } else {
        const text = toolSearchResult(Array.isArray(item.tools) ? item.tools : []);
        messages.push({ role: 'tool', content: [{ type: 'tool-result', toolCallId: item.call_id, name: TOOL_SEARCH, content: [{ type: 'text', text }] }] });
      }
      return;
    case 'item_reference':
      throw badRequest(
        `${param}: item_reference needs stored responses, which are turned off in this gateway (openai-responses store: false); send the full item.`,
        param,
      );
    default: {
      if (TRANSLATED_ITEM_TYPES.has(type) || OPTIONAL_ITEM_TYPES.has(type)) return;
      if (typeof item.call_id === 'string') calls.set(item.call_id, typeof item.name === 'string' ? item.name : type);
      const role = type.endsWith('_output') ? 'tool' : 'assistant';
      messages.push({ role, content: [], providerOptions: { [PROVIDER]: { item: raw } } });
    }
  }
}

/**
 * An item as its schema types it: the item itself when its hand check (`isPlainItem`) knows the
 * schema would accept it unchanged, else the schema's output, or its 400 naming the field.
 */
function checked<S extends v.GenericSchema>(plain: (item: unknown) => boolean, schema: S, raw: unknown, param: string): v.InferOutput<S> {
  return plainOrParsed(raw as Record<string, unknown>, plain, schema, (issues) => schemaError(issues, param));
}

function convertMessage(item: MessageItem, param: string, messages: Message[], turn: () => Message): void {
  // A message without content (null, as Codex sends on some tool turns) says nothing: no turn of its own.
  if (item.content === null) return;
  const content: ContentPart[] =
    typeof item.content === 'string'
      ? [{ type: 'text', text: item.content }]
      : item.content.map((part, j) => convertContentPart(part, `${param}.content[${j}]`));
  if (item.role === 'assistant') {
    const bad = content.findIndex((part) => part.type !== 'text');
    if (bad !== -1) throw badRequest(`${param}.content[${bad}]: assistant messages may contain only text.`, `${param}.content[${bad}]`);
    turn().content.push(...content);
    return;
  }
  const message: Message = { role: item.role === 'user' ? 'user' : 'system', content };
  if (item.role === 'developer') message.providerOptions = { [PROVIDER]: { role: 'developer' } };
  messages.push(message);
}

function convertOutput(item: FunctionCallOutputItem | CustomToolCallOutputItem, param: string, calls: Map<string, string>): Message {
  const name = calls.get(item.call_id);
  if (name === undefined) {
    throw badRequest(
      `${param}: no function_call with call_id "${item.call_id}" precedes this function_call_output.`,
      `${param}.call_id`,
    );
  }
  const content: Array<TextPart | ImagePart> = [];
  if (typeof item.output === 'string') {
    content.push({ type: 'text', text: item.output });
  } else {
    item.output.forEach((part, j) => {
      const converted = convertContentPart(part, `${param}.output[${j}]`);
      if (converted.type === 'file') {
        throw badRequest(`${param}.output[${j}]: files are not supported in function_call_output.`, `${param}.output[${j}]`);
      }
      content.push(converted);
    });
  }
  return { role: 'tool', content: [{ type: 'tool-result', toolCallId: item.call_id, name, content }] };
}

/** A reasoning item → a reasoning part; undefined when it carries neither text nor payload. */
function convertReasoning(item: ReasoningItem): ReasoningPart | undefined {
  const texts = item.summary.length > 0 ? item.summary.map((s) => s.text) : (item.content ?? []).map((c) => c.text);
  const part: ReasoningPart = { type: 'reasoning', text: texts.join('\n\n') };
  if (typeof item.encrypted_content === 'string' && item.encrypted_content.length > 0) {
    const seal = openReasoning(item.encrypted_content);
    if (seal.origin !== undefined) part.origin = seal.origin;
    if (seal.signature !== undefined) part.signature = seal.signature;
    if (seal.redacted !== undefined) part.redacted = seal.redacted;
    if (seal.origin === RESPONSES_ORIGIN && item.id) part.providerOptions = { [PROVIDER]: { id: item.id } };
  } else if (part.text.length === 0) {
    return undefined;
  }
  return part;
}
