/** The items as a stream that hands them out one per read (nothing queued ahead of the reader). */
export function streamOf<T>(items: readonly T[]): ReadableStream<T> {
  let i = 0;
  return new ReadableStream<T>({
    pull(ctl) {
      if (i < items.length) ctl.enqueue(items[i++]!);
      else ctl.close();
    },
  }, { highWaterMark: 0 });
}
