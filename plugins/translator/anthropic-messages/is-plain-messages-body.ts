import { isKeptObject } from '../../../core/util/kept-object.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';
import { hasPlainFields, isInt, type ValueCheck } from '../../../core/util/plain-fields.ts';

/**
 * A fast check for the Messages bodies Claude Code and other agents send: text, image, tool use,
 * tool result and thinking blocks, custom and Anthropic-defined tools, the usual settings. It
 * answers `true` only for bodies that `MessagesRequestSchema` accepts as they are (the schema
 * has no transforms or defaults, so its output equals the input); for anything it does not know
 * for sure (documents, a wrong value, a name the schema drops…) it answers `false` and the
 * schema decides, with its precise error messages. Every object is checked for the names the
 * schema drops (`isKeptObject`): the decoder keeps fields it does not map, so one would show. It
 * exists because the schema's variants and unions cost ~60 µs on a 100 KB conversation
 * (measured), on every request, all thrown away.
 *
 * @see https://docs.anthropic.com/en/api/messages
 */
export function isPlainMessagesBody(body: Record<string, unknown>): boolean {
  return hasPlainFields(body, FIELDS, REQUIRED);
}

const REQUIRED = ['model', 'max_tokens', 'messages'];

/** The check of each top-level field the fast path knows; other names pass, as `looseObject` lets them. */
const FIELDS = lookupTable<ValueCheck>({
  model: (x) => typeof x === 'string' && x.length > 0,
  max_tokens: (x) => isInt(x) && x >= 1,
  messages: (x) => Array.isArray(x) && x.every(isMessage),
  system: (x) => typeof x === 'string' || (Array.isArray(x) && x.every(isTextBlock)),
  tools: (x) => Array.isArray(x) && x.every(isTool),
  tool_choice: isToolChoice,
  thinking: isThinking,
  stop_sequences: (x) => Array.isArray(x) && x.every((s) => typeof s === 'string'),
  temperature: (x) => typeof x === 'number' && x >= 0,
  top_p: (x) => typeof x === 'number',
  top_k: isInt,
  stream: (x) => typeof x === 'boolean',
  metadata: (x) => isKeptObject(x) && (x.user_id == null || typeof x.user_id === 'string'),
  output_config: (x) => isKeptObject(x) && (x.effort === undefined || typeof x.effort === 'string') && isTyped(x.format),
  output_format: isTyped,
});

/** Block types the schema models; any other type string is an opaque block it passes. */
const MODELLED = new Set(['text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking']);


/** None, or `{ type: string }` (an output format). */
function isTyped(x: unknown): boolean {
  return x == null || (isKeptObject(x) && typeof x.type === 'string');
}

function isCacheControl(x: unknown): boolean {
  return x == null || (isKeptObject(x) && typeof x.type === 'string' && (x.ttl === undefined || typeof x.ttl === 'string'));
}

function isTextBlock(b: unknown): boolean {
  return isKeptObject(b) && b.type === 'text' && typeof b.text === 'string' && isCacheControl(b.cache_control);
}

function isImageBlock(b: Record<string, unknown>): boolean {
  const s = b.source;
  if (!isKeptObject(s) || !isCacheControl(b.cache_control)) return false;
  switch (s.type) {
    case 'base64':
      return typeof s.media_type === 'string' && typeof s.data === 'string';
    case 'url':
      return typeof s.url === 'string';
    case 'file':
      return typeof s.file_id === 'string';
    default:
      return false;
  }
}

function isMessage(m: unknown): boolean {
  if (!isKeptObject(m) || (m.role !== 'user' && m.role !== 'assistant' && m.role !== 'system')) return false;
  const content = m.content;
  return typeof content === 'string' || (Array.isArray(content) && content.every(isBlock));
}

/** A content block of a message; documents are left to the schema. */
function isBlock(b: unknown): boolean {
  if (!isKeptObject(b) || typeof b.type !== 'string') return false;
  switch (b.type) {
    case 'text':
      return typeof b.text === 'string' && isCacheControl(b.cache_control);
    case 'image':
      return isImageBlock(b);
    case 'tool_use':
      // `input` may hold anything, but must be there.
      return typeof b.id === 'string' && b.id.length > 0 && typeof b.name === 'string' && Object.hasOwn(b, 'input')
        && isCacheControl(b.cache_control);
    case 'tool_result': {
      const c = b.content;
      return typeof b.tool_use_id === 'string' && b.tool_use_id.length > 0
        && (c === undefined || typeof c === 'string' || (Array.isArray(c) && c.every(isToolResultContent)))
        && (b.is_error === undefined || typeof b.is_error === 'boolean') && isCacheControl(b.cache_control);
    }
    case 'thinking':
      return typeof b.thinking === 'string' && (b.signature === undefined || typeof b.signature === 'string');
    case 'redacted_thinking':
      return typeof b.data === 'string';
    default:
      return !MODELLED.has(b.type); // documents go to the schema
  }
}

/** What a tool result may hold: text, images and opaque blocks (documents go to the schema). */
function isToolResultContent(b: unknown): boolean {
  if (!isKeptObject(b) || typeof b.type !== 'string') return false;
  if (b.type === 'text') return typeof b.text === 'string' && isCacheControl(b.cache_control);
  if (b.type === 'image') return isImageBlock(b);
  return !MODELLED.has(b.type);
}

/** A custom tool (name and input schema) or an Anthropic-defined one (its `type`). */
function isTool(t: unknown): boolean {
  if (!isKeptObject(t)) return false;
  const { type, name, input_schema: schema } = t;
  return (type === undefined || typeof type === 'string') && (name === undefined || typeof name === 'string')
    && (t.description === undefined || typeof t.description === 'string') && (schema === undefined || isKeptObject(schema))
    && isCacheControl(t.cache_control)
    && ((type !== undefined && type !== 'custom') || (typeof name === 'string' && schema !== undefined));
}

function isToolChoice(c: unknown): boolean {
  if (!isKeptObject(c)) return false;
  const flag = c.disable_parallel_tool_use === undefined || typeof c.disable_parallel_tool_use === 'boolean';
  switch (c.type) {
    case 'auto':
    case 'any':
      return flag;
    case 'tool':
      return flag && typeof c.name === 'string';
    case 'none':
      return true;
    default:
      return false;
  }
}

function isThinking(t: unknown): boolean {
  if (!isKeptObject(t)) return false;
  if (t.type === 'enabled') return isInt(t.budget_tokens) && t.budget_tokens >= 0;
  return t.type === 'adaptive' || t.type === 'disabled';
}
