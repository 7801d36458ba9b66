import type { CallResult, StreamParser } from '../plugin/types.ts';
import type { ChatResult, StreamPart } from '../types/hub.ts';
import { tapStream } from './tap-stream.ts';
import { assembleChatResult } from './assemble-chat-result.ts';

/**
 * Records one attempt's reply on its way to the client, in normalized form whatever the lane:
 * - a complete result is copied;
 * - a normalized stream is read through a pass-through wrapper (no tee: the client's pace rules);
 * - the passthrough lane's bytes are not kept: its side parser already turns them into parts
 *   (a non-streamed body at once, a stream chunk by chunk), so the parser is wrapped instead.
 * Keeping the normalized result (not the bytes) lets a hit be replayed in any client dialect,
 * streamed or not, and costs one small JSON per entry. Recording stops (and nothing is kept)
 * once the reply passes `maxBytes`.
 */
export class ReplyCapture {
  private readonly parts: StreamPart[] = [];
  private result: ChatResult | undefined;
  private size = 0;
  private failed = false;

  constructor(private readonly maxBytes: number) {}

  /** The complete reply, or undefined when it broke, was cut short or was too large. */
  reply(): ChatResult | undefined {
    if (this.failed) return undefined;
    return this.result ?? assembleChatResult(this.parts);
  }

  /** Wraps the result so what reaches the client is recorded on the way. */
  wrap(res: CallResult): CallResult {
    if (res.type === 'result') {
      this.keepResult(res.result);
      return res;
    }
    if (res.type === 'stream') return { type: 'stream', parts: this.recordStream(res.parts) };
    this.add(res.parts);
    if (!res.reader) return res;
    return { ...res, parser: tapParser(res.parser, (parts) => this.add(parts)) };
  }

  private keepResult(value: unknown): void {
    try {
      const text = JSON.stringify(value);
      if (text === undefined || text.length > this.maxBytes) this.failed = true;
      else this.result = JSON.parse(text) as ChatResult;
    } catch {
      this.failed = true;
    }
  }

  private add(parts: StreamPart[]): StreamPart[] {
    if (this.failed) return parts;
    for (const p of parts) {
      if (p.type === 'error') this.failed = true;
      this.size += partSize(p);
      this.parts.push(p);
    }
    if (this.size > this.maxBytes) {
      this.failed = true;
      this.parts.length = 0;
    }
    return parts;
  }

  private recordStream(src: ReadableStream<StreamPart>): ReadableStream<StreamPart> {
    const fail = () => void (this.failed = true);
    return tapStream(src, { value: (p) => this.add([p]), error: fail, cancel: fail });
  }
}

/** About how many bytes a stream part holds in memory (a budget, not an exact count). */
export function partSize(p: StreamPart): number {
  switch (p.type) {
    case 'text-delta':
    case 'reasoning-delta':
      return p.text.length + 16;
    case 'tool-call-delta':
      return p.argumentsDelta.length + 16;
    case 'reasoning-end':
      return (p.signature?.length ?? 0) + (p.redacted?.length ?? 0) + 16;
    case 'finish':
      // A Responses upstream's own output items ride here (a second copy of the reply).
      return p.providerMetadata ? 64 + JSON.stringify(p.providerMetadata).length : 64;
    default:
      return 64;
  }
}

/** A parser that hands every batch of parts to `seen` on its way out; the rest of `inner` shows through. */
export function tapParser(inner: StreamParser, seen: (parts: StreamPart[]) => StreamPart[]): StreamParser {
  return {
    push: (chunk) => seen(inner.push(chunk)),
    end: () => seen(inner.end()),
    get nextSequence() {
      return inner.nextSequence;
    },
    get eventsBeforeError() {
      return inner.eventsBeforeError;
    },
    get bytesBeforeError() {
      return inner.bytesBeforeError;
    },
    get opaqueOutput() {
      return inner.opaqueOutput;
    },
    ...(inner.amend ? { amend: (chunk: Uint8Array) => inner.amend!(chunk) } : {}),
  };
}
