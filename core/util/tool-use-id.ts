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
