/**
 * A tool-call id as the Anthropic Messages API accepts it (`^[a-zA-Z0-9_-]+$`): other characters
 * become `_`. Deterministic, so a call and its result still pair after the mapping; ids made by
 * other providers (Moonshot's `functions.get_weather:0`, a Gemini client's `call_<name>_<n>`)
 * would otherwise be refused. Used toward Anthropic clients and Anthropic upstreams alike.
 */
export function toToolUseId(id: string): string {
  const clean = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return clean.length > 0 ? clean : 'toolu_';
}

/**
 * `id` when it has at most `max` characters, else `call_` and hex digits of its SHA-256 (32, or
 * fewer when `max` is shorter). Deterministic, so a call and the result that answers it get the
 * same id, on every turn; a hash rather than a cut, since long ids often share their start
 * (Codex's MCP calls: `codex_mcp__<server>__<tool>_exec-<uuid>`).
 */
export function fitToolCallId(id: string, max: number): string {
  if (id.length <= max) return id;
  return `call_${new Bun.CryptoHasher('sha256').update(id).digest('hex').slice(0, Math.min(32, max - 5))}`;
}
