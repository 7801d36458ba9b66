import { GatewayError, isGatewayError, toGatewayError, unreadableReply } from '../errors/gateway-error.ts';
import type { StreamParser } from '../plugin/types.ts';
import type { StreamPart } from '../types/hub.ts';

/**
 * An upstream body read through a provider's push parser, as a stream of hub parts. Pull-based,
 * so backpressure reaches the upstream socket; cancelling it cancels the body, which closes
 * the upstream connection at once. A failing read (idle timeout, reset) becomes one `error`
 * part, and so does a parser that throws on what arrived (a retryable 502, the reply could not
 * be read); nothing more is read after an error part. `upstream` names it in error messages.
 */
export function partsFromBody(body: ReadableStream<Uint8Array>, parser: StreamParser, upstream = 'upstream'): ReadableStream<StreamPart> {
  const reader = body.getReader();
  let ended = false;
  return new ReadableStream<StreamPart>({
    async pull(ctl) {
      while (!ended) {
        let parts: StreamPart[] | undefined;
        let done = false;
        let r: Awaited<ReturnType<typeof reader.read>>;
        try {
          r = await reader.read();
          done = r.done;
        } catch (e) {
          done = true;
          r = { done: true, value: undefined };
          parts = [{ type: 'error', error: readError(e, upstream) }];
        }
        try {
          parts ??= r.done ? parser.end() : parser.push(r.value);
        } catch (e) {
          // The bytes arrived; the parser could not make sense of them.
          parts = [{ type: 'error', error: isGatewayError(e) ? e : unreadableReply(`The ${upstream}`, e) }];
        }
        for (const p of parts) ctl.enqueue(p);
        const failed = parts.some((p) => p.type === 'error');
        if (failed || done) {
          ended = true;
          if (!done) reader.cancel().catch(() => undefined);
          ctl.close();
          return;
        }
        if (parts.length > 0) return;
      }
    },
    cancel(reason) {
      ended = true;
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** A failed body read: gateway errors (idle timeout) and aborts pass; anything else is a broken connection. */
function readError(e: unknown, upstream: string): GatewayError {
  if (isGatewayError(e) || (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError'))) return toGatewayError(e);
  return new GatewayError('GW_UPSTREAM_CONNECT', `The connection to the ${upstream} broke mid-stream.`, { retryable: true, cause: e });
}
