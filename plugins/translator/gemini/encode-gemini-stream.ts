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

type ReadResult = Awaited<ReturnType<ReadableStreamDefaultReader<StreamPart>['read']>>;

const encoder = new TextEncoder();
const TICK = Symbol('tick');
/** Resolves after pending I/O callbacks: parts already queued upstream arrive before it. */
const tick = () => new Promise<typeof TICK>((resolve) => setImmediate(() => resolve(TICK)));

/**
 * Hub parts → the bytes of `streamGenerateContent`.
 * - `alt=sse`: `data: {chunk}\r\n\r\n` per chunk, CRLF-framed as Google sends it.
 * - otherwise: one JSON array written incrementally, `[{chunk}\n,{chunk}\n]`.
 * Parts that are already waiting when one is read (the parts of one upstream chunk) are
 * written as one chunk; nothing waits for parts that are not there yet.
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
  let inflight: Promise<ReadResult> | undefined;

  const write = (controller: ReadableStreamDefaultController<Uint8Array>, frames: GeminiFrame[]): number => {
    for (const f of frames) {
      const json = JSON.stringify(f);
      controller.enqueue(encoder.encode(opts.sse ? `data: ${json}\r\n\r\n` : `${count === 0 ? '[' : '\n,'}${json}`));
      count++;
    }
    return frames.length;
  };
  const close = (controller: ReadableStreamDefaultController<Uint8Array>, frames: GeminiFrame[]): void => {
    write(controller, frames);
    if (!opts.sse) controller.enqueue(encoder.encode(count === 0 ? '[]' : '\n]'));
    controller.close();
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const read = inflight ?? reader.read();
        inflight = read;
        let next: ReadResult | typeof TICK;
        try {
          next = state.hasPending ? await Promise.race([read, tick()]) : await read;
        } catch (e) {
          return close(controller, state.fail(toGatewayError(e)));
        }
        if (next === TICK) {
          // Nothing more is waiting: write what was collected (the read stays in flight).
          write(controller, state.flush());
          if (!state.done) return;
          void drain(reader);
          return close(controller, []);
        }
        inflight = undefined;
        if (next.done) return close(controller, state.end());
        write(controller, state.push(next.value));
        if (state.done) {
          // The client has its answer; the rest (if any) is read so the producer ends normally.
          void drain(reader);
          return close(controller, []);
        }
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
