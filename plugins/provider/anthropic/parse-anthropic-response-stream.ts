import { GatewayError, isGatewayError, toGatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamParser } from '../../../core/plugin/types.ts';
import type { StreamPart } from '../../../core/types/hub.ts';

/**
 * Runs an upstream body through a push parser as a stream of hub parts. Ends after the first
 * `finish` or `error` part; a failing read (idle timeout, reset) becomes one `error` part.
 * Cancelling the part stream cancels the upstream body, which closes the upstream connection
 * at once.
 *
 * After an `error` part the upstream body is cancelled. After `finish` (`message_stop`) it is
 * read to its end instead, which is at once for a well-behaved upstream: cancelling a body
 * that is about to end costs an abort and can cost the pooled connection. Bytes after the
 * finish are not expected; if any come, the body is cancelled then; an upstream that neither
 * ends nor sends is cut by the outbound client's idle limit.
 */
export function parseAnthropicResponseStream(body: ReadableStream<Uint8Array>, parser: StreamParser): ReadableStream<StreamPart> {
  const reader = body.getReader();
  return new ReadableStream<StreamPart>({
    async pull(controller) {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          const parts = done ? parser.end() : parser.push(value);
          let terminal: 'finish' | 'error' | undefined;
          for (const p of parts) {
            controller.enqueue(p);
            if (p.type === 'finish' || p.type === 'error') terminal ??= p.type;
          }
          if (done || terminal) {
            controller.close();
            if (!done) {
              if (terminal === 'finish') drainToEnd(reader);
              else reader.cancel().catch(() => {});
            }
            return;
          }
          if (parts.length > 0) return;
        }
      } catch (e) {
        controller.enqueue({ type: 'error', error: readError(e) });
        controller.close();
        reader.cancel().catch(() => {});
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** Reads the rest of a finished upstream body (normally just its end); cancels it if more bytes come. */
function drainToEnd(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  reader.read().then((r) => {
    if (!r.done) reader.cancel().catch(() => {});
  }, () => {});
}

/** A failed body read: gateway errors (idle timeout) and aborts pass; anything else is a broken connection. */
function readError(e: unknown): GatewayError {
  if (isGatewayError(e) || (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError'))) return toGatewayError(e);
  return new GatewayError('GW_UPSTREAM_CONNECT', 'The connection to the Anthropic upstream broke mid-stream.', { retryable: true, cause: e });
}
