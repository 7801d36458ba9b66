import type { ByteFilter } from '../../../core/plugin/types.ts';
import { afterLastEvent } from '../../../core/util/sse.ts';

const EMPTY = Buffer.alloc(0);

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * A passthrough byte filter that sees whole SSE events: each chunk's complete events go to
 * `events` (one buffer, possibly several events), and an event cut by the chunk's end waits for
 * the rest. What `events` returns is sent (undefined: nothing); returning its argument unchanged
 * sends the chunk's own bytes. At the end of the stream, a last event that never ended goes to
 * `rest`.
 */
export function createWholeEventFilter(
  events: (whole: Buffer) => Uint8Array | undefined, rest: (event: Buffer) => Uint8Array | undefined,
): ByteFilter {
  let carry: Buffer = EMPTY;
  return {
    chunk(bytes) {
      const data = carry.length === 0 ? asBuffer(bytes) : Buffer.concat([carry, bytes]);
      const end = afterLastEvent(data);
      carry = end === data.length ? EMPTY : Buffer.from(data.subarray(end));
      if (end === 0) return undefined;
      const whole = end === data.length ? data : data.subarray(0, end);
      const out = events(whole);
      return out === whole && whole === data && data.buffer === bytes.buffer ? bytes : out;
    },
    end() {
      const left = carry;
      carry = EMPTY;
      return left.length > 0 ? rest(left) : undefined;
    },
  };
}
