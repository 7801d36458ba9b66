import { toGatewayError } from '../../../core/errors/gateway-error.ts';
import type { GatewayRequest } from '../../../core/plugin/types.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { buildResponseEcho, newId, wantsEncryptedReasoning } from './build-response-object.ts';
import { ResponsesStreamEncoder } from './responses-stream-encoder.ts';

/**
 * Encodes hub stream parts as the Responses SSE stream (`event: <type>` + `data: {…}` frames).
 *
 * Pull-driven: one part is read when the client can take more bytes, so a slow client slows the
 * upstream instead of filling memory. A parts stream that throws becomes `response.failed` +
 * `error`; a client disconnect (cancel) cancels the parts stream, which aborts the upstream.
 *
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function encodeResponsesStream(parts: ReadableStream<StreamPart>, req: GatewayRequest): ReadableStream<Uint8Array> {
  const encoder = createResponsesStreamEncoder(req);
  const bytes = new TextEncoder();
  const reader = parts.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const write = (text: string): void => {
        if (text.length > 0) controller.enqueue(bytes.encode(text));
      };
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            write(encoder.end());
            controller.close();
            return;
          }
          const text = encoder.push(value);
          if (encoder.done) {
            write(text);
            controller.close();
            void reader.cancel().catch(() => {});
            return;
          }
          if (text.length > 0) {
            write(text);
            return;
          }
        }
      } catch (e) {
        const err = toGatewayError(e);
        try {
          if (err.code !== 'GW_CLIENT_CLOSED') write(encoder.fail(err));
          controller.close();
        } catch {
          // The client went away while the error was being written: nothing left to tell it.
        }
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** The part encoder of a Responses stream for `req` (also driven by the pipeline directly). */
export function createResponsesStreamEncoder(req: GatewayRequest): ResponsesStreamEncoder {
  return new ResponsesStreamEncoder({
    id: newId('resp_'),
    model: req.model,
    echo: buildResponseEcho(req),
    includeEncrypted: wantsEncryptedReasoning(req),
  });
}
