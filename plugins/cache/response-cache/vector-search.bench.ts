/**
 * Measures the semantic tier's vector search: brute force over one VectorIndex bucket (the worst
 * case: every entry of a key and model in one bucket) for N entries × D dims, and reports
 * whether the `sqlite-vec` extension is available to compare with.
 *
 *   bun plugins/cache/response-cache/vector-search.bench.ts [--dims 256,1536] [--sizes 1000,10000]
 */
import { normalize, VectorIndex } from './vector-index.ts';

function arg(name: string, fallback: number[]): number[] {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1].split(',').map(Number) : fallback;
}

function randomUnit(dims: number): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = Math.random() * 2 - 1;
  return normalize(v);
}

function p50(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

for (const dims of arg('dims', [256, 1536])) {
  for (const n of arg('sizes', [1000, 10_000])) {
    const ix = new VectorIndex();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) ix.add('bucket', `e${i}`, randomUnit(dims));
    const buildMs = performance.now() - t0;
    const times: number[] = [];
    for (let q = 0; q < 30; q++) {
      const query = randomUnit(dims);
      const s = performance.now();
      ix.nearest('bucket', query, 0.95);
      times.push(performance.now() - s);
    }
    console.log(`brute force  ${String(n).padStart(6)} × ${String(dims).padStart(4)} dims: p50 ${p50(times).toFixed(3)} ms/query (build ${buildMs.toFixed(0)} ms, ${(n * dims * 4 / 1024 / 1024).toFixed(1)} MiB)`);
  }
}

try {
  // Optional: only when the package happens to be installed (it is not a dependency).
  const spec = 'sqlite-vec';
  await import(spec);
  console.log('sqlite-vec: installed (compare with its vec0 KNN query)');
} catch {
  console.log('sqlite-vec: not installed (not a dependency of Switchyard; its npm package ships a native extension)');
}
