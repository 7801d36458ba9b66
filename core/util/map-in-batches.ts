/**
 * Splits `items` into consecutive batches of at most `size` and runs `fn` on each, at most
 * `concurrency` at a time; resolves with the results in batch order. The first rejection
 * rejects the whole (batches not yet started are not started).
 *
 * For upstream APIs that cap how many inputs one call may carry (Gemini's batchEmbedContents,
 * Cohere's embed): the caller joins the per-batch results in order.
 */
export async function mapInBatches<T, R>(
  items: readonly T[], size: number, concurrency: number, fn: (batch: T[], index: number) => Promise<R>,
): Promise<R[]> {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  const out = new Array<R>(batches.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < batches.length) {
      const i = next++;
      try {
        out[i] = await fn(batches[i]!, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, batches.length)) }, worker));
  return out;
}
