/** The closest stored vector to a query. */
export interface VectorMatch {
  id: string;
  similarity: number;
}

/** One bucket: unit vectors of equal length, packed row after row. */
interface Bucket {
  dims: number;
  ids: string[];
  rows: Float32Array;
}

/** Scales a vector to length 1 (cosine similarity becomes a dot product). Zero stays zero. */
export function normalize(vec: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(vec);
  let sum = 0;
  for (let i = 0; i < out.length; i++) sum += out[i] * out[i];
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

/**
 * Brute-force cosine search over unit vectors kept in one contiguous Float32Array per bucket.
 * A bucket holds the entries that may match each other at all (same scope, model and rest of the
 * conversation), so a scan is usually tiny; even one bucket of 10k × 256-dim vectors scans in a
 * few milliseconds (see `vector-search.bench.ts`), which is why no vector extension is needed.
 * Vectors whose length differs from the bucket's (another embeddings model) are refused.
 */
export class VectorIndex {
  private readonly buckets = new Map<string, Bucket>();
  private readonly where = new Map<string, string>();

  get size(): number {
    return this.where.size;
  }

  has(id: string): boolean {
    return this.where.has(id);
  }

  /** Adds (or replaces) `id`'s vector in `bucket`. The vector must already be unit length. */
  add(bucket: string, id: string, unit: Float32Array): boolean {
    this.remove(id);
    if (unit.length === 0) return false;
    let b = this.buckets.get(bucket);
    if (!b) {
      b = { dims: unit.length, ids: [], rows: new Float32Array(unit.length * 8) };
      this.buckets.set(bucket, b);
    }
    if (unit.length !== b.dims) return false;
    const n = b.ids.length;
    if ((n + 1) * b.dims > b.rows.length) {
      const grown = new Float32Array(b.rows.length * 2);
      grown.set(b.rows);
      b.rows = grown;
    }
    b.rows.set(unit, n * b.dims);
    b.ids.push(id);
    this.where.set(id, bucket);
    return true;
  }

  /** Removes `id`'s vector (swap with the last row: O(dims)). */
  remove(id: string): void {
    const bucket = this.where.get(id);
    if (bucket === undefined) return;
    this.where.delete(id);
    const b = this.buckets.get(bucket)!;
    const i = b.ids.indexOf(id);
    const last = b.ids.length - 1;
    if (i !== last) {
      b.rows.copyWithin(i * b.dims, last * b.dims, (last + 1) * b.dims);
      b.ids[i] = b.ids[last];
    }
    b.ids.pop();
    if (b.ids.length === 0) this.buckets.delete(bucket);
  }

  /**
   * The most similar vector in `bucket` at or above `threshold`, skipping ids `accept` refuses
   * (expired entries). Undefined when none qualifies.
   */
  nearest(bucket: string, unit: Float32Array, threshold: number, accept: (id: string) => boolean = () => true): VectorMatch | undefined {
    const b = this.buckets.get(bucket);
    if (!b || unit.length !== b.dims) return undefined;
    const { dims, rows, ids } = b;
    let best: VectorMatch | undefined;
    const tail = dims & ~3;
    for (let r = 0; r < ids.length; r++) {
      // Four accumulators: the loop is memory-bound, this lets the JIT overlap the loads.
      let d0 = 0, d1 = 0, d2 = 0, d3 = 0;
      const off = r * dims;
      let i = 0;
      for (; i < tail; i += 4) {
        d0 += rows[off + i] * unit[i];
        d1 += rows[off + i + 1] * unit[i + 1];
        d2 += rows[off + i + 2] * unit[i + 2];
        d3 += rows[off + i + 3] * unit[i + 3];
      }
      for (; i < dims; i++) d0 += rows[off + i] * unit[i];
      const dot = d0 + d1 + d2 + d3;
      if (dot >= threshold && (!best || dot > best.similarity) && accept(ids[r])) best = { id: ids[r], similarity: dot };
    }
    return best;
  }
}
