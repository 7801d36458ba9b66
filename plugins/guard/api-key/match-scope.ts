const cache = new Map<string, RegExp>();

/** A glob as a RegExp: `*` any run of characters (also `/`), `?` one character, the rest literal. */
function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`);
    if (cache.size > 1000) cache.clear();
    cache.set(glob, re);
  }
  return re;
}

/**
 * Whether a key's scopes allow a requested model name. Scopes are globs over the name the
 * client sent: `groq/*` (a provider), `openai/gpt-4o*`, `fast` (an alias or combo), `*`.
 * A scope starting with `!` denies and wins over any allow. No scopes (or only denials) allow
 * everything not denied. Names are compared as written (case-sensitive, like routing).
 */
export function scopeAllows(scopes: readonly string[] | undefined, model: string): boolean {
  if (!scopes || scopes.length === 0) return true;
  let allowed = false;
  let anyAllow = false;
  for (const raw of scopes) {
    const s = raw.trim();
    if (s.startsWith('!')) {
      if (globToRegExp(s.slice(1)).test(model)) return false;
      continue;
    }
    if (s === '') continue;
    anyAllow = true;
    if (!allowed && globToRegExp(s).test(model)) allowed = true;
  }
  return allowed || !anyAllow;
}
