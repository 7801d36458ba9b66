/**
 * Compiles model-name globs (`groq/*`, `*claude*`, `gpt-4?`) into one test: `*` matches any
 * run of characters (slashes included), `?` one character; case-insensitive. An empty list
 * matches nothing.
 */
export function compileModelGlobs(globs: readonly string[]): (model: string) => boolean {
  const res = globs.map((g) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i'));
  return (model) => res.some((re) => re.test(model));
}
