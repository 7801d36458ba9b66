/**
 * `next`, with every part equal to the same part of `prev` replaced by `prev`'s own object. A
 * refresh that brings back what the page already shows then keeps object identity, so Solid's
 * `<For>` keeps the rows it rendered (their keyboard focus, open details, typed input) instead
 * of building them again. Objects are compared key by key; array items by content, wherever
 * they moved (a new row on top of a page leaves the other rows' objects as they were).
 * Works on JSON data (what the admin API answers).
 */
export function keepUnchanged<T>(prev: unknown, next: T): T {
  if (prev === next || !isObject(prev) || !isObject(next) || Array.isArray(prev) !== Array.isArray(next)) return next;
  if (Array.isArray(next)) return sameItems(prev as unknown[], next) as T;
  const before = prev as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let same = Object.keys(before).length === Object.keys(next).length;
  for (const [k, v] of Object.entries(next)) {
    out[k] = keepUnchanged(before[k], v);
    if (out[k] !== before[k] || !(k in before)) same = false;
  }
  return (same ? prev : out) as T;
}

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}

/** Items of `next` that equal an item of `prev` become that item (each old item used once). */
function sameItems(prev: unknown[], next: unknown[]): unknown[] {
  const old = new Map<string, unknown[]>();
  for (const item of prev) {
    const text = JSON.stringify(item);
    old.set(text, [...(old.get(text) ?? []), item]);
  }
  const out = next.map((item) => old.get(JSON.stringify(item))?.shift() ?? item);
  return out.length === prev.length && out.every((x, i) => x === prev[i]) ? prev : out;
}
