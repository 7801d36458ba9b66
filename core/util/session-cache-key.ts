/**
 * A prompt cache key for a session identity, stable and not revealing it: `sy-` and 32 hex
 * digits of its SHA-256. OpenAI (and the ChatGPT backend) route requests that share a key and a
 * prefix to the machine holding their cache; clients that send no `prompt_cache_key` of their own
 * often name their session another way (Claude Code's per-session `metadata.user_id`, which
 * reaches the hub as `user`).
 *
 * @see https://platform.openai.com/docs/guides/prompt-caching
 */
export function sessionCacheKey(session: string): string {
  return `sy-${new Bun.CryptoHasher('sha256').update(session).digest('hex').slice(0, 32)}`;
}
