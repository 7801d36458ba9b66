import { GatewayError, isGatewayError } from '../errors/gateway-error.ts';
import type { StreamParser } from '../plugin/types.ts';
import { CONTENT_PART_TYPES, type StreamPart } from '../types/hub.ts';
import { contractError, partProblem } from './check-parts.ts';
import { markCommitted, type CommittedParts, type ReadResult } from './part-source.ts';

/**
 * Reads a normalized part stream up to the commit point (the first content part) and returns
 * a stream that replays what was read, then the rest. Anything that goes wrong before the
 * commit point throws, so the caller may retry or fall back invisibly to the client: a part
 * that breaks the hub's contract too (`partProblem`; `provider` names the upstream). Parts
 * after the commit point are checked by the stream's consumer (`encodedBody`).
 */
export async function awaitPartsCommit(parts: ReadableStream<StreamPart>, provider?: string): Promise<ReadableStream<StreamPart>> {
  const reader = parts.getReader();
  const buffered: StreamPart[] = [];
  for (;;) {
    let r: ReadResult<StreamPart>;
    try {
      r = await reader.read();
    } catch (err) {
      throw asUpstreamError(err);
    }
    if (r.done) throw truncated();
    if (r.value.type === 'error') {
      reader.cancel().catch(() => undefined);
      throw r.value.error;
    }
    const problem = partProblem(r.value);
    if (problem !== undefined) {
      reader.cancel().catch(() => undefined);
      throw contractError(problem, provider);
    }
    buffered.push(r.value);
    if (CONTENT_PART_TYPES.has(r.value.type)) break;
  }
  const state: CommittedParts = { buffered, next: 0, reader };
  return markCommitted(new ReadableStream<StreamPart>({
    async pull(ctl) {
      if (state.next < buffered.length) {
        ctl.enqueue(buffered[state.next++]!);
        return;
      }
      const r = await reader.read();
      if (r.done) ctl.close();
      else ctl.enqueue(r.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 }), state);
}

/** The bytes of a passthrough stream, held until the commit point, plus the side parser. */
export interface CommittedBytes {
  reader: ReadableStreamDefaultReader<Uint8Array>;
  /** Upstream chunks read before the commit point, to be sent first. */
  prelude: Uint8Array[];
  /** Parts parsed from the prelude (start, usage…). */
  parts: StreamPart[];
  /** Set when the upstream had already ended (its parser too): a parser with nothing left. */
  parser?: StreamParser;
}

/** The parser of a stream already read to its end and ended. */
const ENDED: StreamParser = { push: () => [], end: () => [] };

/**
 * Same as `awaitPartsCommit` for the passthrough lane: reads upstream bytes through the side
 * parser until a content part shows up, holding the bytes. Throws before the commit point.
 */
export async function awaitBytesCommit(body: ReadableStream<Uint8Array>, parser: StreamParser): Promise<CommittedBytes> {
  const reader = body.getReader();
  const prelude: Uint8Array[] = [];
  const seen: StreamPart[] = [];
  for (;;) {
    let r: ReadResult<Uint8Array>;
    try {
      r = await reader.read();
    } catch (err) {
      throw asUpstreamError(err);
    }
    const parts = r.done ? parser.end() : parser.push(r.value);
    for (const p of parts) {
      if (p.type === 'error') {
        reader.cancel().catch(() => undefined);
        throw p.error;
      }
      seen.push(p);
    }
    if (r.done) {
      // Content that only the end showed (a JSON reply to a stream request, a finish without
      // [DONE]) is still content: the stream is complete, not truncated.
      if (seen.some((p) => CONTENT_PART_TYPES.has(p.type))) return { reader, prelude, parts: seen, parser: ENDED };
      throw truncated();
    }
    prelude.push(r.value);
    if (parts.some((p) => CONTENT_PART_TYPES.has(p.type))) return { reader, prelude, parts: seen };
  }
}

function truncated(): GatewayError {
  return new GatewayError('GW_UPSTREAM_PROTOCOL', 'The upstream closed the stream before sending any content.', { retryable: true });
}

/** A read error from the upstream body: keep gateway errors, wrap the rest as retryable. */
export function asUpstreamError(err: unknown): GatewayError {
  if (isGatewayError(err)) return err;
  if (err instanceof Error && err.name === 'AbortError') {
    return new GatewayError('GW_CLIENT_CLOSED', 'The request was aborted.', { cause: err });
  }
  return new GatewayError('GW_UPSTREAM_CONNECT', 'The upstream connection failed while reading the reply.', { retryable: true, cause: err });
}
