import type { GatewayError } from '../errors/gateway-error.ts';
import type { CallResult } from '../plugin/types.ts';
import type { StreamPart } from '../types/hub.ts';
import { asUpstreamError } from './await-commit.ts';
import { keepalives, type KeepaliveSpec } from './keepalive-sweeper.ts';

/** Learns from the parts that reach the client; the request run implements it. */
export interface StreamTracker {
  onPart(part: StreamPart): void;
  /** Called exactly once: the stream finished, the client left, or it broke. */
  onEnd(kind: 'done' | 'cancel' | 'error', error?: GatewayError): void;
}

/** What a default reader's `read()` resolves to. */
type ReadResult<T> = Awaited<ReturnType<ReadableStreamDefaultReader<T>['read']>>;

const encoder = new TextEncoder();

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
        tracker.onPart(r.value);
        // Error text may quote upstream secrets: the client gets the redacted form.
        ctl.enqueue(r.value.type === 'error' ? { type: 'error', error: safe(r.value.error) } : r.value);
        if (r.value.type === 'error') {
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
 * upstream breaks (read error or truncated stream) one error frame in the client's dialect is
 * appended and the stream closes. Reports its end exactly once and keeps SSE alive.
 *
 * A direct stream (Bun's `type: 'direct'`): chunks are written to the response and sent when
 * the next one is not there yet (so chunks already read leave in one write); a write that
 * finds the response's buffer full answers a promise, awaited before the upstream is read
 * again (back-pressure). For a queued stream Bun sends the status line and headers on
 * their own before the first chunk; here they leave with the first chunk in one packet, one
 * system call less per response. Bun calls `cancel` when the client goes away.
 */
export function passthroughBody(
  r: Extract<CallResult, { type: 'passthrough' }>,
  tracker: StreamTracker,
  errorFrame: (err: GatewayError) => string,
  onEnd: (kind: 'done' | 'cancel' | 'error') => void,
  keepalive?: KeepaliveSpec,
): ReadableStream<Uint8Array> {
  for (const p of r.parts) tracker.onPart(p);
  const filter = r.createFilter?.();
  let finished = false;
  const watch = keepalive ? keepalives.watch(keepalive) : undefined;
  const end = (kind: 'done' | 'cancel' | 'error') => {
    if (finished) return;
    finished = true;
    watch?.stop();
    onEnd(kind);
  };
  /**
   * Writes non-empty bytes, sent by the next flush; a promise while the response's buffer is
   * full (`write` answers one then: the client reads slower than the upstream sends).
   */
  const put = (ctl: ReadableStreamDirectController, bytes: Uint8Array | undefined): number | Promise<number> => {
    if (!bytes || bytes.length === 0) return 0;
    watch?.wrote();
    return ctl.write(bytes);
  };
  const close = (ctl: ReadableStreamDirectController, err?: GatewayError) => {
    const tail = filter?.end();
    if (tail && tail.length > 0) ctl.write(tail);
    if (err) {
      tracker.onPart({ type: 'error', error: err });
      ctl.write(encoder.encode(errorFrame(err)));
    }
    ctl.close();
    end('done');
  };
  /** Reads the upstream to its end, parsed along, into the response. */
  const pump = async (ctl: ReadableStreamDirectController, reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> => {
    // Bytes are sent once the next chunk is not there yet: chunks already read leave together.
    let unsent = false;
    for (;;) {
      const next = reader.read();
      if (unsent && Bun.peek.status(next) === 'pending') {
        ctl.flush();
        unsent = false;
      }
      let res: ReadResult<Uint8Array>;
      try {
        res = await next;
      } catch (err) {
        if (!finished) close(ctl, asUpstreamError(err));
        return;
      }
      if (finished) return; // the client went away meanwhile
      if (res.done) {
        // A truncated stream: the upstream's bytes end without a terminator; say so once.
        let error: GatewayError | undefined;
        for (const p of r.parser.end()) {
          if (p.type === 'error') error = p.error;
          else tracker.onPart(p);
        }
        return close(ctl, error);
      }
      for (const p of r.parser.push(res.value)) tracker.onPart(p);
      const written = put(ctl, filter ? filter.chunk(res.value) : res.value);
      unsent = true;
      if (written instanceof Promise) {
        ctl.flush();
        unsent = false;
        await written;
      }
    }
  };
  const source: Bun.DirectUnderlyingSource<Uint8Array> = {
    type: 'direct',
    async pull(ctl) {
      watch?.attach({ enqueue: (frame) => void (ctl.write(frame), ctl.flush()) });
      try {
        // The chunks read before the commit point leave together, with the response head.
        let full: Promise<number> | undefined;
        for (const chunk of r.prelude) {
          const bytes = filter ? filter.chunk(chunk) : chunk;
          const written = bytes && bytes.length > 0 ? ctl.write(bytes) : 0;
          if (written instanceof Promise) full = written;
        }
        watch?.wrote();
        ctl.flush();
        if (full) await full;
        if (finished) return;
        if (r.reader) await pump(ctl, r.reader);
        else close(ctl);
      } catch (err) {
        // A bug here (parser, filter) must still end the response and the request's books.
        end('error');
        ctl.close(err instanceof Error ? err : new Error(String(err)));
      }
    },
    cancel(reason) {
      end('cancel');
      return r.reader?.cancel(reason);
    },
  };
  // The DOM typing in use has no overload for Bun's direct sources.
  return new ReadableStream<Uint8Array>(source as unknown as UnderlyingDefaultSource<Uint8Array>);
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
  const watch = keepalive ? keepalives.watch(keepalive) : undefined;
  const end = (kind: 'done' | 'cancel' | 'error', err?: unknown) => {
    if (finished) return;
    finished = true;
    watch?.stop();
    onEnd(kind, err);
  };
  return new ReadableStream<Uint8Array>({
    start(ctl) {
      watch?.attach(ctl);
    },
    async pull(ctl) {
      try {
        const r = await reader.read();
        if (r.done) {
          ctl.close();
          end('done');
        } else {
          ctl.enqueue(r.value);
          watch?.wrote();
        }
      } catch (err) {
        end('error', err);
        ctl.error(err);
      }
    },
    cancel(reason) {
      end('cancel', reason);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
