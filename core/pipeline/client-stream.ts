import type { GatewayError } from '../errors/gateway-error.ts';
import type { CallResult, StreamParser } from '../plugin/types.ts';
import type { StreamPart } from '../types/hub.ts';
import { checkedPart, partProblem } from './check-parts.ts';
import { asUpstreamError } from './await-commit.ts';
import { directBody, type DirectWriter } from './direct-writer.ts';
import { redactPatterns } from '../log/redact.ts';
import { eventEndIn, MAX_SSE_EVENT_CHARS } from '../util/sse.ts';
import { blankLineAfter, failedReadEvents, type SentEvents } from './upstream-error-event.ts';
import type { KeepaliveSpec } from './keepalive-sweeper.ts';
import type { ReadResult } from './part-source.ts';

/** Learns from the parts that reach the client; the request run implements it. */
export interface StreamTracker {
  onPart(part: StreamPart): void;
  /** Called exactly once: the stream finished, the client left, or it broke. */
  onEnd(kind: 'done' | 'cancel' | 'error', error?: GatewayError): void;
}

/**
 * The normalized lane: upstream parts, with read failures turned into one `error` part so
 * the translator can end the stream properly in the client's dialect. `safe` rewrites error
 * parts for the client (secrets redacted).
 */
export function trackParts(
  parts: ReadableStream<StreamPart>,
  tracker: StreamTracker,
  safe: (err: GatewayError) => GatewayError = (e) => e,
): ReadableStream<StreamPart> {
  const reader = parts.getReader();
  let ended = false;
  return new ReadableStream<StreamPart>({
    async pull(ctl) {
      if (ended) return;
      try {
        const r = await reader.read();
        if (r.done) {
          ended = true;
          ctl.close();
          return;
        }
        const part = checkedPart(r.value);
        tracker.onPart(part);
        // Error text may quote upstream secrets: the client gets the redacted form.
        ctl.enqueue(part.type === 'error' ? { type: 'error', error: safe(part.error) } : part);
        if (part.type === 'error') {
          ended = true;
          reader.cancel().catch(() => undefined);
          ctl.close();
        }
      } catch (err) {
        ended = true;
        const part: StreamPart = { type: 'error', error: asUpstreamError(err) };
        tracker.onPart(part);
        ctl.enqueue({ type: 'error', error: safe(part.error) });
        ctl.close();
      }
    },
    cancel(reason) {
      ended = true;
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/**
 * The passthrough lane, in one stream layer: the upstream's bytes (after the provider's
 * optional filter), with the side parser reading the upstream's own bytes along. If the
 * upstream breaks (read error, truncated stream, a malformed frame) one error frame in the
 * client's dialect ends the stream, and nothing of the upstream's follows it (no `[DONE]`).
 * On an SSE stream the events of the failed read that the parser took in before the bad one
 * (`StreamParser.eventsBeforeError`; the tracker has counted them) leave first, as sent: an
 * upstream that batches events loses none before the error. An event the stream ends in
 * without its blank line, when the parser read it, leaves with one.
 * When the upstream ends its SSE stream with its own error event (the parser's error part
 * carries `upstream`: Responses' `response.failed` or `error`, Anthropic's `event: error`, an
 * OpenAI or Gemini `{"error": …}` chunk), that event is already in the client's dialect and is
 * what the client acts on (Codex reads only `response.failed`): the read's events up to and
 * including it leave as sent, and the gateway's error frame follows only when the event is not
 * one SDKs raise on (`response.failed`: then the `error` event, as on the translated lane).
 * Reports its end exactly once and keeps SSE alive.
 *
 * An SSE stream (`sse`) leaves whole events only: an upstream chunk that ends inside an event
 * keeps that event's start back until its end arrives, so a keep-alive comment or an error
 * frame never lands inside an event. Upstreams send whole events per chunk, so that costs one
 * look at the chunk's last two bytes.
 *
 * A direct stream (`directBody`: what is ready leaves in one write, with the response head;
 * back-pressure from the response's buffer). Bun calls `cancel` when the client goes away.
 */
export function passthroughBody(
  r: Extract<CallResult, { type: 'passthrough' }>,
  tracker: StreamTracker,
  /** The error frame; it gets the stream's parser, which knows what the upstream sent. */
  errorFrame: (err: GatewayError, parser: StreamParser) => string,
  onEnd: (kind: 'done' | 'cancel' | 'error') => void,
  keepalive?: KeepaliveSpec,
  sse = false,
  /** Masks secrets (the configured keys too): an upstream error event that quotes one is not relayed. */
  redact: (text: string) => string = redactPatterns,
): ReadableStream<Uint8Array> {
  // The side parser's parts are for the books only (the client has the upstream's bytes): one
  // that breaks the hub's contract is left out of them.
  const book = (p: StreamPart) => {
    if (partProblem(p) === undefined) tracker.onPart(p);
  };
  for (const p of r.parts) book(p);
  const filter = r.createFilter?.();
  let finished = false;
  /** SSE: the pieces of an event whose end has not arrived yet, joined once when it does. */
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  const end = (kind: 'done' | 'cancel' | 'error') => {
    if (finished) return;
    finished = true;
    onEnd(kind);
  };
  /**
   * Writes upstream bytes, through the filter. On an SSE stream only whole events leave: a chunk
   * that ends inside an event keeps that part back. Each chunk is scanned once, so an event that
   * spans many reads costs no more than its size.
   */
  const send = (out: DirectWriter, bytes: Uint8Array): Promise<number> | undefined => {
    if (!sse) return out.write(filter ? filter.chunk(bytes) : bytes);
    const cut = eventEndIn(bytes, held);
    if (cut === 0) {
      held.push(bytes);
      heldBytes += bytes.length;
      if (heldBytes <= MAX_SSE_EVENT_CHARS) return undefined;
      // An event this long (the side parser drops it too) is not held whole: memory stays
      // bounded whatever the upstream sends, and what arrived leaves as it is.
      const all = Buffer.concat(held);
      held = [];
      heldBytes = 0;
      return out.write(filter ? filter.chunk(all) : all);
    }
    let whole = cut === bytes.length ? bytes : bytes.subarray(0, cut);
    if (held.length > 0) {
      held.push(whole);
      whole = Buffer.concat(held);
      held = [];
    }
    heldBytes = 0;
    if (cut < bytes.length) {
      held.push(bytes.subarray(cut));
      heldBytes = bytes.length - cut;
    }
    return out.write(filter ? filter.chunk(whole) : whole);
  };
  /**
   * Ends the response: with the upstream's rest, or on `err` with the failed read's events that
   * leave (`last`: the upstream's error event, or the events before the bad one) and/or the
   * gateway's frame.
   */
  const close = (out: DirectWriter, err?: GatewayError, last?: SentEvents) => {
    if (err) {
      // The half event held back is dropped: the error event is the stream's last event.
      held = [];
      tracker.onPart({ type: 'error', error: err });
      if (last) out.write(filter ? filter.chunk(last.bytes) : last.bytes);
      if (!last?.raises) out.write(errorFrame(err, r.parser));
    } else {
      // What the upstream sent after its last blank line (an event it ended without one, which
      // the parser took) leaves with the line ends that close it: SDKs drop an unclosed event.
      const rest = held.length > 0 ? Buffer.concat([...held, blankLineAfter(held)]) : undefined;
      held = [];
      if (rest) out.write(filter ? filter.chunk(rest) : rest);
      const last = filter?.end();
      if (last) out.write(last);
    }
    out.close();
    end('done');
  };
  /** Reads the upstream to its end, parsed along, into the response. */
  const pump = async (out: DirectWriter, reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> => {
    for (;;) {
      let res: ReadResult<Uint8Array>;
      try {
        const next = out.next(reader.read());
        res = next instanceof Promise ? await next : next;
      } catch (err) {
        if (!finished) close(out, asUpstreamError(err));
        return;
      }
      if (finished) return; // the client went away meanwhile
      if (res.done) {
        // A truncated stream: the upstream's bytes end without a terminator; say so once.
        let error: GatewayError | undefined;
        for (const p of r.parser.end()) {
          if (p.type === 'error') error = p.error;
          else book(p);
        }
        // The event the stream ends in may lack its blank line (the parser read it): it gets one.
        const last = sse && error && held.length > 0 ? failedReadEvents(error, r.parser, blankLineAfter(held), held, redact) : undefined;
        return close(out, error, last);
      }
      let error: GatewayError | undefined;
      for (const p of r.parser.push(res.value)) {
        if (p.type === 'error') error ??= p.error;
        else book(p);
      }
      if (error) {
        // The commit rule: after content, one error event and nothing more from the upstream.
        reader.cancel().catch(() => undefined);
        return close(out, error, sse ? failedReadEvents(error, r.parser, res.value, held, redact) : goodBytesOf(r.parser, res.value));
      }
      const full = send(out, r.parser.amend?.(res.value) ?? res.value);
      if (full) await full;
    }
  };
  return directBody(async (out) => {
    try {
      // The chunks read before the commit point leave together, with the response head, once
      // the next read would wait; a reply already complete leaves with its end in one write.
      let full: Promise<number> | undefined;
      for (const chunk of r.prelude) full = send(out, chunk) ?? full;
      if (full) await full;
      if (finished) return;
      if (r.reader) await pump(out, r.reader);
      else close(out);
    } catch (err) {
      // A bug here (parser, filter) must still end the response and the request's books.
      end('error');
      out.close(err instanceof Error ? err : new Error(String(err)));
    }
  }, (reason) => {
    end('cancel');
    return r.reader?.cancel(reason);
  }, keepalive);
}

/** Not SSE: the start of the failed chunk that held whole elements before the bad one (`StreamParser.bytesBeforeError`). */
function goodBytesOf(parser: StreamParser, bytes: Uint8Array): SentEvents | undefined {
  const n = parser.bytesBeforeError;
  return n ? { bytes: bytes.subarray(0, n), raises: false } : undefined;
}

/**
 * The last wrapper of the normalized lane: reports the end exactly once (done, client cancel,
 * error) and, for SSE, keeps the stream alive while the upstream is silent.
 */
export function finishBody(
  body: ReadableStream<Uint8Array>,
  onEnd: (kind: 'done' | 'cancel' | 'error', err?: unknown) => void,
  keepalive?: KeepaliveSpec,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  const end = (kind: 'done' | 'cancel' | 'error', err?: unknown) => {
    if (finished) return;
    finished = true;
    onEnd(kind, err);
  };
  return directBody(async (out) => {
    for (;;) {
      let r: ReadResult<Uint8Array>;
      try {
        const next = out.next(reader.read());
        r = next instanceof Promise ? await next : next;
      } catch (err) {
        if (finished) return;
        end('error', err);
        out.close(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (finished) return; // the client went away meanwhile
      if (r.done) {
        out.close();
        end('done');
        return;
      }
      const full = out.write(r.value);
      if (full) await full;
    }
  }, (reason) => {
    end('cancel', reason);
    return reader.cancel(reason);
  }, keepalive);
}
