import { GatewayError } from '../../../core/errors/gateway-error.ts';

type Json = Record<string, unknown>;

/** Fields of a Responses body with no Chat Completions meaning here: left out. */
const DROPPED = new Set(['input', 'instructions', 'max_output_tokens', 'reasoning', 'text', 'tools', 'tool_choice', 'include', 'truncation', 'background', 'conversation']);

/**
 * True for a body sent to `/v1/chat/completions` in the shape of a Responses request (`input`
 * and no `messages`): Cursor does this with its "Override OpenAI Base URL" for some models,
 * and expects a Chat Completions reply.
 *
 * @see https://forum.cursor.com/t/override-openai-base-url-sends-responses-api-payload-to-chat-completions-but-expects-chat-completions-output/159298
 */
export function isResponsesShaped(body: Json): boolean {
  return body.messages === undefined && body.input !== undefined;
}

/**
 * The Chat Completions body a Responses-shaped one means: `instructions` and `input` items
 * become messages (text, images and files; `function_call` items join the assistant turn as
 * `tool_calls`; `function_call_output` items become `tool` messages; reasoning items, which a
 * Chat upstream cannot take, are left out), function tools and `tool_choice` take the Chat
 * shape, `max_output_tokens`, `reasoning.effort`, `text.format` and `text.verbosity` their Chat
 * fields. Other fields pass as they are.
 *
 * Errors: 400 naming the field for `previous_response_id`, non-function tools and item types a
 * Chat request cannot carry.
 */
export function chatBodyFromResponses(body: Json): Json {
  if (typeof body.previous_response_id === 'string' && body.previous_response_id) {
    throw bad('previous_response_id needs POST /v1/responses; this is /v1/chat/completions.', 'previous_response_id');
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(body)) if (!DROPPED.has(k) && k !== 'previous_response_id') out[k] = v;
  const messages: Json[] = [];
  if (typeof body.instructions === 'string' && body.instructions) messages.push({ role: 'system', content: body.instructions });
  if (typeof body.input === 'string') messages.push({ role: 'user', content: body.input });
  else if (Array.isArray(body.input)) body.input.forEach((item, i) => addItem(messages, item as Json, `input[${i}]`));
  else throw bad('input must be a string or a list of items.', 'input');
  out.messages = messages;
  if (Array.isArray(body.tools)) out.tools = body.tools.map((t, i) => chatTool(t as Json, `tools[${i}]`));
  const choice = body.tool_choice as Json | string | undefined;
  if (choice !== undefined) out.tool_choice = typeof choice === 'object' && choice?.type === 'function' ? { type: 'function', function: { name: choice.name } } : choice;
  if (typeof body.max_output_tokens === 'number') out.max_completion_tokens = body.max_output_tokens;
  const reasoning = body.reasoning as Json | undefined;
  if (typeof reasoning?.effort === 'string') out.reasoning_effort = reasoning.effort;
  const text = body.text as Json | undefined;
  const format = text?.format as Json | undefined;
  if (format?.type === 'json_schema') {
    const { type: _, ...schema } = format;
    out.response_format = { type: 'json_schema', json_schema: schema };
  } else if (format?.type === 'json_object' || format?.type === 'text') {
    out.response_format = { type: format.type };
  }
  if (typeof text?.verbosity === 'string') out.verbosity = text.verbosity;
  return out;
}

function addItem(messages: Json[], item: Json, at: string): void {
  if (!isObject(item)) throw bad(`${at}: an input item must be an object.`, at);
  const type = typeof item.type === 'string' ? item.type : 'message';
  switch (type) {
    case 'message':
      messages.push({ role: item.role, content: chatContent(item.content, item.role === 'assistant', `${at}.content`) });
      return;
    case 'function_call': {
      const last = messages.at(-1);
      const call = { id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments ?? '{}' } };
      if (last?.role === 'assistant') last.tool_calls = [...((last.tool_calls as Json[] | undefined) ?? []), call];
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
      return;
    }
    case 'function_call_output':
      messages.push({ role: 'tool', tool_call_id: item.call_id, content: outputText(item.output) });
      return;
    case 'reasoning':
      return;
    default:
      throw bad(`${at}: items of type "${type}" need POST /v1/responses.`, `${at}.type`);
  }
}

/** Responses content parts → Chat content: a string stays one; assistant turns keep only their text. */
function chatContent(content: unknown, assistant: boolean, at: string): unknown {
  if (!Array.isArray(content)) return content;
  content.forEach((p, j) => {
    if (!isObject(p)) throw bad(`${at}[${j}]: a content part must be an object.`, `${at}[${j}]`);
  });
  if (assistant) return content.map((p) => textOf(p as Json)).join('');
  return content.map((p) => {
    const part = p as Json;
    switch (part.type) {
      case 'input_text':
      case 'output_text':
        return { type: 'text', text: part.text };
      case 'input_image':
        return { type: 'image_url', image_url: { url: part.image_url, ...(part.detail ? { detail: part.detail } : {}) } };
      case 'input_file':
        return { type: 'file', file: { file_data: part.file_data, filename: part.filename } };
      default:
        return part;
    }
  });
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(part: Json): string {
  return typeof part.text === 'string' ? part.text : typeof part.refusal === 'string' ? part.refusal : '';
}

function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  return Array.isArray(output) ? output.map((p) => (isObject(p) ? textOf(p) : '')).join('') : '';
}

function chatTool(tool: Json, at: string): Json {
  if (!isObject(tool) || tool.type !== 'function') throw bad(`${at}: tools of type "${String(tool?.type)}" need POST /v1/responses.`, `${at}.type`);
  const fn: Json = { name: tool.name };
  if (tool.description !== undefined) fn.description = tool.description;
  if (tool.parameters !== undefined && tool.parameters !== null) fn.parameters = tool.parameters;
  if (tool.strict !== undefined && tool.strict !== null) fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

function bad(message: string, param: string): GatewayError {
  return new GatewayError('GW_BAD_REQUEST', message, { status: 400, param });
}
