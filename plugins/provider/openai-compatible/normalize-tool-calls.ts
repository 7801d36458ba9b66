import type { ByteFilter } from '../../../core/plugin/types.ts';
import { eventEndAfter } from '../../../core/util/sse.ts';
import { createWholeEventFilter } from './whole-event-filter.ts';

/**
 * OpenAI-compatible servers that get tool calls slightly wrong, on the passthrough lane (the
 * translated lane reads them leniently and writes OpenAI's shape anyway). With the quirk
 * `normalize_tool_calls`, the replies and stream events that hold tool calls are put in
 * OpenAI's shape; every other byte passes as it came:
 * - a call without `"type": "function"` (Mistral, and Mistral models on Azure) gets it: the
 *   `openai` SDK's stream helper throws "missing choices[0].tool_calls[0].type" without it;
 * - streamed calls are numbered by `index` in the order they start: a new call at an index
 *   another call already holds (Ollama sends every call at `index: 0`, so clients that gather
 *   fragments by index merge parallel calls into one broken JSON) or without an index
 *   (SambaNova) gets the next number, and its fragments follow it;
 * - arguments sent as a JSON object become the JSON string OpenAI sends (clients concatenate
 *   and parse strings).
 *
 * @see https://github.com/vercel/ai/pull/12901
 * @see https://github.com/ollama/ollama/issues/15497
 */
const TOOL_CALLS = Buffer.from('"tool_calls"');
const utf8 = new TextDecoder();

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** True for the entry that starts a call: it has an id or a function name. */
function starts(call: Json): boolean {
  return typeof call.id === 'string' || (isObject(call.function) && typeof call.function.name === 'string');
}

/**
 * A call put in OpenAI's own form: the missing `type` added to a call that starts, and arguments
 * given as a JSON object (not the string OpenAI sends) written as that string. True when it
 * changed anything.
 */
function inOpenAIForm(call: Json): boolean {
  let changed = false;
  if (call.type === undefined && starts(call)) {
    call.type = 'function';
    changed = true;
  }
  const fn = call.function;
  if (isObject(fn) && isObject(fn.arguments)) {
    fn.arguments = JSON.stringify(fn.arguments);
    changed = true;
  }
  return changed;
}

/**
 * The tool call lists of a reply or chunk (`choices[].message.tool_calls`,
 * `choices[].delta.tool_calls`), each with the `index` of its choice.
 */
function toolCallLists(json: unknown, key: 'message' | 'delta'): Array<[choice: number, calls: Json[]]> {
  if (!isObject(json) || !Array.isArray(json.choices)) return [];
  const lists: Array<[number, Json[]]> = [];
  for (const [i, choice] of json.choices.entries()) {
    const holder = isObject(choice) ? choice[key] : undefined;
    const n = isObject(choice) && typeof choice.index === 'number' ? choice.index : i;
    if (isObject(holder) && Array.isArray(holder.tool_calls)) lists.push([n, holder.tool_calls.filter(isObject)]);
  }
  return lists;
}

/** A whole reply's tool calls put in OpenAI's form, in place; true when it changed anything. */
export function normalizeReplyToolCalls(json: unknown): boolean {
  let changed = false;
  for (const [, calls] of toolCallLists(json, 'message')) for (const call of calls) changed = inOpenAIForm(call) || changed;
  return changed;
}

/** A whole JSON reply normalized; the same bytes when nothing changed (or it is not JSON). */
export function normalizeReplyBody(bytes: Uint8Array): Uint8Array {
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(TOOL_CALLS) === -1) return bytes;
  try {
    const json: unknown = JSON.parse(utf8.decode(bytes));
    return normalizeReplyToolCalls(json) ? Buffer.from(JSON.stringify(json)) : bytes;
  } catch {
    return bytes;
  }
}

/**
 * The numbers of one choice's calls: each upstream call (by id, else by the upstream index it
 * started at) gets the next number as it starts; fragments follow the call their upstream index
 * (else the last call) points at. Returns the number of a call entry.
 */
function numberCalls(): (call: Json) => number {
  /** Our number of each upstream id. */
  const byId = new Map<string, number>();
  /** The call each upstream index points at now. */
  const byIndex = new Map<number, number>();
  /** The numbers of calls that came with an id (an id arriving later at their index is another call). */
  const withId = new Set<number>();
  let next = 0;
  let last = -1;
  const begin = (upstream: number | undefined, id: string | undefined): number => {
    const n = next++;
    if (upstream !== undefined) byIndex.set(upstream, n);
    if (id !== undefined) {
      byId.set(id, n);
      withId.add(n);
    }
    last = n;
    return n;
  };
  const place = (call: Json): number => {
    const upstream = typeof call.index === 'number' ? call.index : undefined;
    const id = typeof call.id === 'string' && call.id ? call.id : undefined;
    const held = upstream === undefined ? undefined : byIndex.get(upstream);
    if (id !== undefined) {
      const known = byId.get(id);
      if (known !== undefined) return known;
      // An id that comes after its call's first fragment names that call; a new id is a new call.
      if (held !== undefined && !withId.has(held)) {
        byId.set(id, held);
        withId.add(held);
        return held;
      }
      return begin(upstream, id);
    }
    if (held !== undefined) return held;
    if (upstream === undefined && last !== -1 && !starts(call)) return last;
    return begin(upstream, undefined);
  };
  return place;
}

/**
 * The state of one stream's calls, numbered per choice (`numberCalls`). `normalize` puts a
 * chunk's calls in OpenAI's form and number, in place; true when it changed anything.
 */
export function createToolCallNumbering(): { normalize(json: unknown): boolean } {
  const choices = new Map<number, (call: Json) => number>();
  return {
    normalize(json) {
      let changed = false;
      for (const [choice, calls] of toolCallLists(json, 'delta')) {
        let place = choices.get(choice);
        if (!place) choices.set(choice, (place = numberCalls()));
        for (const call of calls) {
          const n = place(call);
          if (call.index !== n) {
            call.index = n;
            changed = true;
          }
          changed = inOpenAIForm(call) || changed;
        }
      }
      return changed;
    },
  };
}

/** One SSE event normalized (its `data:` JSON rewritten, other lines kept); the same bytes when nothing changed. */
function normalizeEvent(event: Buffer, numbering: ReturnType<typeof createToolCallNumbering>): Buffer {
  if (event.indexOf(TOOL_CALLS) === -1) return event;
  const lines = utf8.decode(event).split(/\r\n|\r|\n/);
  const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(l.startsWith('data: ') ? 6 : 5)).join('\n');
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return event;
  }
  if (!numbering.normalize(json)) return event;
  const other = lines.filter((l) => l !== '' && !l.startsWith('data:'));
  return Buffer.from([...other, `data: ${JSON.stringify(json)}`].join('\n') + '\n\n');
}

/**
 * The stream filter of `normalize_tool_calls`: complete events pass as they came, except those
 * whose tool calls needed a type or a number; an event cut by a chunk waits for its end.
 */
export function createToolCallFilter(): ByteFilter {
  const numbering = createToolCallNumbering();
  const events = (whole: Buffer): Buffer => {
    if (whole.indexOf(TOOL_CALLS) === -1) return whole;
    const out: Buffer[] = [];
    for (let start = 0; start < whole.length;) {
      const end = eventEndAfter(whole, start);
      out.push(normalizeEvent(whole.subarray(start, end), numbering));
      start = end;
    }
    return Buffer.concat(out);
  };
  return createWholeEventFilter(events, (event) => normalizeEvent(event, numbering));
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
