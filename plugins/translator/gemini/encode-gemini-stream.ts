import { toGatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { GeminiStreamEncoder, type GeminiFrame } from './gemini-stream-encoder.ts';

export interface GeminiStreamOptions {
  /** `?alt=sse`: Server-Sent Events; otherwise the JSON array stream. */
  sse: boolean;
  /** responseId / modelVersion used until (or unless) a `start` part names them. */
  id: string;
  model: string;
}

const encoder = new TextEncoder();

/**
 * Hub parts → the bytes of `streamGenerateContent`.
 * - `alt=sse`: `data: {chunk}\r\n\r\n` per chunk, CRLF-framed as Google sends it.
 * - otherwise: one JSON array written incrementally, `[{chunk}\n,{chunk}\n]`.
 * An error part, or a failing input stream, ends the output with one error object
 * (`{"error":{code,message,status}}`) after what was already sent. Cancelling the output
 * cancels the input (and with it the upstream request).
 *
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export function encodeGeminiStream(parts: ReadableStream<StreamPart>, opts: GeminiStreamOptions): ReadableStream<Uint8Array> {
  const state = new GeminiStreamEncoder({ id: opts.id, model: opts.model });
  const reader = parts.getReader();
  let count = 0;
  const frame = (f: GeminiFrame): Uint8Array => {
    const json = JSON.stringify(f);
    const text = opts.sse ? `data: ${json}\r\n\r\n` : `${count === 0 ? '[' : '\n,'}${json}`;
    count++;
    return encoder.encode(text);
  };
  const finish = (controller: ReadableStreamDefaultController<Uint8Array>, frames: GeminiFrame[]): void => {
    for (const f of frames) controller.enqueue(frame(f));
    if (!opts.sse) controller.enqueue(encoder.encode(count === 0 ? '[]' : '\n]'));
    controller.close();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (e) {
          return finish(controller, state.fail(toGatewayError(e)));
        }
        if (next.done) return finish(controller, state.end());
        const frames = state.push(next.value);
        for (const f of frames) controller.enqueue(frame(f));
        if (state.done) {
          // The client has its answer; the rest (if any) is read so the producer ends normally.
          void drain(reader);
          return finish(controller, []);
        }
        if (frames.length > 0) return;
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

async function drain(reader: ReadableStreamDefaultReader<StreamPart>): Promise<void> {
  try {
    while (!(await reader.read()).done) {
      // nothing: parts after the terminal frame have no place in the dialect
    }
  } catch {
    // the producer failed after the answer was complete; nothing to tell the client
  }
}
