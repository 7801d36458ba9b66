/**
 * The AWS event-stream binary framing (`application/vnd.amazon.eventstream`), used by streaming
 * AWS APIs (CodeWhisperer / Kiro `generateAssistantResponse`, Bedrock `ConverseStream`…).
 *
 * One message: a 12-byte prelude (total length u32, headers length u32, CRC32 of those 8 bytes),
 * the headers (name length u8, name, type u8, value), the payload, and a CRC32 of everything
 * before it. All integers are big-endian.
 *
 * @see https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream
 * @see https://github.com/smithy-lang/smithy-typescript/tree/main/packages/eventstream-codec
 */

/** A typed header value, as the wire carries it (type ids 0–9). */
export type AwsHeaderValue =
  | { type: 'bool'; value: boolean }
  | { type: 'byte' | 'short' | 'integer'; value: number }
  | { type: 'long'; value: bigint }
  | { type: 'bytes'; value: Uint8Array }
  | { type: 'string'; value: string }
  /** Epoch ms. */
  | { type: 'timestamp'; value: number }
  /** 32 hex digits. */
  | { type: 'uuid'; value: string };

/** One decoded message. */
export interface AwsEventMessage {
  headers: Record<string, AwsHeaderValue>;
  payload: Uint8Array;
}

/**
 * A frame that cannot be read: bad lengths, a CRC mismatch, an unknown header type.
 * `messages` are the complete messages the same `push` decoded before the bad frame.
 */
export class AwsEventStreamError extends Error {
  override readonly name = 'AwsEventStreamError';
  messages: AwsEventMessage[] = [];
}

const PRELUDE = 12;
const MIN_MESSAGE = 16;
/** The largest message AWS sends (16 MiB); anything larger is a corrupt prelude. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Incremental decoder: push chunks split anywhere, get back the messages they completed. */
export interface AwsEventStreamDecoder {
  /**
   * Returns the complete messages in the bytes seen so far.
   * Errors: throws AwsEventStreamError on a corrupt frame (carrying the good messages before it
   * in `messages`); the decoder is then unusable.
   */
  push(chunk: Uint8Array): AwsEventMessage[];
  /** Bytes held back as the start of an incomplete message (0 after a clean end). */
  pending(): number;
}

/** A new decoder (see `AwsEventStreamDecoder`). */
export function createAwsEventStreamDecoder(): AwsEventStreamDecoder {
  let buf = new Uint8Array(0);
  let start = 0;
  let end = 0;
  const append = (chunk: Uint8Array) => {
    if (end + chunk.length > buf.length) {
      const live = end - start;
      if (live + chunk.length <= buf.length) {
        buf.copyWithin(0, start, end);
      } else {
        const next = new Uint8Array(Math.max(1024, (live + chunk.length) * 2));
        next.set(buf.subarray(start, end));
        buf = next;
      }
      start = 0;
      end = live;
    }
    buf.set(chunk, end);
    end += chunk.length;
  };
  return {
    push(chunk) {
      append(chunk);
      const out: AwsEventMessage[] = [];
      try {
        while (end - start >= PRELUDE) {
          const message = nextMessage(buf.subarray(start, end));
          if (!message) break;
          out.push(message.decoded);
          start += message.length;
        }
      } catch (e) {
        if (e instanceof AwsEventStreamError) e.messages = out;
        throw e;
      }
      if (start === end) start = end = 0;
      return out;
    },
    pending: () => end - start,
  };
}

/** The message at the start of `bytes`, or undefined when it is not complete yet. */
function nextMessage(bytes: Uint8Array): { decoded: AwsEventMessage; length: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const total = view.getUint32(0);
  const headersLength = view.getUint32(4);
  if (Bun.hash.crc32(bytes.subarray(0, 8)) !== view.getUint32(8)) throw new AwsEventStreamError('prelude CRC mismatch');
  if (total < MIN_MESSAGE || total > MAX_MESSAGE_BYTES || headersLength > total - MIN_MESSAGE) {
    throw new AwsEventStreamError(`impossible message lengths (total ${total}, headers ${headersLength})`);
  }
  if (bytes.length < total) return undefined;
  if (Bun.hash.crc32(bytes.subarray(0, total - 4)) !== view.getUint32(total - 4)) throw new AwsEventStreamError('message CRC mismatch');
  return {
    decoded: { headers: decodeHeaders(bytes.subarray(PRELUDE, PRELUDE + headersLength)), payload: bytes.slice(PRELUDE + headersLength, total - 4) },
    length: total,
  };
}

