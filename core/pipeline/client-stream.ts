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
  let i = 0;
  let finished = false;
  const watch = keepalive ? keepalives.watch(keepalive) : undefined;
  const end = (kind: 'done' | 'cancel' | 'error') => {
    if (finished) return;
    finished = true;
    watch?.stop();
    onEnd(kind);
  };
  /** Enqueues non-empty bytes; says whether anything was sent. */
  const send = (ctl: ReadableStreamDefaultController<Uint8Array>, bytes: Uint8Array | undefined): boolean => {
    if (!bytes || bytes.length === 0) return false;
    ctl.enqueue(bytes);
    watch?.wrote();
    return true;
  };
  const close = (ctl: ReadableStreamDefaultController<Uint8Array>, err?: GatewayError) => {
    send(ctl, filter?.end());
    if (err) {
      tracker.onPart({ type: 'error', error: err });
      ctl.enqueue(encoder.encode(errorFrame(err)));
    }
    ctl.close();
    end('done');
  };
  /** One step: sends bytes, closes, or returns false when a chunk was filtered away entirely. */
  const step = async (ctl: ReadableStreamDefaultController<Uint8Array>): Promise<boolean> => {
    if (i < r.prelude.length) {
      const chunk = r.prelude[i++];
      const sent = send(ctl, filter ? filter.chunk(chunk) : chunk);
      if (!r.reader && i === r.prelude.length) {
        close(ctl);
        return true;
      }
      return sent;
    }
    if (!r.reader) {
      close(ctl);
      return true;
    }
    let res: ReadResult<Uint8Array>;
    try {
      res = await r.reader.read();
    } catch (err) {
      close(ctl, asUpstreamError(err));
      return true;
    }
    if (res.done) {
      // A truncated stream: the upstream's bytes end without a terminator; say so once.
      let error: GatewayError | undefined;
      for (const p of r.parser.end()) {
        if (p.type === 'error') error = p.error;
        else tracker.onPart(p);
      }
      close(ctl, error);
      return true;
    }
    for (const p of r.parser.push(res.value)) tracker.onPart(p);
    return send(ctl, filter ? filter.chunk(res.value) : res.value);
  };
  return new ReadableStream<Uint8Array>({
    start(ctl) {
      watch?.attach(ctl);
    },
    async pull(ctl) {
      // A pull must enqueue or close: Bun's response sink does not pull again after an empty one.
      while (!finished && !(await step(ctl)));
    },
    cancel(reason) {
      end('cancel');
      return r.reader?.cancel(reason);
    },
  }, { highWaterMark: 0 });
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
