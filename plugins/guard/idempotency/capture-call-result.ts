import type { ByteFilter, CallResult } from '../../../core/plugin/types.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { partSize, tapParser } from '../../../core/util/reply-capture.ts';
import { tapStream } from '../../../core/util/tap-stream.ts';

/** A reply kept for replay. */
export type StoredReply =
  | { kind: 'result'; result: unknown }
  | { kind: 'parts'; parts: StreamPart[] }
  | { kind: 'bytes'; status: number; headers: Array<[string, string]>; chunks: Uint8Array[]; parts: StreamPart[]; streamed: boolean; createFilter?: () => ByteFilter };

/**
 * Records a reply while it reaches the client. `reply()` answers the stored form once the reply
 * ended well (complete result, stream that ended or finished, no error part) and stayed under
 * the size cap; otherwise undefined, and duplicates make their own upstream call.
 */
export class ReplyCapture {
  private parts: StreamPart[] = [];
  private chunks: Uint8Array[] = [];
  private size = 0;
  private done = false;
  private finished = false;
  private failed = false;
  private result: { value: unknown } | undefined;
  private bytes: { status: number; headers: Array<[string, string]>; streamed: boolean; createFilter?: () => ByteFilter } | undefined;

  constructor(private readonly maxBytes: number) {}

  reply(): StoredReply | undefined {
    if (this.failed || this.size > this.maxBytes) return undefined;
    if (this.result) return { kind: 'result', result: this.result.value };
    if (this.bytes) return this.done ? { kind: 'bytes', ...this.bytes, chunks: this.chunks, parts: this.parts } : undefined;
    return this.done || this.finished ? { kind: 'parts', parts: this.parts } : undefined;
  }

  /** Wraps one attempt's result so everything the client gets is recorded on the way. */
  wrap(res: CallResult): CallResult {
    if (res.type === 'result') {
      try {
        this.result = { value: structuredClone(res.result) };
        this.size += JSON.stringify(res.result)?.length ?? 0;
      } catch {
        this.failed = true;
      }
      return res;
    }
    if (res.type === 'stream') return { type: 'stream', parts: this.recordParts(res.parts) };
    this.bytes = { status: res.status, headers: [...res.headers], streamed: Boolean(res.reader), createFilter: res.createFilter };
    for (const c of res.prelude) this.addChunk(c);
    this.addParts(res.parts);
    if (!res.reader) {
      this.done = true;
      return res;
    }
    const parser = tapParser(res.parser, (parts) => this.addParts(parts));
    return { ...res, parser, reader: this.recordBytes(res.reader).getReader() };
  }

  private addParts(parts: StreamPart[]): StreamPart[] {
    for (const p of parts) {
      if (p.type === 'error') this.failed = true;
      else if (p.type === 'finish') this.finished = true;
      if (!this.bytes) this.size += partSize(p);
      if (this.size <= this.maxBytes) this.parts.push(p);
    }
    return parts;
  }

  private addChunk(c: Uint8Array): void {
    this.size += c.byteLength;
    if (this.size <= this.maxBytes) this.chunks.push(c.slice());
  }

  private recordParts(src: ReadableStream<StreamPart>): ReadableStream<StreamPart> {
    return tapStream(src, {
      value: (p) => this.addParts([p]),
      done: () => void (this.done = true),
      error: () => void (this.failed = true),
      cancel: () => {
        if (!this.done && !this.finished) this.failed = true;
      },
    });
  }

  private recordBytes(reader: ReadableStreamDefaultReader<Uint8Array>): ReadableStream<Uint8Array> {
    return tapStream(reader, {
      value: (c) => this.addChunk(c),
      done: () => void (this.done = true),
      error: () => void (this.failed = true),
      cancel: () => void (this.failed = true),
    });
  }
}
