import { createRequire } from 'node:module';
import { GatewayError, isGatewayError } from '../errors/gateway-error.ts';
import { VERSION } from '../server/version.ts';
import { lookupTable } from '../util/lookup-table.ts';

/**
 * HTTP/1.1 as bytes and text, without sockets: the request head the socket transport writes,
 * the response head it reads, the content codings it decodes, and line searches for its parser.
 */

const ACCEPT_ENCODING = 'gzip, deflate, br, zstd';
/** Sent when the caller names no User-Agent (fetch sends its own; some upstream firewalls refuse none). */
const USER_AGENT = `Switchyard/${VERSION}`;
/** Headers the transport writes itself; a caller's copy is dropped. */
const OWN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer']);
const CR_OR_LF = /[\r\n]/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/;

/**
 * `node:zlib`, loaded on the first compressed reply that is read whole, not at start-up: a
 * gateway whose upstreams never compress saves its memory (~0.3 MB of idle RSS, measured).
 */
const requireHere = createRequire(import.meta.url);
let zlib: typeof import('node:zlib') | undefined;
const z = () => (zlib ??= requireHere('node:zlib') as typeof import('node:zlib'));

/** A content coding: its `DecompressionStream` format, and how to decode a whole body. */
export interface ContentCoding {
  format: CompressionFormat;
  whole(b: Uint8Array, max: number): Uint8Array;
}

/**
 * Content codings decoded for the caller, as fetch does: streamed, or whole for a buffered
 * reply. `whole` stops at `max` decoded bytes (throws `ERR_BUFFER_TOO_LARGE`, see
 * {@link isTooLarge}), so a small compressed body cannot inflate past the reply limit. A coding
 * named `constructor` or `__proto__` is unknown, not a function (`lookupTable`).
 */
export const CONTENT_CODINGS: Readonly<Record<string, ContentCoding | undefined>> = lookupTable<ContentCoding>({
  gzip: { format: 'gzip', whole: (b, max) => z().gunzipSync(b, limitOf(max)) },
  'x-gzip': { format: 'gzip', whole: (b, max) => z().gunzipSync(b, limitOf(max)) },
  deflate: { format: 'deflate', whole: (b, max) => z().inflateSync(b, limitOf(max)) },
  br: { format: 'brotli' as CompressionFormat, whole: (b, max) => z().brotliDecompressSync(b, limitOf(max)) },
  zstd: { format: 'zstd' as CompressionFormat, whole: (b, max) => z().zstdDecompressSync(b, limitOf(max)) },
});

/**
 * `src` decoded by `coding` as it streams. A body the decoder cannot read (its `TypeError`)
 * fails the stream with `error()`, as the client's callers expect a gateway error; one the
 * source failed with (a timeout, an abort) passes as it is.
 */
