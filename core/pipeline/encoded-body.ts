import type { GatewayError } from '../errors/gateway-error.ts';
import type { StreamEncoder } from '../plugin/types.ts';
import type { StreamPart } from '../types/hub.ts';
import { asUpstreamError } from './await-commit.ts';
import type { StreamTracker } from './client-stream.ts';
import { keepalives, type KeepaliveSpec } from './keepalive-sweeper.ts';
import { partSource, type PartSource } from './part-source.ts';

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
 *
 * A Bun direct stream, as the passthrough lane's (`passthroughBody`): the text is written to the
 * response as it is encoded, and a write that finds the response's buffer full is awaited.
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
  const end = (kind: 'done' | 'cancel' | 'error') => {
    if (finished) return;
    finished = true;
    watch?.stop();
    onEnd(kind);
  };
  const close = (ctl: ReadableStreamDirectController, tail: string) => {
    if (tail !== '') ctl.write(tail);
    ctl.close();
    end('done');
  };
  const direct: Bun.DirectUnderlyingSource<Uint8Array> = {
    type: 'direct',
    async pull(ctl) {
      watch?.attach({ enqueue: (frame) => void (ctl.write(frame), ctl.flush()) });
      // Encoded text is sent once the next part is not there yet: the parts of one upstream
      // read leave together, and the response head with the first of them.
      let unsent = false;
      try {
        while (!finished) {
          const next = source.read();
          if (unsent && Bun.peek.status(next) === 'pending') {
            ctl.flush();
            unsent = false;
          }
          let part: StreamPart;
          try {
            const r = await next;
            if (finished) return; // the client went away meanwhile
            if (r.done) return close(ctl, enc.end());
            part = r.value;
          } catch (err) {
            if (finished) return;
            part = { type: 'error', error: asUpstreamError(err) };
          }
          tracker.onPart(part);
          // Error text may quote upstream secrets: the client gets the redacted form.
          const text = enc.push(part.type === 'error' ? { type: 'error', error: safe(part.error) } : part);
          const written = text === '' ? 0 : ctl.write(text);
          if (text !== '') {
            unsent = true;
            watch?.wrote();
          }
          // Nothing is read after an error part: for the encoder that is the end of the source.
          if (enc.closed || part.type === 'error') {
            source.cancel().catch(() => undefined);
            return close(ctl, enc.closed ? '' : enc.end());
          }
          if (written instanceof Promise) {
            // The response's buffer is full (a slow client): wait before reading on.
            ctl.flush();
            unsent = false;
            await written;
          }
        }
      } catch (err) {
        // A bug here (encoder, tracker) must still end the response and the request's books.
        end('error');
        ctl.close(err instanceof Error ? err : new Error(String(err)));
      }
    },
    cancel(reason) {
      end('cancel');
      return source.cancel(reason);
    },
  };
  // The DOM typing in use has no overload for Bun's direct sources.
  return new ReadableStream<Uint8Array>(direct as unknown as UnderlyingDefaultSource<Uint8Array>);
}
