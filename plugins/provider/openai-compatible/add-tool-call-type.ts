import type { ByteFilter } from '../../../core/plugin/types.ts';
import { afterLastEvent, eventEndAfter } from '../../../core/util/sse.ts';

/**
 * Mistral's API (and Mistral models deployed on Azure) send tool calls without
 * `"type": "function"`, which OpenAI's wire always carries and strict clients require: the
 * `openai` SDK's stream helper throws "missing choices[0].tool_calls[0].type", and other
 * OpenAI decoders drop or refuse such calls. The translated lane writes OpenAI's shape anyway;
 * on the passthrough lane the quirk `add_tool_call_type` puts the field back, touching only the
 * JSON that holds tool calls (every other byte passes as it came).
 *
 * @see https://github.com/vercel/ai/pull/12901
 */
const TOOL_CALLS = Buffer.from('"tool_calls"');
const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder();

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Adds `type: "function"` to each tool call of a chat completion or chunk that starts a call
 * (has an `id` or a function name) and has no type: `choices[].message.tool_calls` and
 * `choices[].delta.tool_calls`. Changes `json` in place; true when it changed anything.
 */
export function addToolCallTypes(json: unknown): boolean {
  if (!isObject(json) || !Array.isArray(json.choices)) return false;
  let changed = false;
  for (const choice of json.choices) {
    if (!isObject(choice)) continue;
    for (const holder of [choice.message, choice.delta]) {
      if (!isObject(holder) || !Array.isArray(holder.tool_calls)) continue;
      for (const call of holder.tool_calls) {
        if (!isObject(call) || call.type !== undefined) continue;
        if (call.id === undefined && !(isObject(call.function) && typeof call.function.name === 'string')) continue;
        call.type = 'function';
        changed = true;
      }
    }
  }
  return changed;
}

/** A whole JSON reply with the tool call types added; the same bytes when none was missing (or it is not JSON). */
export function addToolCallTypesToBody(bytes: Uint8Array): Uint8Array {
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(TOOL_CALLS) === -1) return bytes;
  try {
    const json: unknown = JSON.parse(utf8.decode(bytes));
    return addToolCallTypes(json) ? Buffer.from(JSON.stringify(json)) : bytes;
  } catch {
    return bytes;
  }
}

/** One SSE event with the tool call types added to its `data:` JSON; the same bytes when nothing changed. */
function patchEvent(event: Buffer): Buffer {
  if (event.indexOf(TOOL_CALLS) === -1) return event;
  const text = utf8.decode(event);
  const lines = text.split(/\r\n|\r|\n/);
  const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(l.startsWith('data: ') ? 6 : 5)).join('\n');
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return event;
  }
  if (!addToolCallTypes(json)) return event;
  const other = lines.filter((l) => l !== '' && !l.startsWith('data:'));
  return Buffer.from([...other, `data: ${JSON.stringify(json)}`].join('\n') + '\n\n');
}

/**
 * The stream filter of `add_tool_call_type`: complete events pass as they came, except those
 * holding a tool call without its type, rewritten with it (their other fields as they were);
 * an event cut by a chunk waits for its end.
 */
export function createToolCallTypeFilter(): ByteFilter {
  let carry: Buffer = EMPTY as Buffer;
  const patch = (whole: Buffer): Buffer => {
    if (whole.indexOf(TOOL_CALLS) === -1) return whole;
    const out: Buffer[] = [];
    for (let start = 0; start < whole.length;) {
      const end = eventEndAfter(whole, start);
      out.push(patchEvent(whole.subarray(start, end)));
      start = end;
    }
    return Buffer.concat(out);
  };
  return {
    chunk(bytes) {
      const data = carry.length === 0 ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.concat([carry, bytes]);
      const end = afterLastEvent(data);
      carry = end === data.length ? (EMPTY as Buffer) : Buffer.from(data.subarray(end));
      if (end === 0) return undefined;
      const whole = end === data.length ? data : data.subarray(0, end);
      const patched = patch(whole);
      return patched === whole && whole === data && carry.length === 0 ? bytes : patched;
    },
    end() {
      const rest = carry;
      carry = EMPTY as Buffer;
      return rest.length > 0 ? patchEvent(rest) : undefined;
    },
  };
}

/** Two filters, one after the other (`first` may hold bytes back; `second` sees what it lets out). */
export function chainFilters(first: ByteFilter, second: ByteFilter): ByteFilter {
  const join = (a: Uint8Array | undefined, b: Uint8Array | undefined) => (a && b ? Buffer.concat([a, b]) : a ?? b);
  return {
    chunk(bytes) {
      const out = first.chunk(bytes);
      return out === undefined ? undefined : second.chunk(out);
    },
    end() {
      const rest = first.end();
      return join(rest === undefined ? undefined : second.chunk(rest), second.end());
    },
  };
}