const TYPES = ['bool', 'bool', 'byte', 'short', 'integer', 'long', 'bytes', 'string', 'timestamp', 'uuid'] as const;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeHeaders(bytes: Uint8Array): Record<string, AwsHeaderValue> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const headers: Record<string, AwsHeaderValue> = {};
  let i = 0;
  const need = (n: number) => {
    if (i + n > bytes.length) throw new AwsEventStreamError('a header runs past the headers section');
  };
  while (i < bytes.length) {
    need(1);
    const nameLength = bytes[i++]!;
    need(nameLength + 1);
    const name = text(bytes.subarray(i, i + nameLength));
    i += nameLength;
    const typeId = bytes[i++]!;
    const type = TYPES[typeId];
    if (!type) throw new AwsEventStreamError(`unknown header type ${typeId}`);
    let value: AwsHeaderValue;
    switch (typeId) {
      case 0: case 1: value = { type: 'bool', value: typeId === 0 }; break;
      case 2: need(1); value = { type: 'byte', value: view.getInt8(i) }; i += 1; break;
      case 3: need(2); value = { type: 'short', value: view.getInt16(i) }; i += 2; break;
      case 4: need(4); value = { type: 'integer', value: view.getInt32(i) }; i += 4; break;
      case 5: need(8); value = { type: 'long', value: view.getBigInt64(i) }; i += 8; break;
      case 8: need(8); value = { type: 'timestamp', value: Number(view.getBigInt64(i)) }; i += 8; break;
      case 9: need(16); value = { type: 'uuid', value: Buffer.from(bytes.subarray(i, i + 16)).toString('hex') }; i += 16; break;
      default: {
        need(2);
        const n = view.getUint16(i);
        i += 2;
        need(n);
        const raw = bytes.subarray(i, i + n);
        i += n;
        value = typeId === 6 ? { type: 'bytes', value: raw.slice() } : { type: 'string', value: text(raw) };
      }
    }
    headers[name] = value;
  }
  return headers;
}

function text(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new AwsEventStreamError('a header is not valid UTF-8');
  }
}

/** The string value of header `name`, or undefined when absent or of another type. */
export function awsHeaderString(msg: AwsEventMessage, name: string): string | undefined {
  const h = msg.headers[name];
  return h?.type === 'string' ? h.value : undefined;
}

/**
 * Encodes one message (mock upstreams and tests; string values may be given bare).
 * Errors: throws RangeError for a name or value too long for its length field.
 */
export function encodeAwsEventMessage(headers: Record<string, AwsHeaderValue | string>, payload: Uint8Array | string): Uint8Array {
  const enc = new TextEncoder();
  const body = typeof payload === 'string' ? enc.encode(payload) : payload;
  const parts: Uint8Array[] = [];
  for (const [name, raw] of Object.entries(headers)) parts.push(encodeHeader(enc.encode(name), typeof raw === 'string' ? { type: 'string', value: raw } : raw));
  const headerBytes = concat(parts);
  const total = PRELUDE + headerBytes.length + body.length + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headerBytes.length);
  view.setUint32(8, Bun.hash.crc32(out.subarray(0, 8)));
  out.set(headerBytes, PRELUDE);
  out.set(body, PRELUDE + headerBytes.length);
  view.setUint32(total - 4, Bun.hash.crc32(out.subarray(0, total - 4)));
  return out;
}

function encodeHeader(name: Uint8Array, h: AwsHeaderValue): Uint8Array {
  if (name.length > 255) throw new RangeError('header name longer than 255 bytes');
  let value: Uint8Array;
  let typeId: number;
  const fixed = (n: number, write: (v: DataView) => void) => {
    const b = new Uint8Array(n);
    write(new DataView(b.buffer));
    return b;
  };
  switch (h.type) {
    case 'bool': typeId = h.value ? 0 : 1; value = new Uint8Array(0); break;
    case 'byte': typeId = 2; value = fixed(1, (v) => v.setInt8(0, h.value)); break;
    case 'short': typeId = 3; value = fixed(2, (v) => v.setInt16(0, h.value)); break;
    case 'integer': typeId = 4; value = fixed(4, (v) => v.setInt32(0, h.value)); break;
    case 'long': typeId = 5; value = fixed(8, (v) => v.setBigInt64(0, h.value)); break;
    case 'timestamp': typeId = 8; value = fixed(8, (v) => v.setBigInt64(0, BigInt(h.value))); break;
    case 'uuid': typeId = 9; value = Uint8Array.from(Buffer.from(h.value.replace(/-/g, ''), 'hex')); break;
    default: {
      const raw = h.type === 'bytes' ? h.value : new TextEncoder().encode(h.value);
      if (raw.length > 0xffff) throw new RangeError('header value longer than 65535 bytes');
      typeId = h.type === 'bytes' ? 6 : 7;
      value = concat([fixed(2, (v) => v.setUint16(0, raw.length)), raw]);
    }
  }
  return concat([Uint8Array.of(name.length), name, Uint8Array.of(typeId), value]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
