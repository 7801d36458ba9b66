import { isKeptObject } from '../../../core/util/kept-object.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';
import { hasPlainFields, isFiniteNumber, isInt, nullish, oneOf, type ValueCheck } from '../../../core/util/plain-fields.ts';

/**
 * A fast check for the common Chat Completions body: what coding agents send (text and image
 * messages, function tools, tool calls and their results) with scalar settings. It answers
 * `true` only for bodies that `OpenAIChatRequestSchema` accepts as they are (the schema has no
 * transforms or defaults, so its output equals the input); for anything it does not know for
 * sure (audio or file parts, response formats, legacy functions, a wrong value…) it answers
 * `false` and the schema decides, with its precise error messages. It exists because the
 * schema's unions and variants cost several microseconds on every request, and on an agent's
 * long conversation with tools about 70 µs per 100 KB (measured), all of it thrown away.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function isPlainChatBody(body: Record<string, unknown>): boolean {
  return hasPlainFields(body, FIELDS, REQUIRED);
}

const isNull = (x: unknown) => x === null;
const isBool = nullish((x) => typeof x === 'boolean');
const isText = nullish((x) => typeof x === 'string');
const inRange = (min: number, max: number, int = false) =>
  nullish((x) => (int ? isInt(x) : isFiniteNumber(x)) && (x as number) >= min && (x as number) <= max);

const REQUIRED = ['model', 'messages'];

/**
 * The check of each top-level field the fast path knows (nullish, as in the schema). A schema
 * field the fast path leaves to the schema takes null only (response_format…); a field the schema
 * does not name is passed through, as `looseObject` does.
 */
const FIELDS = lookupTable<ValueCheck>({
  model: (x) => typeof x === 'string' && x.length > 0,
  messages: (x) => Array.isArray(x) && x.length > 0 && x.every(isPlainMessage),
  stream: isBool,
  parallel_tool_calls: isBool,
  logprobs: isBool,
  store: isBool,
  user: isText,
  service_tier: isText,
  temperature: inRange(0, 2),
  top_p: inRange(0, 1),
  presence_penalty: inRange(-2, 2),
  frequency_penalty: inRange(-2, 2),
  max_tokens: inRange(1, Infinity, true),
  max_completion_tokens: inRange(1, Infinity, true),
  top_k: inRange(0, Infinity, true),
  n: inRange(1, 128, true),
  top_logprobs: inRange(0, 20, true),
  seed: nullish(isInt),
  stop: (x) => x === null || typeof x === 'string' || (Array.isArray(x) && x.every((s) => typeof s === 'string')),
  reasoning_effort: nullish(oneOf('none', 'minimal', 'low', 'medium', 'high', 'xhigh')),
  stream_options: (x) => x === null || (isRecord(x) && (x.include_usage === undefined || typeof x.include_usage === 'boolean')),
  tools: (x) => x === null || (Array.isArray(x) && x.every(isFunctionTool)),
  tool_choice: (x) => x === null || x === 'none' || x === 'auto' || x === 'required' || isNamedToolChoice(x),
  // Fields of the schema the fast path leaves to it: anything but null goes there.
  functions: isNull,
  function_call: isNull,
  response_format: isNull,
  logit_bias: isNull,
  metadata: isNull,
  prediction: isNull,
  modalities: isNull,
});

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Text only: a string, or an array of `{ type: 'text', text }` parts. */
function isTextContent(x: unknown): boolean {
  if (typeof x === 'string') return true;
  if (!Array.isArray(x)) return false;
  for (const p of x) if (!isTextPart(p)) return false;
  return true;
}

/** A string, or an array of text and `image_url` parts (a user message, a tool's result). */
function isTextOrImageContent(x: unknown): boolean {
  if (typeof x === 'string') return true;
  if (!Array.isArray(x)) return false;
  for (const p of x) if (!isTextPart(p) && !isImagePart(p)) return false;
  return true;
}

/** An assistant's content: none, a string, or an array of text and refusal parts. */
function isAssistantContent(x: unknown): boolean {
  if (x == null || typeof x === 'string') return true;
  if (!Array.isArray(x)) return false;
  for (const p of x) if (!isTextPart(p) && !(isRecord(p) && p.type === 'refusal' && typeof p.refusal === 'string')) return false;
  return true;
}

function isTextPart(p: unknown): boolean {
  return isRecord(p) && p.type === 'text' && typeof p.text === 'string';
}

const DETAILS = new Set(['auto', 'low', 'high']);

function isImagePart(p: unknown): boolean {
  if (!isRecord(p) || p.type !== 'image_url') return false;
  const image = p.image_url;
  return isRecord(image) && typeof image.url === 'string' && (image.detail === undefined || (typeof image.detail === 'string' && DETAILS.has(image.detail)));
}

/** `{ id, type: 'function', function: { name, arguments } }`, arguments as the JSON text they are. */
function isToolCall(c: unknown): boolean {
  if (!isRecord(c) || typeof c.id !== 'string' || c.type !== 'function') return false;
  const f = c.function;
  return isRecord(f) && typeof f.name === 'string' && typeof f.arguments === 'string';
}

/** `{ type: 'function', function: { name, description?, parameters?, strict? } }`. */
function isFunctionTool(t: unknown): boolean {
  if (!isRecord(t) || t.type !== 'function') return false;
  const f = t.function;
  return isRecord(f) && typeof f.name === 'string' && f.name.length > 0
    && (f.description === undefined || typeof f.description === 'string')
    && (f.parameters === undefined || isKeptObject(f.parameters)) // they reach the hub whole
    && (f.strict == null || typeof f.strict === 'boolean');
}

function isNamedToolChoice(x: unknown): boolean {
  return isRecord(x) && x.type === 'function' && isRecord(x.function) && typeof x.function.name === 'string';
}

/** A system, developer, user, assistant (text, tool calls) or tool message. */
function isPlainMessage(m: unknown): boolean {
  if (!isRecord(m)) return false;
  if (m.name !== undefined && typeof m.name !== 'string') return false;
  switch (m.role) {
    case 'system':
    case 'developer':
      return isTextContent(m.content);
    case 'user':
      return isTextOrImageContent(m.content);
    case 'tool':
      return isTextOrImageContent(m.content) && typeof m.tool_call_id === 'string';
    case 'assistant':
      return isAssistantContent(m.content)
        && (m.refusal == null || typeof m.refusal === 'string')
        && (m.reasoning_content == null || typeof m.reasoning_content === 'string')
        && (m.tool_calls == null || (Array.isArray(m.tool_calls) && m.tool_calls.every(isToolCall)))
        && m.function_call == null;
    default:
      return false;
  }
}
