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
const LF = 10;
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

/** `head` without its usage frames; a frame ends right after every `\n\n`. Undefined when nothing is left. */
function dropUsageFrames(head: Buffer): Uint8Array | undefined {
  if (head.indexOf(MARKER) === -1) return head.length > 0 ? head : undefined;
  const kept: Buffer[] = [];
  let start = 0;
  for (let p = 2; p <= head.length; p++) {
    if (head[p - 1] !== LF || head[p - 2] !== LF) continue;
    const frame = head.subarray(start, p);
    if (!isUsageFrame(frame)) kept.push(frame);
    start = p;
  }
  if (start < head.length) {
    const frame = head.subarray(start);
    if (!isUsageFrame(frame)) kept.push(frame);
  }
  if (kept.length === 0) return undefined;
  const out = kept.length === 1 ? kept[0]! : Buffer.concat(kept);
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
