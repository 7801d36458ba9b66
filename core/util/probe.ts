// TEMPORARY instrumentation (not committed).
const sums = new Map<string, number>(); const counts = new Map<string, number>();
let last = 0;
export function mark(name: string, reset = false) {
  const now = performance.now();
  if (!reset) { sums.set(name, (sums.get(name) ?? 0) + (now - last)); counts.set(name, (counts.get(name) ?? 0) + 1); }
  last = now;
}
process.on('SIGTERM', () => { for (const [k, v] of sums) console.error('PROBE', k, ((v / counts.get(k)!) * 1000).toFixed(1), 'us', counts.get(k)); process.exit(0); });
