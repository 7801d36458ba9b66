import type { GatewayError } from '../errors/gateway-error.ts';
import type { StreamEncoder } from '../plugin/types.ts';
import type { StreamPart } from '../types/hub.ts';
import { asUpstreamError } from './await-commit.ts';
import type { StreamTracker } from './client-stream.ts';
import { keepalives, type KeepaliveSpec } from './keepalive-sweeper.ts';
import { partSource, type PartSource } from './part-source.ts';

const utf8 = new TextEncoder();

/**
 * The normalized lane in one stream layer, for translators with a part encoder: reads the
 * parts, tells the tracker (usage, first part), encodes them in the client's dialect and
 * sends the bytes, keeping SSE alive while the upstream is silent. The same behaviour as
 * `trackParts` → `encodeStream` → `finishBody`, without the two streams in between:
 * - a failed read becomes one `error` part (like any error part, redacted by `safe` for the
 *   client), after which the source is cancelled and the stream closes;
 * - once the encoder is closed (error frame, end) the source is cancelled;
 * - `onEnd` is called exactly once: `done` when the stream closed, `cancel` when the client left
 *   (which cancels the source, hence the upstream).
 */
export function encodedBody(
  parts: ReadableStream<StreamPart>,
  tracker: StreamTracker,
  safe: (err: GatewayError) => GatewayError,
  enc: StreamEncoder,
  onEnd: (kind: 'done' | 'cancel' | 'error') => void,
  keepalive?: KeepaliveSpec,
): ReadableStream<Uint8Array> {
  const source: PartSource = partSource(parts);
  const watch = keepalive ? keepalives.watch(keepalive) : undefined;
  let finished = false;
  const end = (kind: 'done' | 'cancel') => {
    if (finished) return;
    finished = true;
    watch?.stop();
    onEnd(kind);
  };
  const send = (ctl: ReadableStreamDefaultController<Uint8Array>, text: string): boolean => {
    if (text === '') return false;
    ctl.enqueue(utf8.encode(text));
    watch?.wrote();
    return true;
  };
  const close = (ctl: ReadableStreamDefaultController<Uint8Array>) => {
    ctl.close();
    end('done');
  };
  return new ReadableStream<Uint8Array>({
    start(ctl) {
      watch?.attach(ctl);
    },
    async pull(ctl) {
      // A pull must enqueue or close: Bun's response sink does not pull again after an empty one.
      while (!finished) {
        let part: StreamPart;
        try {
          const r = await source.read();
          if (r.done) {
            send(ctl, enc.end());
            return close(ctl);
          }
          part = r.value;
        } catch (err) {
          part = { type: 'error', error: asUpstreamError(err) };
        }
        tracker.onPart(part);
        // Error text may quote upstream secrets: the client gets the redacted form.
        const sent = send(ctl, enc.push(part.type === 'error' ? { type: 'error', error: safe(part.error) } : part));
        // Nothing is read after an error part: for the encoder that is the end of the source.
        if (part.type === 'error' && !enc.closed) send(ctl, enc.end());
        if (enc.closed || part.type === 'error') {
          source.cancel().catch(() => undefined);
          return close(ctl);
        }
        if (sent) return;
      }
    },
    cancel(reason) {
      end('cancel');
      return source.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
