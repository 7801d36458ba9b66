import type { ByteFilter } from '../../../core/plugin/types.ts';

/**
 * When the gateway adds `stream_options.include_usage` for its own accounting, the client did
 * not ask for the final usage chunk (`choices: []`), and naive clients that read `choices[0]`
 * of every chunk break on it. This filter removes that one frame and passes every other byte
 * through untouched; the side parser still reads the upstream's own bytes.
 *
 * It works on bytes, never decoding: chunks without the marker (all but the last, in practice)
 * cost one native byte search. From a chunk with the marker on, the bytes after the last blank
 * line are held back until the frame they start is complete, and frames (pieces ending at a
 * blank line) that carry both `"choices":[]` and `"usage"` are dropped.
 */
const MARKER = Buffer.from('"choices":[]');
const USAGE = Buffer.from('"usage"');
const BLANK_LINE = '\n\n';
const EMPTY = new Uint8Array(0);

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function isUsageFrame(frame: Buffer): boolean {
  return frame.indexOf(MARKER) !== -1 && frame.indexOf(USAGE) !== -1;
}

/** Position just after the last `\n\n` in `b`, or -1. */
function afterLastBlankLine(b: Buffer): number {
  const i = b.lastIndexOf('\n\n');
  return i === -1 ? -1 : i + 2;
}

/**
 * `head` without its usage frames; a frame ends right after every `\n\n`. Undefined when nothing
 * is left. Only the frames around a marker are looked at, with native searches: the frame that
 * holds it runs from just after the `\n\n` before it to just after the next one.
 */
function dropUsageFrames(head: Buffer): Uint8Array | undefined {
  let out = head;
  let from = 0;
  for (let m = out.indexOf(MARKER, from); m !== -1; m = out.indexOf(MARKER, from)) {
    const before = out.lastIndexOf(BLANK_LINE, m);
    const start = before === -1 ? 0 : before + 2;
    const after = out.indexOf(BLANK_LINE, m);
    const end = after === -1 ? out.length : after + 2;
    if (out.subarray(start, end).indexOf(USAGE) === -1) {
      from = end;
      continue;
    }
    out = start === 0 ? out.subarray(end) : end === out.length ? out.subarray(0, start) : Buffer.concat([out.subarray(0, start), out.subarray(end)]);
    from = start;
  }
  return out.length > 0 ? out : undefined;
}

export function createUsageFrameFilter(): ByteFilter {
  let carry: Buffer = EMPTY as Buffer;
  return {
    chunk(bytes) {
      const chunk = asBuffer(bytes);
      if (carry.length === 0 && chunk.indexOf(MARKER) === -1) return bytes;
      const data = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
      const end = afterLastBlankLine(data);
      if (end === -1) {
        carry = data;
        return undefined;
      }
      carry = data.subarray(end);
      return dropUsageFrames(data.subarray(0, end));
    },
    end() {
      const rest = carry;
      carry = EMPTY as Buffer;
      return rest.length > 0 && !isUsageFrame(rest) ? rest : undefined;
    },
  };
}
