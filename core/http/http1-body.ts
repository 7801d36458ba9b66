import { byteText, indexOfLineEnd, lineBefore } from './http1-wire.ts';

/** Where a framed response body goes. */
export interface BodySink {
  /** Body bytes, in order: views into the socket's buffers, which are not reused. */
  bodyBytes(bytes: Uint8Array): void;
  /** The body ended as its framing says. */
  bodyEnd(): void;
  /** The framing is broken; `what` names what the server sent. */
  bodyMalformed(what: string): void;
}

/** Longest chunk-size or trailer line accepted. */
const MAX_LINE_BYTES = 4 * 1024;

const FIXED = 0;
const CHUNK_SIZE = 1;
const CHUNK_DATA = 2;
const CHUNK_END = 3;
const TRAILERS = 4;
const UNTIL_CLOSE = 5;
const OVER = 6;

/**
 * The body framing of HTTP/1.1 (RFC 9112 §6): a Content-Length, chunked transfer coding
 * (extensions ignored, trailers skipped), or up to the connection's close. Fed the bytes after
 * a response head as they arrive, in any split; holds at most one incomplete chunk-size or
 * trailer line. One framer serves a connection's responses one after another (`start`).
 */
export class BodyFramer {
  private state = OVER;
  private left = 0;
  private line: Uint8Array | null = null;

  /** Starts a body: chunked, else `length` bytes, else (`length` < 0) up to the connection's close. */
  start(chunked: boolean, length: number): void {
    this.line = null;
    this.left = length;
    this.state = chunked ? CHUNK_SIZE : length >= 0 ? FIXED : UNTIL_CLOSE;
  }

  /** The body ends when the connection closes (no length, not chunked). */
  get untilClose(): boolean {
    return this.state === UNTIL_CLOSE;
  }

  /**
   * Feeds bytes to the body. Returns what follows its end: empty while the body goes on, or
   * after `bodyEnd` the next bytes on the connection (a client that sends one request at a
   * time gets none). Nothing more is read after `bodyMalformed`.
   */
  feed(bytes: Uint8Array, sink: BodySink): Uint8Array {
    let b = this.line ? Buffer.concat([this.line, bytes]) : bytes;
    this.line = null;
    while (b.byteLength > 0 && this.state !== OVER) b = this.step(b, sink);
    return b;
  }

  /** Consumes bytes of the current state; returns what is left of `b`. */
  private step(b: Uint8Array, sink: BodySink): Uint8Array {
    switch (this.state) {
      case FIXED:
      case CHUNK_DATA: {
        const take = Math.min(this.left, b.byteLength);
        if (take > 0) sink.bodyBytes(b.subarray(0, take));
        this.left -= take;
        if (this.left === 0) {
          if (this.state === FIXED) return this.end(sink, b.subarray(take));
          this.state = CHUNK_END;
        }
        return b.subarray(take);
      }
      case UNTIL_CLOSE:
        sink.bodyBytes(b);
        return b.subarray(b.byteLength);
      case CHUNK_SIZE: {
        const eol = indexOfLineEnd(b);
        if (eol < 0) return this.waitForLine(b, sink);
        const text = byteText(lineBefore(b, eol));
        const semi = text.indexOf(';');
        const hex = (semi >= 0 ? text.slice(0, semi) : text).trim();
        if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) return this.malformed(sink, 'an invalid chunk size');
        this.left = parseInt(hex, 16);
        this.state = this.left === 0 ? TRAILERS : CHUNK_DATA;
        return b.subarray(eol + 1);
      }
      case CHUNK_END:
        if (b[0] === 10) return (this.state = CHUNK_SIZE), b.subarray(1);
        if (b.byteLength < 2) return this.waitForLine(b, sink);
        if (b[0] !== 13 || b[1] !== 10) return this.malformed(sink, 'a chunk without its line end');
        this.state = CHUNK_SIZE;
        return b.subarray(2);
      case TRAILERS: {
        const eol = indexOfLineEnd(b);
        if (eol < 0) return this.waitForLine(b, sink);
        return lineBefore(b, eol).byteLength === 0 ? this.end(sink, b.subarray(eol + 1)) : b.subarray(eol + 1);
      }
    }
    return b;
  }

  private end(sink: BodySink, rest: Uint8Array): Uint8Array {
    this.state = OVER;
    sink.bodyEnd();
    return rest;
  }

  private malformed(sink: BodySink, what: string): Uint8Array {
    this.state = OVER;
    sink.bodyMalformed(what);
    return new Uint8Array(0);
  }

  /** Keeps an incomplete line for the next bytes. */
  private waitForLine(b: Uint8Array, sink: BodySink): Uint8Array {
    if (b.byteLength > MAX_LINE_BYTES) return this.malformed(sink, 'a chunk line over 4 KB');
    this.line = b.slice();
    return b.subarray(b.byteLength);
  }
}
