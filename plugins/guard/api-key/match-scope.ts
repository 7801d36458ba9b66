import { modelGlobRegExp } from '../../../core/util/model-glob.ts';

const cache = new Map<string, RegExp>();

/** A scope glob as a RegExp, with the routing's rules (`*`, `?`, case-insensitive). */
function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    re = modelGlobRegExp(glob);
    if (cache.size > 1000) cache.clear();
    cache.set(glob, re);
  }
  return re;
}

/**
 * Whether a key's scopes allow a requested model name. Scopes are globs over the name the
 * client sent: `groq/*` (a provider), `openai/gpt-4o*`, `fast` (an alias or combo), `*`.
 * A scope starting with `!` denies and wins over any allow. No scopes (or only denials) allow
 * everything not denied. Names are compared case-insensitively, as glob aliases route them:
 * `Claude-opus` must not get past `!claude-*` to the same target.
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
