/**
 * Structured output whose schema root is not an object (a Gemini client's `type: ARRAY`
 * response schema, a string enum…). OpenAI's `response_format` and Anthropic's tool
 * `input_schema` take object roots only, so the schema is sent as `{value: <schema>}` and the
 * reply's `value` is handed back bare: the client gets the JSON it asked for. Used by the
 * OpenAI-compatible and Anthropic providers.
 */

/** The property that carries a wrapped value. */
export const JSON_VALUE_KEY = 'value';

/**
 * True when `schema` does not describe an object at its root: a `type` other than `object`
 * (an array of types included), or no `type` and a union, enum, const or `items`. A schema
 * without a `type` that says none of those is read as an object, as before.
 */
export function needsValueWrap(schema: Record<string, unknown>): boolean {
  const t = schema.type;
  if (t !== undefined) return t !== 'object';
  return 'anyOf' in schema || 'oneOf' in schema || 'enum' in schema || 'const' in schema || 'items' in schema;
}

/**
 * `{type: object, properties: {value: schema}, required: [value]}`, closed (strict mode wants
 * `additionalProperties: false`). Definitions move to the new root so `#/$defs/…` refs still
 * resolve.
 */
export function wrapValueSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const { $defs, definitions, $schema: _draft, ...value } = schema;
  const out: Record<string, unknown> = {
    type: 'object', properties: { [JSON_VALUE_KEY]: value }, required: [JSON_VALUE_KEY], additionalProperties: false,
  };
  if ($defs !== undefined) out.$defs = $defs;
  if (definitions !== undefined) out.definitions = definitions;
  return out;
}

/** Incremental unwrapper: JSON text of `{"value": X}` in (any split), the text of X out. */
export interface JsonValueUnwrapper {
  /** The part of X this fragment completes (possibly empty). */
  push(text: string): string;
  /** What is still held at the end: the text as it came when it never matched `{"value":`. */
  end(): string;
}

const PREFIX = `{"${JSON_VALUE_KEY}":`;
/** Positions in PREFIX before which whitespace may appear (before `{`, `"` and `:`). */
const SPACED = new Set([0, 1, PREFIX.length - 1]);
const WS = new Set([' ', '\t', '\n', '\r']);

/**
 * Streams X out of `{"value": X}` as it arrives: the prefix is matched (whitespace allowed),
 * then X's characters pass through until the `,` or `}` that closes it at its own level
 * (strings and nesting tracked). Text that does not start like the wrapper (a model that
 * answered bare) is given back unchanged.
 */
export function createJsonValueUnwrapper(): JsonValueUnwrapper {
  let mode: 'prefix' | 'value' | 'done' | 'raw' = 'prefix';
  let matched = 0;
  let held = '';
  let depth = 0;
  let inString = false;
  let escaped = false;

  function value(text: string, from: number): string {
    let out = '';
    for (let i = from; i < text.length; i++) {
      const c = text[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
      } else if (c === '"') {
        inString = true;
      } else if (c === '{' || c === '[') {
        depth++;
      } else if (c === '}' || c === ']' || c === ',') {
        if (depth === 0) {
          mode = 'done';
          break;
        }
        if (c !== ',') depth--;
      } else if (depth === 0 && WS.has(c)) {
        continue;
      }
      out += c;
    }
    return out;
  }

  return {
    push(text) {
      if (mode === 'raw') return text;
      if (mode === 'done') return '';
      if (mode === 'value') return value(text, 0);
      for (let i = 0; i < text.length; i++) {
        const c = text[i]!;
        if (c === PREFIX[matched]) {
          matched++;
          if (matched === PREFIX.length) {
            mode = 'value';
            held = '';
            return value(text, i + 1);
          }
        } else if (!(SPACED.has(matched) && WS.has(c))) {
          mode = 'raw';
          const out = held + text;
          held = '';
          return out;
        }
      }
      held += text;
      return '';
    },
    end() {
      const out = mode === 'prefix' ? held : '';
      held = '';
      return out;
    },
  };
}

/** The bare value of a whole `{"value": X}` text (the text itself when it is not one). */
export function unwrapJsonValue(text: string): string {
  const u = createJsonValueUnwrapper();
  return u.push(text) + u.end();
}
