import type { CallResult, StreamParser } from '../../../core/plugin/types.ts';
import type { StoredReply } from './capture-call-result.ts';
import { streamOf } from '../../../core/util/stream-of.ts';

/** The replay's bytes were parsed when they were recorded; the stored parts carry the usage. */
const NO_PARSE: StreamParser = { push: () => [], end: () => [] };

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * A fresh call result from a stored reply, for `beforeRequest`'s `{respond}`: the same JSON, the
 * same stream parts, or the same upstream bytes (streamed again when they were streamed). Each
 * replay gets its own copies, so one client cannot disturb another's.
 */
export function replayCallResult(s: StoredReply): CallResult {
  if (s.kind === 'result') return { type: 'result', result: structuredClone(s.result) };
  if (s.kind === 'parts') return { type: 'stream', parts: streamOf(structuredClone(s.parts)) };
  const base = {
    type: 'passthrough' as const, status: s.status, headers: new Headers(s.headers), parser: NO_PARSE, parts: structuredClone(s.parts),
    createFilter: s.createFilter,
  };
  if (!s.streamed) return { ...base, prelude: [concat(s.chunks)] };
  return { ...base, prelude: [], reader: streamOf(s.chunks).getReader() };
}