export function decodedStream(coding: ContentCoding, src: ReadableStream<Uint8Array>, error: () => GatewayError): ReadableStream<Uint8Array> {
  const reader = src.pipeThrough(new DecompressionStream(coding.format) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>).getReader();
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      try {
        const r = await reader.read();
        if (r.done) c.close();
        else c.enqueue(r.value);
      } catch (e) {
        c.error(isGatewayError(e) ? e : error());
      }
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

function limitOf(max: number): { maxOutputLength?: number } {
  return Number.isFinite(max) ? { maxOutputLength: max } : {};
}

/** True for the error `CONTENT_CODINGS[x].whole` throws when the decoded body passes its `max`. */
export function isTooLarge(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}

/**
 * The request line and headers, ending with the blank line. `length` is the body's byte length,
 * or -1 without a body (POST/PUT/PATCH still say 0). Unless the caller set them, as fetch
 * does: an Accept of any type, the codings of CONTENT_CODINGS, and a User-Agent naming the
 * gateway.
 * Header names and values with CR or LF are refused.
 */
export function requestHead(url: URL, method: string, headers: Headers | Record<string, string> | undefined, length: number): string {
  let head = `${method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
  let acceptEncoding = false;
  let accept = false;
  let userAgent = false;
  if (headers) {
    const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
    for (const [name, value] of entries) {
      const lower = name.toLowerCase();
      if (OWN_HEADERS.has(lower)) continue;
      if (CR_OR_LF.test(name) || CR_OR_LF.test(value)) {
        throw new GatewayError('GW_INTERNAL', `Header ${JSON.stringify(name)} has a line break.`, { status: 500 });
      }
      if (lower === 'accept-encoding') acceptEncoding = true;
      else if (lower === 'accept') accept = true;
      else if (lower === 'user-agent') userAgent = true;
      head += `${name}: ${value}\r\n`;
    }
  }
  if (!accept) head += 'accept: */*\r\n';
  if (!acceptEncoding) head += `accept-encoding: ${ACCEPT_ENCODING}\r\n`;
  if (!userAgent) head += `user-agent: ${USER_AGENT}\r\n`;
  if (length >= 0 || method === 'POST' || method === 'PUT' || method === 'PATCH') head += `content-length: ${Math.max(0, length)}\r\n`;
  return head + '\r\n';
}

/** The head's lines without their line ends, the blank line dropped. */
function headLines(text: string): string[] {
  let lines = text.split('\r\n');
  if (lines.some((l) => l.includes('\n'))) {
    // Some line ends are a bare LF: the rare case, split again.
    lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) if (lines[i]!.endsWith('\r')) lines[i] = lines[i]!.slice(0, -1);
  }
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

/** A response's status line and headers, and what they say about the body and the connection. */
export interface ResponseHead {
  /** 1.0 or 1.1. */
  minor: 0 | 1;
  status: number;
  statusText: string;
  headers: Headers;
  /** Content-Length, or -1 when absent. */
  length: number;
  chunked: boolean;
  /** The connection may carry another request (1.1 without `close`, 1.0 with `keep-alive`). */
  keepAlive: boolean;
  /** Content-Encoding, lower case ('' when none). */
  encoding: string;
  /** `Keep-Alive: timeout=N` in seconds, or NaN. */
  keepAliveTimeout: number;
}

/**
 * Parses a response head (its text, up to and with the blank line); a string says what is
 * malformed. Bare LF line ends are accepted, and obs-fold continuation lines are joined to their
 * field with a space, as RFC 9112 §5.2 asks of a user agent.
 */
export function parseResponseHead(text: string): ResponseHead | string {
  const lines = headLines(text);
  const m = STATUS_LINE.exec(lines[0]!);
  if (!m) return 'a status line that is not HTTP/1.x';
  const status = Number(m[2]);
  // HTTP has no status outside 100–599 (a Response cannot even hold one).
  if (status < 100 || status > 599) return `a status code outside 100–599 (${m[2]})`;
  const headers = new Headers();
  let length = -1;
  let chunked = false;
  let connection = '';
  let encoding = '';
  let keepAliveTimeout = NaN;
  for (let i = 1; i < lines.length; i++) {
    let line = lines[i]!;
    for (let c = lines[i + 1]?.charCodeAt(0); c === 32 || c === 9; c = lines[i + 1]?.charCodeAt(0)) line += ` ${lines[++i]!.trim()}`;
    const colon = line.indexOf(':');
    if (colon <= 0) return 'a header line without a name';
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    try {
      headers.append(name, value);
    } catch {
      return 'an invalid header';
    }
    switch (name.toLowerCase()) {
      case 'content-length': {
        const n = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
        if (Number.isNaN(n) || (length >= 0 && length !== n)) return 'an invalid Content-Length';
        length = n;
        break;
      }
      case 'transfer-encoding':
        // We send no `TE`, so `chunked` is the only coding a server may use (RFC 9110 §10.1.4),
        // once; anything else would hand the caller bytes nobody decodes.
        for (const coding of value.toLowerCase().split(',')) {
          const c = coding.trim();
          if (c === '') continue;
          if (c !== 'chunked' || chunked) return `a Transfer-Encoding it was not offered (${value.slice(0, 40)})`;
          chunked = true;
        }
        break;
      case 'connection':
        connection = value.toLowerCase();
        break;
      case 'content-encoding':
        encoding = value.toLowerCase();
        break;
      case 'keep-alive':
        keepAliveTimeout = Number(/timeout=(\d+)/i.exec(value)?.[1] ?? NaN);
    }
  }
  const minor = m[1] === '1' ? 1 : 0;
  // Both lengths: chunked wins, and the connection is not reused, since the two framings may
  // disagree on where this response ends (response splitting; RFC 9112 §6.3).
  const smuggled = chunked && length >= 0;
  return {
    minor, status, statusText: m[3] ?? '', headers, length: smuggled ? -1 : length, chunked, encoding, keepAliveTimeout,
    keepAlive: !smuggled && (minor === 1 ? !connection.includes('close') : connection.includes('keep-alive')),
  };
}

/**
 * The first `end` bytes of `b` as text, one character per byte (isomorphic decoding, as fetch
 * reads header bytes). Not TextDecoder('latin1'): that is windows-1252, which maps 0x80-0x9F
 * (in every UTF-8 sequence past U+07FF) to characters a header value may not hold.
 */
export function byteText(b: Uint8Array, end = b.byteLength): string {
  return (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)).toString('latin1', 0, end);
}

/**
 * Where the body starts: the index after the blank line that ends a head, or -1 when it has not
 * arrived. Lines end in CRLF, or in a bare LF, which RFC 9112 §2.2 lets a recipient accept.
 * Scans from `from`, which must not be past an LF that could start the blank line.
 */
export function indexOfBodyStart(b: Uint8Array, from: number): number {
  for (let i = b.indexOf(10, from); i >= 0 && i + 1 < b.byteLength; i = b.indexOf(10, i + 1)) {
    if (b[i + 1] === 10) return i + 2;
    if (b[i + 1] === 13 && i + 2 < b.byteLength && b[i + 2] === 10) return i + 3;
  }
  return -1;
}

/** Index of the LF that ends the first line (CRLF or bare LF), or -1. */
export function indexOfLineEnd(b: Uint8Array): number {
  return b.indexOf(10);
}

/** The line before `lf`, without its CR. */
export function lineBefore(b: Uint8Array, lf: number): Uint8Array {
  return b.subarray(0, lf > 0 && b[lf - 1] === 13 ? lf - 1 : lf);
}
