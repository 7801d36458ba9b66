/**
 * Incremental splitter of a streamed JSON array (`[{…}\n,\r\n{…}\n]`, what
 * `streamGenerateContent` sends without `alt=sse`): text in, the source text of each complete
 * top-level element out. Tracks strings and escapes, so braces inside text do not count.
 * Characters between elements (`[`, `,`, `]`, whitespace) are skipped.
 */
export interface JsonArraySplitter {
  push(text: string): string[];
  /** True when an element was started but not completed. */
  readonly partial: boolean;
}

export function createJsonArraySplitter(): JsonArraySplitter {
  let buf = '';
  let scan = 0;
  let start = -1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  return {
    get partial() {
      return start !== -1;
    },
    push(text) {
      const out: string[] = [];
      buf += text;
      for (let i = scan; i < buf.length; i++) {
        const c = buf.charCodeAt(i);
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
            out.push(buf.slice(start, i + 1));
            start = -1;
          }
        }
      }
      // Keep only the unfinished element.
      if (start === -1) {
        buf = '';
        scan = 0;
      } else {
        buf = buf.slice(start);
        scan = buf.length;
        start = 0;
      }
      return out;
    },
  };
}
