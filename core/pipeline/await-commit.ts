import { GatewayError, isGatewayError } from '../errors/gateway-error.ts';
import type { StreamParser } from '../plugin/types.ts';
import { hasContent, isContentPart, type ChatResult, type StreamPart } from '../types/hub.ts';
import { contractError, partProblem } from './check-parts.ts';
import { markCommitted, type CommittedParts, type ReadResult } from './part-source.ts';

/**
 * Reads a normalized part stream up to the commit point (the first content part, or the finish
 * of a reply without any) and returns a stream that replays what was read, then the rest.
 * Anything that goes wrong before the commit point throws, so the caller may retry or fall back
 * invisibly to the client: a part that breaks the hub's contract too (`partProblem`; `provider`
 * names the upstream), and with `emptyFails` an empty reply (`emptyReply`). Parts after the
 * commit point are checked by the stream's consumer (`encodedBody`).
 */
export async function awaitPartsCommit(parts: ReadableStream<StreamPart>, provider?: string, emptyFails = false): Promise<ReadableStream<StreamPart>> {
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
    const p = r.value;
    if (p.type === 'error') {
      reader.cancel().catch(() => undefined);
      throw p.error;
    }
    const problem = partProblem(p);
    if (problem !== undefined) {
      reader.cancel().catch(() => undefined);
      throw contractError(problem, provider);
    }
    if (p.type === 'finish' && emptyFails && isEmptyFinish(p)) {
      reader.cancel().catch(() => undefined);
      throw emptyReply(provider, p);
    }
    buffered.push(p);
    if (p.type === 'finish' || isContentPart(p)) break;
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
 * parser until a content part, output the hub does not model (`parser.opaqueOutput`), or the
 * finish of a reply without either shows up, holding the bytes. Throws before the commit point;
 * with `emptyFails`, on an empty reply too.
 */
export async function awaitBytesCommit(
  body: ReadableStream<Uint8Array>, parser: StreamParser, provider?: string, emptyFails = false,
): Promise<CommittedBytes> {
  const reader = body.getReader();
  const prelude: Uint8Array[] = [];
  const seen: StreamPart[] = [];
  let committed = false;
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
      if (!committed && p.type === 'finish' && emptyFails && isEmptyPassthroughFinish(p)) {
        reader.cancel().catch(() => undefined);
        throw emptyReply(provider, p);
      }
      committed ||= p.type === 'finish' || isContentPart(p);
      seen.push(p);
    }
    // Output the hub does not model (Codex's patch call, Claude's web search) is content the client can use.
    committed ||= parser.opaqueOutput === true;
    if (r.done) {
      // Content that only the end showed (a JSON reply to a stream request, a finish without
      // [DONE]) is still content: the stream is complete, not truncated.
      if (committed) return { reader, prelude, parts: seen, parser: ENDED };
      throw truncated();
    }
    prelude.push(parser.amend?.(r.value) ?? r.value);
    if (committed) return { reader, prelude, parts: seen };
  }
}

type Finish = Extract<StreamPart, { type: 'finish' }>;

/**
 * A finish that makes an empty reply when nothing came before it: any reason but the length
 * limit. A reply cut at `max_tokens` before any content (a reasoning model's budget spent on
 * thinking, a connection check with `max_tokens: 1`) is what the client asked for, and the next
 * target would hit the same limit.
 */
function isEmptyFinish(p: { reason: string }): boolean {
  return p.reason !== 'length';
}

/**
 * The same for the passthrough lane, whose client gets the upstream's own bytes: a reply that
 * held output the hub does not model (`opaqueOutput`: Codex's `apply_patch` as a custom tool
 * call, a turn of Anthropic server tools paused with `pause_turn`) is not empty there.
 */
function isEmptyPassthroughFinish(p: Finish): boolean {
  return isEmptyFinish(p) && !p.opaqueOutput;
}

/** The finish of a whole passthrough reply whose parts hold no content (`isContentPart`), when that makes it empty. */
export function emptyFinishOf(parts: readonly StreamPart[]): Finish | undefined {
  for (const p of parts) {
    if (isContentPart(p)) return undefined;
    if (p.type === 'finish') return isEmptyPassthroughFinish(p) ? p : undefined;
  }
  return undefined;
}

/** True when a whole reply (translated lane: the client sees hub content only) holds no content and did not stop at its length limit. */
export function isEmptyResult(r: ChatResult): boolean {
  return isEmptyFinish({ reason: r.finishReason }) && !hasContent(r);
}

/**
 * An empty reply: the upstream finished (not at its length limit) before any text, reasoning
 * text or tool call, which a provider under load, a safety filter or a model that "had nothing
 * to add" does now and then (Gemini's empty candidates, Claude's empty end_turn). A retryable
 * 502 (GW_UPSTREAM_EMPTY), thrown only while another target can still serve: the last target's
 * empty reply reaches the client as sent, as it would from the provider itself.
 */
export function emptyReply(provider: string | undefined, finish: { reason: string; rawReason?: string }): GatewayError {
  const who = provider ? `Upstream ${provider}` : 'The upstream';
  return new GatewayError('GW_UPSTREAM_EMPTY', `${who} returned an empty reply (no text or tool call; finish reason: ${finish.rawReason ?? finish.reason}).`, { retryable: true });
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
