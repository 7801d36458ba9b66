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
 * Longest line, and longest data of one event, kept (UTF-16 units, 64 MB of memory): far above
 * any real event (a base64 image in one frame is a few MB). Past it the event is dropped at
 * its end instead of buffered, so an upstream that never sends a line break cannot grow memory.
 */
export const MAX_SSE_EVENT_CHARS = 32 * 1024 * 1024;

/**
 * Creates an SSE parser following the WHATWG interpretation rules: LF, CRLF and CR line ends
 * (also split across chunks), `:` comment lines, multi-line `data`, one leading space removed
 * from values, an `id` containing NUL ignored, `retry` and unknown fields ignored, a leading
 * BOM skipped. Never throws on malformed input: bad lines are simply not fields.
 */
export function createSseParser(): SseParser {
  return new WhatwgSseParser();
}

class WhatwgSseParser implements SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  /** Pieces of the current, not yet terminated line. */
  private pending: string[] = [];
  private pendingChars = 0;
  /** The current line passed the limit: the rest of it, up to its line end, is skipped. */
  private skipLine = false;
  /** The current event passed the limit: it is dropped at its blank line. */
  private dropEvent = false;
  private started = false;
  private skipLeadingLF = false;
  private data: string | undefined;
  private event: string | undefined;
  private id: string | undefined;

  push(chunk: Uint8Array | string): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: SseEvent[] = [];
    this.feed(text, out);
    return out;
  }

  end(): SseEvent[] {
    const out: SseEvent[] = [];
    this.feed(this.decoder.decode(), out);
    if (this.pending.length > 0) {
      this.field(this.pending.join(''));
      this.pending = [];
      this.pendingChars = 0;
    }
    this.skipLine = false;
    this.dispatch(out);
    return out;
  }

  /** Scans `text` after the pending partial line; a chunk without line ends is only queued. */
  private feed(text: string, out: SseEvent[]): void {
    if (text.length === 0) return;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipLeadingLF) {
      // The previous chunk ended with CR: a LF starting this one belongs to that CRLF.
      this.skipLeadingLF = false;
      if (text.charCodeAt(0) === LF) {
        text = text.slice(1);
        if (text.length === 0) return;
      }
    }
    let lf = text.indexOf('\n');
    let cr = text.indexOf('\r');
    if (lf === -1 && cr === -1) {
      this.queue(text);
      return;
    }
    if (this.pending.length > 0) {
      const head = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
      this.pending = [];
      this.pendingChars = 0;
      if (lf !== -1) lf += head.length;
      if (cr !== -1) cr += head.length;
      text = head + text;
    }
    this.scan(text, lf, cr, out);
  }

  /** Splits `text` into lines; `lf`/`cr` are the first terminator positions (or -1). */
  private scan(text: string, lf: number, cr: number, out: SseEvent[]): void {
    let pos = 0;
    const len = text.length;
    while (lf !== -1 || cr !== -1) {
      const end = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr;
      if (this.skipLine) this.skipLine = false; // the end of an overlong line: not a field, not a blank line
      else if (end === pos) this.dispatch(out);
      else this.field(text.slice(pos, end));
      pos = end + 1;
      if (end === cr) {
        if (pos < len) {
          if (text.charCodeAt(pos) === LF) pos++;
        } else {
          this.skipLeadingLF = true;
        }
      }
      if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
    }
    if (pos < len) this.queue(pos === 0 ? text : text.slice(pos));
  }

  /** Keeps the start of a line until its end arrives; past the limit the line and its event are dropped. */
  private queue(text: string): void {
    if (this.skipLine) return;
    this.pendingChars += text.length;
    if (this.pendingChars > MAX_SSE_EVENT_CHARS) {
      this.pending = [];
      this.pendingChars = 0;
      this.skipLine = true;
      this.dropEvent = true;
      return;
    }
    this.pending.push(text);
  }

  private field(line: string): void {
    if (line.charCodeAt(0) === 58 /* : */) return;
    if (line.startsWith('data:')) {
      const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
      this.data = this.data === undefined ? value : `${this.data}\n${value}`;
      if (this.data.length > MAX_SSE_EVENT_CHARS) this.tooLong();
      return;
    }
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (name === 'data') {
      this.data = this.data === undefined ? value : `${this.data}\n${value}`;
      if (this.data.length > MAX_SSE_EVENT_CHARS) this.tooLong();
    } else if (name === 'event') this.event = value;
    else if (name === 'id' && !value.includes('\0')) this.id = value;
  }

  /** The event's data passed the limit: what it has is let go now, the rest is dropped with it. */
  private tooLong(): void {
    this.data = '';
    this.dropEvent = true;
  }

  private dispatch(out: SseEvent[]): void {
    if (this.dropEvent) this.dropEvent = false;
    else if (this.data !== undefined) {
      const e: SseEvent = { data: this.data };
      if (this.event !== undefined) e.event = this.event;
      if (this.id !== undefined) e.id = this.id;
      out.push(e);
    }
    this.data = undefined;
    this.event = undefined;
    this.id = undefined;
  }
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

