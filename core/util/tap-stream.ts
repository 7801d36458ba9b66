/** What `tapStream` tells its observer. */
export interface StreamTap<T> {
  /** Each value, before it is passed on. */
  value(v: T): void;
  /** The source ended. */
  done?(): void;
  /** The source failed to read (the error is passed on to the consumer). */
  error?(err: unknown): void;
  /** The consumer cancelled. */
  cancel?(reason: unknown): void;
}

/**
 * Passes `src` on unchanged, one value per pull, and tells `tap` about every value and how the
 * stream ended: the recorders that keep a copy of what reaches the client (response cache,
 * idempotency replay) are this one stream layer.
 */
export function tapStream<T>(src: ReadableStream<T> | ReadableStreamDefaultReader<T>, tap: StreamTap<T>): ReadableStream<T> {
  const reader = src instanceof ReadableStream ? src.getReader() : src;
  return new ReadableStream<T>({
    async pull(ctl) {
      let r: Awaited<ReturnType<typeof reader.read>>;
      try {
        r = await reader.read();
      } catch (err) {
        tap.error?.(err);
        throw err;
      }
      if (r.done) {
        tap.done?.();
        ctl.close();
        return;
      }
      tap.value(r.value);
      ctl.enqueue(r.value);
    },
    cancel(reason) {
      tap.cancel?.(reason);
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
