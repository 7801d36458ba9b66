/**
 * When the gateway adds `stream_options.include_usage` for its own accounting, the client did
 * not ask for the final usage chunk (`choices: []`), and naive clients that read `choices[0]`
 * of every chunk break on it. This filter removes that one frame and passes every other byte
 * through untouched. Chunks without the marker (all but the last, in practice) cost one native
 * byte search.
 */
import type { PassthroughReply, StreamParser } from '../../../core/plugin/types.ts';
import type { StreamPart } from '../../../core/types/hub.ts';

const MARKER = Buffer.from('"choices":[]');
const encoder = new TextEncoder();

/**
 * Wraps a passthrough reply: the client-bound body loses the usage frame, and the parser is fed
 * the upstream's unfiltered bytes as they pass the filter (its `push` returns what those bytes
 * produced), so usage is still read.
 */
export function stripUsageFrame(res: Response, inner: StreamParser): PassthroughReply {
  if (!res.body) return { response: res, parser: inner };
  const decoder = new TextDecoder();
  let carry = '';
  let pending: StreamPart[] = [];
  const filter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      for (const p of inner.push(chunk)) pending.push(p);
      if (!carry && Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).indexOf(MARKER) === -1) {
        ctl.enqueue(chunk);
        return;
      }
      const text = carry + decoder.decode(chunk, { stream: true });
      const end = text.lastIndexOf('\n\n');
      if (end === -1) {
        carry = text;
        return;
      }
      carry = text.slice(end + 2);
      const kept = text.slice(0, end + 2).split(/(?<=\n\n)/).filter((f) => !isUsageFrame(f)).join('');
      if (kept) ctl.enqueue(encoder.encode(kept));
    },
    flush(ctl) {
      const rest = carry + decoder.decode();
      if (rest && !isUsageFrame(rest)) ctl.enqueue(encoder.encode(rest));
    },
  });
  const take = () => {
    const out = pending;
    pending = [];
    return out;
  };
  return {
    response: new Response(res.body.pipeThrough(filter), { status: res.status, statusText: res.statusText, headers: res.headers }),
    parser: { push: () => take(), end: () => [...take(), ...inner.end()] },
  };
}

function isUsageFrame(frame: string): boolean {
  return frame.includes('"choices":[]') && frame.includes('"usage"');
}
