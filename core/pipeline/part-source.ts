import type { StreamPart } from '../types/hub.ts';

/** What a default reader's `read()` resolves to. */
export type ReadResult<T> = Awaited<ReturnType<ReadableStreamDefaultReader<T>['read']>>;

/** A pull source of parts: a stream's reader, or the inside of a committed replay stream. */
export interface PartSource {
  read(): Promise<ReadResult<StreamPart>>;
  cancel(reason?: unknown): Promise<void>;
}

/** The parts read before the commit point, how many were replayed, and the reader for the rest. */
export interface CommittedParts {
  buffered: StreamPart[];
  next: number;
  reader: ReadableStreamDefaultReader<StreamPart>;
}

const INSIDE = Symbol('switchyard.committed-parts');

/**
 * Marks a replay stream made by `awaitPartsCommit` with its state, so the pipeline's own
 * consumer can read the buffered parts and the upstream reader directly: one stream layer fewer.
 */
export function markCommitted(stream: ReadableStream<StreamPart>, state: CommittedParts): ReadableStream<StreamPart> {
  (stream as ReadableStream<StreamPart> & { [INSIDE]?: CommittedParts })[INSIDE] = state;
  return stream;
}

/**
 * A source over `stream`. A committed replay stream nobody holds a reader of (a `wrapCall` hook
 * may have replaced or tee'd it; then it is read as any stream) is read from the inside,
 * sharing the replay position with it; it is locked first, so nothing else can read it.
 */
export function partSource(stream: ReadableStream<StreamPart>): PartSource {
  const inside = (stream as ReadableStream<StreamPart> & { [INSIDE]?: CommittedParts })[INSIDE];
  if (inside && !stream.locked) {
    stream.getReader();
    return {
      read: () => (inside.next < inside.buffered.length
        ? Promise.resolve({ done: false, value: inside.buffered[inside.next++]! })
        : inside.reader.read()),
      cancel: (reason) => inside.reader.cancel(reason),
    };
  }
  const reader = stream.getReader();
  return { read: () => reader.read(), cancel: (reason) => reader.cancel(reason) };
}
