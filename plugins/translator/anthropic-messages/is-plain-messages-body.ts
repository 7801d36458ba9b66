/**
 * A fast check for the Messages bodies Claude Code and other agents send: text, image, tool use,
 * tool result and thinking blocks, custom and Anthropic-defined tools, the usual settings. It
 * answers `true` only for bodies that `MessagesRequestSchema` accepts as they are (the schema
 * has no transforms or defaults, so its output equals the input); for anything it does not know
 * for sure (documents, a wrong value, a name the schema drops…) it answers `false` and the
 * schema decides, with its precise error messages. It exists because the schema's variants and
 * unions cost ~60 µs on a 100 KB conversation (measured), on every request, all thrown away.
 *
 * @see https://docs.anthropic.com/en/api/messages
 */
export function isPlainMessagesBody(body: Record<string, unknown>): boolean {
  let required = 0;
  for (const key in body) {
    const value = body[key];
    switch (key) {
      case 'model':
        if (typeof value !== 'string' || value.length === 0) return false;
        required++;
        break;
      case 'max_tokens':
        if (!isInt(value) || value < 1) return false;
        required++;
        break;
      case 'messages':
        if (!Array.isArray(value)) return false;
        for (const m of value) if (!isMessage(m)) return false;
        required++;
        break;
      case 'system':
        if (typeof value !== 'string' && !(Array.isArray(value) && value.every(isTextBlock))) return false;
        break;
      case 'tools':
        if (!Array.isArray(value) || !value.every(isTool)) return false;
        break;
      case 'tool_choice':
        if (!isToolChoice(value)) return false;
        break;
      case 'thinking':
        if (!isThinking(value)) return false;
        break;
      case 'stop_sequences':
        if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) return false;
        break;
      case 'temperature':
        if (typeof value !== 'number' || !(value >= 0)) return false;
        break;
      case 'top_p':
        if (typeof value !== 'number') return false;
        break;
      case 'top_k':
        if (!isInt(value)) return false;
        break;
      case 'stream':
        if (typeof value !== 'boolean') return false;
        break;
      case 'metadata':
        if (!isObject(value) || !(value.user_id == null || typeof value.user_id === 'string')) return false;
        break;
      case 'output_config':
        if (!isObject(value) || !(value.effort === undefined || typeof value.effort === 'string') || !isTyped(value.format)) return false;
        break;
      case 'output_format':
        if (!isTyped(value)) return false;
        break;
      case '__proto__':
      case 'prototype':
      case 'constructor':
        // The schema drops these names from its output; the body itself would keep them.
        return false;
    }
  }
  return required === 3;
}

/** Block types the schema models; any other type string is an opaque block it passes. */
const MODELLED = new Set(['text', 'image', 'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking']);

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);

/**
 * An object the schema keeps as it is: its loose objects and records drop these names (and a
 * record turns an array into an object).
 */
function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
    && !Object.hasOwn(x, '__proto__') && !Object.hasOwn(x, 'prototype') && !Object.hasOwn(x, 'constructor');
}

/** None, or `{ type: string }` (an output format). */
function isTyped(x: unknown): boolean {
  return x == null || (isObject(x) && typeof x.type === 'string');
}

function isCacheControl(x: unknown): boolean {
  return x == null || (isObject(x) && typeof x.type === 'string' && (x.ttl === undefined || typeof x.ttl === 'string'));
}

function isTextBlock(b: unknown): boolean {
  return isObject(b) && b.type === 'text' && typeof b.text === 'string' && isCacheControl(b.cache_control);
}

function isImageBlock(b: Record<string, unknown>): boolean {
  const s = b.source;
  if (!isObject(s) || !isCacheControl(b.cache_control)) return false;
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
  if (!isObject(m) || (m.role !== 'user' && m.role !== 'assistant' && m.role !== 'system')) return false;
  const content = m.content;
  return typeof content === 'string' || (Array.isArray(content) && content.every(isBlock));
}

/** A content block of a message; documents are left to the schema. */
function isBlock(b: unknown): boolean {
  if (!isObject(b) || typeof b.type !== 'string') return false;
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
  if (!isObject(b) || typeof b.type !== 'string') return false;
  if (b.type === 'text') return typeof b.text === 'string' && isCacheControl(b.cache_control);
  if (b.type === 'image') return isImageBlock(b);
  return !MODELLED.has(b.type);
}

/** A custom tool (name and input schema) or an Anthropic-defined one (its `type`). */
function isTool(t: unknown): boolean {
  if (!isObject(t)) return false;
  const { type, name, input_schema: schema } = t;
  return (type === undefined || typeof type === 'string') && (name === undefined || typeof name === 'string')
    && (t.description === undefined || typeof t.description === 'string') && (schema === undefined || isObject(schema))
    && isCacheControl(t.cache_control)
    && ((type !== undefined && type !== 'custom') || (typeof name === 'string' && schema !== undefined));
}

function isToolChoice(c: unknown): boolean {
  if (!isObject(c)) return false;
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
  if (!isObject(t)) return false;
  if (t.type === 'enabled') return isInt(t.budget_tokens) && t.budget_tokens >= 0;
  return t.type === 'adaptive' || t.type === 'disabled';
}
