/**
 * Upstream response headers a passthrough reply relays, by prefix: the rate-limit and usage
 * figures clients show or pace by (`x-ratelimit-*` of OpenAI-style APIs, Anthropic's
 * `anthropic-ratelimit-*`, the ChatGPT plan's `x-codex-*` windows and credits Codex displays).
 * Nothing else of the upstream's head: no cookies, credentials, hop-by-hop or framing headers,
 * organization or project ids, nor its request id (the client gets the gateway's).
 */
const RELAYED_PREFIXES = ['x-ratelimit-', 'anthropic-ratelimit-', 'x-codex-'] as const;

/**
 * Adds the upstream's relayed headers (`RELAYED_PREFIXES`) to `base`, a passthrough reply's
 * headers; `headersWith` then lays the gateway's own over them, so a plugin's header (the
 * rate-limit plugin's `x-ratelimit-*`) wins over the upstream's of the same name. A value that
 * quotes a secret (`redact` changes it) is not relayed.
 */
export function relayHeaders(upstream: Headers, base: Record<string, string>, redact: (text: string) => string): Record<string, string> {
  for (const [name, value] of upstream) {
    const c = name.charCodeAt(0);
    if (c !== 120 /* x */ && c !== 97 /* a */) continue;
    for (const prefix of RELAYED_PREFIXES) {
      if (name.startsWith(prefix)) {
        if (redact(value) === value) base[name] = value;
        break;
      }
    }
  }
  return base;
}
