/** JSON with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same body. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v) ?? '';
}

/**
 * The identity of an idempotent request: client key, the client's `Idempotency-Key`, method and
 * path (a Chat body sent to the Messages route is another request) and the body. Hashed, so the
 * store never holds the key value or the prompt.
 */
export function requestFingerprint(keyId: string, idempotencyKey: string, method: string, path: string, body: unknown): string {
  return new Bun.CryptoHasher('sha256')
    .update(keyId).update('\n')
    .update(idempotencyKey).update('\n')
    .update(`${method} ${path}`).update('\n')
    .update(stableJson(body ?? null))
    .digest('hex');
}
