/**
 * A tool call's arguments (the JSON text models write) as the object the wire formats that carry
 * them as JSON values want (Anthropic `input`, Converse `toolUse.input`, Gemini `args`): `{}`
 * for blank or non-object text and for text that stays invalid after `repairArguments`, since
 * those APIs refuse anything but an object.
 */
export function toolArgumentsObject(json: string): Record<string, unknown> {
  if (json.trim() === '') return {};
  return asObject(parse(json)) ?? asObject(parse(repairArguments(json))) ?? {};
}

/**
 * Arguments text with the slips models and OpenAI-compatible servers make, where the meaning is
 * not in doubt, set right; undefined when it is not an object that can be read that way:
 * - a Markdown fence around the object (```json … ```);
 * - control characters written raw inside a string (a newline in a file's content);
 * - a comma before a closing brace or bracket;
 * - anything after the object (the same object sent twice, a model's end-of-call token).
 * Text cut off before its object closes (a reply that hit its length limit) stays unreadable:
 * completing it would run a tool on what the model never finished writing.
 */
export function repairArguments(text: string): string | undefined {
  const s = unfenced(text.trim());
  if (s[0] !== '{') return undefined;
  let out = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** Where a comma was written with nothing significant after it yet (-1: none). */
  let comma = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      else if (c < ' ') {
        out += CONTROL[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
        continue;
      }
      out += c;
      continue;
    }
    if (c === '}' || c === ']') {
      if (comma >= 0) out = out.slice(0, comma) + out.slice(comma + 1);
      comma = -1;
      out += c;
      if (--depth === 0) return out;
      continue;
    }
    if (c === ',') comma = out.length;
    else if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') comma = -1;
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    out += c;
  }
  return undefined;
}

const CONTROL: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** The inside of a Markdown code fence that wraps the whole text, else the text. */
function unfenced(text: string): string {
  const m = /^```[a-zA-Z]*\s*\n?([\s\S]*?)\s*```$/.exec(text);
  return m ? m[1]!.trim() : text;
}

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
