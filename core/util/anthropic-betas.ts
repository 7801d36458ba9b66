/**
 * `anthropic-beta` flags an Anthropic-format upstream refuses. Vertex AI, Bedrock behind a proxy
 * and vendors' endpoints take the header, but refuse the whole request (400 "Unexpected value(s)
 * `x` for the `anthropic-beta` header") for any flag they have not enabled, and coding agents
 * send many (Claude Code: `prompt-caching-scope-…`, `effort-…`, `context-management-…`). The
 * refused flags are learnt from that answer, the request is sent once more without them, and
 * they are left out of later requests to the same provider.
 *
 * @see https://github.com/anthropics/claude-code/issues/21625
 */

/** Flags that describe the client's own Anthropic login, never meaningful with Google credentials. */
const CLIENT_LOGIN_FLAG = /^oauth-/;
/** Flags remembered per provider; a longer list is a misbehaving upstream, not a beta list. */
const MAX_REFUSED = 64;

/** The flags a 400 names as refused, or none. */
export function refusedBetasOf(message: string): string[] {
  const m = /Unexpected value\(s\) (.+?) for the `anthropic-beta` header/.exec(message);
  if (!m) return [];
  return [...m[1]!.matchAll(/`([^`]+)`/g)].map((x) => x[1]!);
}

/** The header value without refused flags (and client-login ones with `withLogin: false`); undefined when nothing is left. */
export function keptBetas(header: string | null | undefined, refused: ReadonlySet<string>, withLogin = false): string | undefined {
  const kept = (header ?? '').split(',').map((f) => f.trim()).filter((f) => f && !refused.has(f) && (withLogin || !CLIENT_LOGIN_FLAG.test(f)));
  return kept.length > 0 ? kept.join(',') : undefined;
}

/** Adds flags to a provider's refused set (bounded). */
export function rememberRefused(refused: Set<string>, flags: readonly string[]): void {
  for (const f of flags) if (refused.size < MAX_REFUSED) refused.add(f);
}
