/**
 * Reads `stream` whole, counting as it goes: resolves with its bytes, or with `null` as soon as
 * more than `max` arrived, after cancelling the stream, so an endless or oversized body is never
 * held in memory. The caller owns the error (each reader names its own limit and status), and any
 * check of a declared Content-Length before reading. A read failure rejects as the stream did.
 * One chunk is returned as it is, more are joined once at the end: nothing is copied per chunk.
 */
export async function readCappedBytes(stream: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array | null> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    total += r.value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    parts.push(r.value);
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
}
