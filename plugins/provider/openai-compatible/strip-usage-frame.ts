import type { ByteFilter } from '../../../core/plugin/types.ts';

/**
 * When the gateway adds `stream_options.include_usage` for its own accounting, the client did
 * not ask for the final usage chunk (`choices: []`), and naive clients that read `choices[0]`
 * of every chunk break on it. This filter removes that one frame and passes every other byte
 * through untouched; the side parser still reads the upstream's own bytes. Chunks without the
 * marker (all but the last, in practice) cost one native byte search.
 */
const MARKER = Buffer.from('"choices":[]');
const encoder = new TextEncoder();

export function createUsageFrameFilter(): ByteFilter {
  const decoder = new TextDecoder();
  let carry = '';
  return {
    chunk(bytes) {
      if (!carry && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(MARKER) === -1) return bytes;
      const text = carry + decoder.decode(bytes, { stream: true });
      const end = text.lastIndexOf('\n\n');
      if (end === -1) {
        carry = text;
        return undefined;
      }
      carry = text.slice(end + 2);
      const kept = text.slice(0, end + 2).split(/(?<=\n\n)/).filter((f) => !isUsageFrame(f)).join('');
      return kept ? encoder.encode(kept) : undefined;
    },
    end() {
      const rest = carry + decoder.decode();
      carry = '';
      return rest && !isUsageFrame(rest) ? encoder.encode(rest) : undefined;
    },
  };
}

function isUsageFrame(frame: string): boolean {
  return frame.includes('"choices":[]') && frame.includes('"usage"');
}
