import type { ByteFilter } from '../../../core/plugin/types.ts';

/**
 * Incremental splitter of a streamed JSON array (`[{…}\n,\r\n{…}\n]`, what
 * `streamGenerateContent` sends without `alt=sse`): bytes in (any split, even inside a UTF-8
 * character), the text of each complete top-level element out. It scans bytes, not text: the
 * characters that matter (`{ } [ ] " \`) are ASCII, which never occur inside a multi-byte UTF-8
 * sequence, so the scan also knows where, in bytes, the last complete element ends
 * (`wholeBytes`, what the passthrough lane may send). Tracks strings and escapes, so braces
 * inside text do not count. Characters between elements (`[`, `,`, `]`, whitespace) are skipped.
 */
export interface JsonArraySplitter {
  push(bytes: Uint8Array): string[];
  /** True when an element was started but not completed. */
  readonly partial: boolean;
  /** Bytes pushed so far that end with the last complete element (0 before the first one). */
  readonly wholeBytes: number;
  /** Where, in the last push's bytes, each element it returned ends (exclusive). */
  readonly lastEnds: readonly number[];
}

const utf8 = new TextDecoder('utf-8');

export function createJsonArraySplitter(): JsonArraySplitter {
  /** The bytes of the element under way, from its `{`, before the current push. */
  let held: Uint8Array[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let pushed = 0;
  let wholeBytes = 0;
  let lastEnds: number[] = [];
  const text = (bytes: Uint8Array, start: number, end: number): string => {
    const tail = bytes.subarray(start, end);
    if (held.length === 0) return utf8.decode(tail);
    held.push(tail);
    const all = Buffer.concat(held);
    held = [];
    return all.toString('utf8');
  };
  return {
    get partial() {
      return depth > 0;
    },
    get wholeBytes() {
      return wholeBytes;
    },
    get lastEnds() {
      return lastEnds;
    },
    push(bytes) {
      const out: string[] = [];
      const ends: number[] = [];
      /** Where the element under way starts in `bytes` (0: it began in an earlier push), -1 when none is. */
      let start = depth > 0 ? 0 : -1;
      for (let i = 0; i < bytes.length; i++) {
        const c = bytes[i]!;
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 92 /* \ */) escaped = true;
          else if (c === 34 /* " */) inString = false;
          continue;
        }
        if (c === 34) {
          if (depth > 0) inString = true;
        } else if (c === 123 /* { */ || (c === 91 /* [ */ && depth > 0)) {
          if (depth === 0) start = i;
          depth++;
        } else if ((c === 125 /* } */ || c === 93 /* ] */) && depth > 0) {
          depth--;
          if (depth === 0) {
            out.push(text(bytes, start, i + 1));
            ends.push(i + 1);
            start = -1;
            wholeBytes = pushed + i + 1;
          }
        }
      }
      // Keep only the unfinished element.
      if (start !== -1) held.push(start === 0 ? bytes : bytes.subarray(start));
      pushed += bytes.length;
      lastEnds = ends;
      return out;
    },
  };
}

/**
 * The passthrough lane's filter for a JSON-array stream: sends the upstream's bytes as they
 * are, but only up to the end of the last complete element (`splitter.wholeBytes`, which the
 * stream's parser has just updated with the same bytes); the rest (half an element, the
 * separator before the next one, the closing `]`) waits for the element's end or the stream's
 * end. So when the upstream breaks, what the client has is whole elements, and the gateway's
 * error object closes a valid array. The normal read ends with an element: it leaves as it is,
 * with no copy. The filter only reads the splitter, so a replay of the same bytes (whose
 * splitter has seen them all) passes them on unchanged.
 */
export function createJsonArrayElementFilter(splitter: JsonArraySplitter): ByteFilter {
  let fed = 0;
  let sent = 0;
  let held: Uint8Array[] = [];
  return {
    chunk(bytes) {
      fed += bytes.length;
      const upTo = Math.min(splitter.wholeBytes, fed);
      if (upTo === fed && held.length === 0) {
        sent = fed;
        return bytes;
      }
      if (upTo <= sent) {
        held.push(bytes);
        return undefined;
      }
      const all = held.length === 0 ? bytes : Buffer.concat([...held, bytes]);
      const cut = upTo - sent;
      held = cut < all.length ? [all.subarray(cut)] : [];
      sent = upTo;
      return all.subarray(0, cut);
    },
    end() {
      const rest = held.length === 0 ? undefined : held.length === 1 ? held[0] : Buffer.concat(held);
      held = [];
      return rest;
    },
  };
}
