import type { GatewayError } from '../errors/gateway-error.ts';
import type { CallResult } from '../plugin/types.ts';
import type { StreamPart } from '../types/hub.ts';
import { asUpstreamError } from './await-commit.ts';

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
 * the translator can end the stream properly in the client's dialect.
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
 * The passthrough lane: the upstream's bytes, unchanged, with the side parser reading along.
 * If the upstream breaks (read error or truncated stream) one error frame in the client's
 * dialect is appended and the stream closes.
 */
export function passthroughBytes(
  r: Extract<CallResult, { type: 'passthrough' }>,
  tracker: StreamTracker,
  errorFrame: (err: GatewayError) => string,
): ReadableStream<Uint8Array> {
  for (const p of r.parts) tracker.onPart(p);
  let i = 0;
  let ended = false;
  const fail = (ctl: ReadableStreamDefaultController<Uint8Array>, err: GatewayError) => {
    ended = true;
    tracker.onPart({ type: 'error', error: err });
    ctl.enqueue(encoder.encode(errorFrame(err)));
    ctl.close();
  };
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      if (ended) return;
      if (i < r.prelude.length) {
        ctl.enqueue(r.prelude[i++]);
        return;
      }
      if (!r.reader) {
        ended = true;
        ctl.close();
        return;
      }
      let res: ReadResult<Uint8Array>;
      try {
        res = await r.reader.read();
      } catch (err) {
        fail(ctl, asUpstreamError(err));
        return;
      }
      const parts = res.done ? r.parser.end() : r.parser.push(res.value);
      let error: GatewayError | undefined;
      for (const p of parts) {
        tracker.onPart(p);
        if (p.type === 'error') error = p.error;
      }
      if (!res.done) ctl.enqueue(res.value);
      if (res.done) {
        // A truncated stream: the upstream's bytes end without a terminator; say so once.
        if (error) {
          ctl.enqueue(encoder.encode(errorFrame(error)));
        }
        ended = true;
        ctl.close();
      }
    },
    cancel(reason) {
      ended = true;
      return r.reader?.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

const KEEPALIVE = Symbol('keepalive');

/**
 * The last wrapper before the socket: reports the end exactly once (done, client cancel,
 * error) and, for SSE, writes a keep-alive comment whenever the upstream is silent for
 * `keepaliveMs`, so proxies and clients do not time out on a slow model.
 */
export function finishBody(
  body: ReadableStream<Uint8Array>,
  onEnd: (kind: 'done' | 'cancel' | 'error', err?: unknown) => void,
  keepalive?: { ms: number; frame: string },
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let pending: Promise<ReadResult<Uint8Array>> | undefined;
  let finished = false;
  const frame = keepalive ? encoder.encode(keepalive.frame) : undefined;
  const end = (kind: 'done' | 'cancel' | 'error', err?: unknown) => {
    if (finished) return;
    finished = true;
    onEnd(kind, err);
  };
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      try {
        pending ??= reader.read();
        let r: ReadResult<Uint8Array> | typeof KEEPALIVE;
        if (keepalive && frame) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const tick = new Promise<typeof KEEPALIVE>((res) => {
            timer = setTimeout(() => res(KEEPALIVE), keepalive.ms);
          });
          r = await Promise.race([pending, tick]);
          clearTimeout(timer);
        } else {
          r = await pending;
        }
        if (r === KEEPALIVE) {
          ctl.enqueue(frame!);
          return;
        }
        pending = undefined;
        if (r.done) {
          ctl.close();
          end('done');
        } else {
          ctl.enqueue(r.value);
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
