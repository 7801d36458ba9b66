import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamEncoder } from '../../../core/plugin/types.ts';
import { encodeParts } from '../../../core/pipeline/encoded-body.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { GeminiStreamEncoder, type GeminiFrame } from './gemini-stream-encoder.ts';

export interface GeminiStreamOptions {
  /** `?alt=sse`: Server-Sent Events; otherwise the JSON array stream. */
  sse: boolean;
  /** responseId / modelVersion used until (or unless) a `start` part names them. */
  id: string;
  model: string;
  /** A `text/x.enum` request: the answer text is held and sent bare (see `unwrapEnumAnswer`). */
  enumAnswer?: boolean;
}

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
  return encodeParts(parts, new GeminiTextEncoder(opts));
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
    this.state = new GeminiStreamEncoder({ id: opts.id, model: opts.model }, { enumAnswer: opts.enumAnswer });
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