const CR = 0x0d;

/** The index just past the last blank line (an SSE event's end: LF LF, CR LF CR LF or CR CR) in `b`; 0 when there is none. */
export function afterLastEvent(b: Uint8Array): number {
  for (let i = b.length - 1; i > 0; i--) {
    const c = b[i];
    if (c === LF) {
      if (b[i - 1] === LF || (b[i - 1] === CR && i >= 3 && b[i - 2] === LF && b[i - 3] === CR)) return i + 1;
    } else if (c === CR && b[i - 1] === CR) {
      return i + 1;
    }
  }
  return 0;
}

/**
 * Where the last whole SSE event ends in `bytes` (0: none): in the chunk itself, or, with
 * pieces `held` before it, across their border (a blank line split between reads, up to one
 * read per byte of a CRLF CRLF).
 */
export function eventEndIn(bytes: Uint8Array, held: readonly Uint8Array[]): number {
  const cut = afterLastEvent(bytes);
  if (cut > 0 || held.length === 0) return cut;
  const tail = heldTail(held);
  const border = new Uint8Array(tail.length + Math.min(3, bytes.length));
  border.set(tail);
  border.set(bytes.subarray(0, border.length - tail.length), tail.length);
  const at = afterLastEvent(border);
  return at > tail.length ? at - tail.length : 0;
}

/** The last (up to) 3 bytes of the held pieces: several of them when the last is shorter. */
function heldTail(held: readonly Uint8Array[]): Uint8Array {
  const last = held[held.length - 1]!;
  if (last.length >= 3 || held.length === 1) return last.subarray(Math.max(0, last.length - 3));
  const tail = new Uint8Array(3);
  let free = 3;
  for (let i = held.length - 1; i >= 0 && free > 0; i--) {
    const piece = held[i]!;
    const n = Math.min(free, piece.length);
    free -= n;
    tail.set(piece.subarray(piece.length - n), free);
  }
  return tail.subarray(free);
}

/**
 * The index just past the first blank line (LF LF, CRLF CRLF or CR CR) at or after `from` in `b`;
 * `b.length` when none. It looks only at line ends, found by native search (a stream without
 * CR costs one search for it).
 */
export function eventEndAfter(b: Uint8Array, from: number): number {
  let lf = b.indexOf(LF, from);
  let cr = b.indexOf(CR, from);
  while (lf !== -1 || cr !== -1) {
    if (cr === -1 || (lf !== -1 && lf < cr)) {
      if (b[lf + 1] === LF) return lf + 2;
      lf = b.indexOf(LF, lf + 1);
    } else {
      if (b[cr + 1] === LF && b[cr + 2] === CR && b[cr + 3] === LF) return cr + 4;
      if (b[cr + 1] === CR) return cr + 2;
      cr = b.indexOf(CR, cr + 1);
    }
  }
  return b.length;
}
