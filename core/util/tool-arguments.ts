import { isJsonPrefix } from './is-json-prefix.ts';
import { lookupTable } from './lookup-table.ts';

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
 * Arguments text for a wire that carries it as a JSON string (OpenAI Chat `function.arguments`,
 * a Responses `function_call`): as written when it is JSON, repaired when `repairArguments` can,
 * and `{}` for blank text or text that stays unreadable (a call cut off mid-string). Servers that
 * read the history's arguments as JSON (vLLM, llama.cpp) refuse the whole request for one that
 * is not; OpenAI's own API takes either.
 */
export function wireArguments(text: string): string {
  if (text.trim() === '') return '{}';
  if (parse(text) !== undefined) return text;
  return repairArguments(text) ?? '{}';
}

/** Arguments text as the hub carries it: as written when it is JSON, else repaired when `repairArguments` can. */
export function fixedArguments(text: string): string {
  if (parse(text) !== undefined) return text;
  return repairArguments(text) ?? text;
}

/**
 * Arguments text with the slips models and OpenAI-compatible servers make, where the meaning is
 * not in doubt, set right; undefined when it is not an object that can be read that way:
 * - a Markdown fence around the object (```json … ```; an opening fence alone too);
 * - control characters written raw inside a string (a newline in a file's content);
 * - a comma before a closing brace or bracket;
 * - anything after the object (the same object sent twice, a model's end-of-call token).
 * Text cut off before its object closes (a reply that hit its length limit) stays unreadable:
 * completing it would run a tool on what the model never finished writing.
 */
export function repairArguments(text: string): string | undefined {
  const repair = streamArgumentsRepair();
  const out = repair.push(text);
  return repair.closed ? out : undefined;
}

/** A streamed tool call's arguments, repaired as they come (`streamArgumentsRepair`). */
export interface ArgumentsRepair {
  /** The next fragment in; what of the repaired text can be sent now out (often the fragment itself). */
  push(fragment: string): string;
  /** End of the call: what was still held (a comma of text that was cut off). */
  end(): string;
  /** The object closed: what came so far is whole, and anything more is dropped. */
  readonly closed: boolean;
}

const LEAD = 0;
const FENCE = 1;
const OBJECT = 2;
const RAW = 3;
const AFTER = 4;

/**
 * `repairArguments` for arguments that arrive in fragments, so a streamed call reaches the
 * client as the object meant while it streams: the output of the pushes and the end, joined, is
 * the repaired text, and sent text is never taken back. Only a comma is held (until what follows
 * it shows whether it trails), and the opening fence, so every fragment of valid JSON is sent
 * as it came. Arguments that do not start an object pass through unchanged.
 *
 * Some OpenAI-compatible servers stream arguments cumulatively: each fragment restates all the
 * ones before it. Once the object has begun, a fragment that starts with everything received so
 * far, and that would make the text so far invalid JSON if it were added to it (`{"ci` then
 * `{"city":…`), adds only its rest; from then on the server is known to restate, and every
 * fragment that starts with the ones before is read so. Before that, a fragment that keeps the
 * JSON valid when added (`{"a":` then `{"a": 1}}`, a nested object with the same key) is added.
 */
export function streamArgumentsRepair(): ArgumentsRepair {
  let mode = LEAD;
  /** Text held back: leading whitespace and a fence, or a comma and the whitespace after it. */
  let held = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** The fragments so far, as received (a restatement of them is caught). */
  let received = '';
  /** The server restates: each fragment starting with the ones before is one, valid JSON or not. */
  let cumulative = false;
  return {
    push(fragment) {
      if (mode === RAW) return fragment;
      if (mode === AFTER) return '';
      if (mode === OBJECT && fragment.length >= received.length && fragment.startsWith(received)
        && (cumulative || !isJsonPrefix((received + fragment).trimStart()))) {
        cumulative = true;
        const fresh = fragment.slice(received.length);
        received = fragment;
        fragment = fresh;
      } else {
        received += fragment;
      }
      let out = '';
      /** Start of the run of `fragment` not yet copied to `out` (copied in runs: no string per character). */
      let from = 0;
      for (let i = 0; i < fragment.length; i++) {
        const c = fragment[i]!;
        if (mode === OBJECT) {
          if (inString) {
            if (escaped) escaped = false;
            else if (c === '\\') escaped = true;
            else if (c === '"') inString = false;
            else if (c < ' ') {
              out += fragment.slice(from, i) + (CONTROL[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
              from = i + 1;
            }
            continue;
          }
          if (held !== '') {
            if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
              held += c;
              from = i + 1;
              continue;
            }
            // The held comma trails when a closing brace or bracket comes next.
            out += c === '}' || c === ']' ? held.slice(1) : held;
            held = '';
          }
          if (c === ',') {
            out += fragment.slice(from, i);
            held = ',';
            from = i + 1;
          } else if (c === '"') inString = true;
          else if (c === '{' || c === '[') depth++;
          else if ((c === '}' || c === ']') && --depth === 0) {
            mode = AFTER;
            return out + fragment.slice(from, i + 1);
          }
          continue;
        }
        // Before the object: whitespace and an opening fence (```json) are held.
        if (mode === FENCE && c !== '\n' && c !== '{') {
          held += c;
          continue;
        }
        if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
          held += c;
          if (c === '\n' && mode === FENCE) mode = LEAD;
          continue;
        }
        if (c === '`' && held.trim() === '') {
          held += c;
          mode = FENCE;
          continue;
        }
        if (c === '{') {
          mode = OBJECT;
          depth = 1;
          held = '';
          from = i;
          continue;
        }
        mode = RAW;
        const rest = held + fragment.slice(i);
        held = '';
        return rest;
      }
      if (mode !== OBJECT) return out;
      return out + fragment.slice(from);
    },
    end() {
      const rest = held;
      held = '';
      return rest;
    },
    get closed() {
      return mode === AFTER;
    },
  };
}

const CONTROL: Readonly<Record<string, string>> = lookupTable({ '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' });

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
