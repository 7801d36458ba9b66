/**
 * Server-sent events: an incremental parser (bytes in, events out) and the matching encoder.
 * Both sit on the hot path of every streamed request, so the parser scans with native
 * `indexOf` and slices each line once instead of walking characters in JavaScript.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */

/** One dispatched event. `event` and `id` are present only when the event carried them. */
export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

/** Push parser: feed chunks as they arrive, get back the events they completed. */
export interface SseParser {
  /** Accepts raw bytes (any split, even inside a UTF-8 character) or already decoded text. */
  push(chunk: Uint8Array | string): SseEvent[];
  /**
   * End of input. Returns the event still pending, if it has data. The spec drops an event
   * that lacks its closing blank line; upstreams that end with a single newline are common
   * enough that the gateway keeps it.
   */
  end(): SseEvent[];
}

const LF = 10;

/**
 * Creates an SSE parser following the WHATWG interpretation rules: LF, CRLF and CR line ends
 * (also split across chunks), `:` comment lines, multi-line `data`, one leading space removed
 * from values, an `id` containing NUL ignored, `retry` and unknown fields ignored, a leading
 * BOM skipped. Never throws on malformed input: bad lines are simply not fields.
 */
export function createSseParser(): SseParser {
  const decoder = new TextDecoder('utf-8');
  /** Pieces of the current, not yet terminated line. */
  let pending: string[] = [];
  let started = false;
  let skipLeadingLF = false;
  let data: string | undefined;
  let event: string | undefined;
  let id: string | undefined;

  const dispatch = (out: SseEvent[]): void => {
    if (data !== undefined) {
      const e: SseEvent = { data };
      if (event !== undefined) e.event = event;
      if (id !== undefined) e.id = id;
      out.push(e);
    }
    data = undefined;
    event = undefined;
    id = undefined;
  };

  const field = (line: string): void => {
    if (line.charCodeAt(0) === 58 /* : */) return;
    if (line.startsWith('data:')) {
      const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
      data = data === undefined ? value : `${data}\n${value}`;
      return;
    }
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (name === 'data') data = data === undefined ? value : `${data}\n${value}`;
    else if (name === 'event') event = value;
    else if (name === 'id') {
      if (!value.includes('\0')) id = value;
    }
  };

  /** Splits `text` into lines; `lf`/`cr` are the first terminator positions (or -1). */
  const scan = (text: string, lf: number, cr: number, out: SseEvent[]): void => {
    let pos = 0;
    const len = text.length;
    while (lf !== -1 || cr !== -1) {
      const end = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr;
      const line = text.slice(pos, end);
      if (line.length === 0) dispatch(out);
      else field(line);
      pos = end + 1;
      if (end === cr) {
        if (pos < len) {
          if (text.charCodeAt(pos) === LF) pos++;
        } else {
          skipLeadingLF = true;
        }
      }
      if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
    }
    if (pos < len) pending.push(pos === 0 ? text : text.slice(pos));
  };

  /** Scans `text` after the pending partial line; a chunk without line ends is only queued. */
  const feed = (text: string, out: SseEvent[]): void => {
    if (text.length === 0) return;
    if (!started) {
      started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (skipLeadingLF) {
      // The previous chunk ended with CR: a LF starting this one belongs to that CRLF.
      skipLeadingLF = false;
      if (text.charCodeAt(0) === LF) {
        text = text.slice(1);
        if (text.length === 0) return;
      }
    }
    let lf = text.indexOf('\n');
    let cr = text.indexOf('\r');
    if (lf === -1 && cr === -1) {
      pending.push(text);
      return;
    }
    if (pending.length > 0) {
      const head = pending.length === 1 ? pending[0] : pending.join('');
      pending = [];
      if (lf !== -1) lf += head.length;
      if (cr !== -1) cr += head.length;
      text = head + text;
    }
    scan(text, lf, cr, out);
  };

  return {
    push(chunk) {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      const out: SseEvent[] = [];
      feed(text, out);
      return out;
    },
    end() {
      const out: SseEvent[] = [];
      feed(decoder.decode(), out);
      if (pending.length > 0) {
        field(pending.join(''));
        pending = [];
      }
      dispatch(out);
      return out;
    },
  };
}

/**
 * Encodes one SSE event. Data containing line breaks becomes several `data:` lines, so the
 * receiver rebuilds it exactly. JSON text never contains raw line breaks, which keeps the
 * common case a single template string.
 */
export function encodeSse(data: string, event?: string): string {
  const head = event === undefined ? '' : `event: ${event}\n`;
  if (data.indexOf('\n') === -1 && data.indexOf('\r') === -1) return `${head}data: ${data}\n\n`;
  const lines = data.split(/\r\n|\r|\n/);
  let body = '';
  for (const line of lines) body += `data: ${line}\n`;
  return `${head}${body}\n`;
}
