/**
 * Model-name globs (`groq/*`, `*claude*`, `gpt-4?`), as the config writes them: `*` matches any
 * run of characters (slashes included), `?` one character; case-insensitive.
 */
export function isModelGlob(text: string): boolean {
  return text.includes('*') || text.includes('?');
}

/** One glob as an anchored regular expression. */
export function modelGlobRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
}

/** Globs compiled into one test; an empty list matches nothing. */
export function compileModelGlobs(globs: readonly string[]): (model: string) => boolean {
  const res = globs.map(modelGlobRegExp);
  return (model) => res.some((re) => re.test(model));
}
