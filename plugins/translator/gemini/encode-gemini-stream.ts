import { toGatewayError, type GatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamEncoder } from '../../../core/plugin/types.ts';
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
  const enc = new GeminiTextEncoder(opts);
  const reader = parts.getReader();
  let inflight: Promise<ReadResult> | undefined;
  const write = (controller: ReadableStreamDefaultController<Uint8Array>, text: string): void => {
    if (text.length > 0) controller.enqueue(encoder.encode(text));
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const read = inflight ?? reader.read();
        inflight = read;
        let next: ReadResult | typeof TICK;
        try {
          next = enc.hasPending ? await Promise.race([read, tick()]) : await read;
        } catch (e) {
          write(controller, enc.fail(toGatewayError(e)));
          return controller.close();
        }
        if (next === TICK) {
          // Nothing more is waiting: write what was collected (the read stays in flight).
          write(controller, enc.flush());
          if (!enc.closed) return;
          void drain(reader);
          return controller.close();
        }
        inflight = undefined;
        if (next.done) {
          write(controller, enc.end());
          return controller.close();
        }
        write(controller, enc.push(next.value));
        if (enc.closed) {
          // The client has its answer; the rest (if any) is read so the producer ends normally.
          void drain(reader);
          return controller.close();
        }
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/**
 * The text of `streamGenerateContent`, part by part (`Translator.createStreamEncoder`): the
 * frames of GeminiStreamEncoder as `data: {chunk}\r\n\r\n` (SSE, CRLF-framed as Google sends
 * it) or as one JSON array written piece by piece, closed with the terminal frame. Parts are
 * collected by `push` and leave with `flush` once nothing more is waiting.
 */
export class GeminiTextEncoder implements StreamEncoder {
  private readonly state: GeminiStreamEncoder;
  private count = 0;
  private ended = false;

  constructor(private readonly opts: GeminiStreamOptions) {
    this.state = new GeminiStreamEncoder({ id: opts.id, model: opts.model });
  }

  get closed(): boolean {
    return this.state.done;
  }

  get hasPending(): boolean {
    return this.state.hasPending;
  }

  push(part: StreamPart): string {
    return this.text(this.state.push(part));
  }

  flush(): string {
    return this.text(this.state.flush());
  }

  end(): string {
    return this.text(this.state.end());
  }

  fail(err: GatewayError): string {
    return this.text(this.state.fail(err));
  }

  private text(frames: GeminiFrame[]): string {
    let out = '';
    for (const f of frames) {
      const json = JSON.stringify(f);
      out += this.opts.sse ? `data: ${json}\r\n\r\n` : `${this.count === 0 ? '[' : '\n,'}${json}`;
      this.count++;
    }
    if (this.state.done && !this.opts.sse && !this.ended) {
      this.ended = true;
      out += this.count === 0 ? '[]' : '\n]';
    }
    return out;
  }
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
