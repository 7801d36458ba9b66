/**
 * Whether a combo target (`provider/model`, or a glob such as `groq/*` or `up/gpt-4?`) covers
 * `served`, the `provider/upstream-model` a recent request went to. A plain target matches
 * exactly (`up/gpt-4o` does not cover `up/gpt-4o-mini`); a glob as the router reads it: `*` any
 * run of characters, `?` one, case-insensitive.
 */
export function servedBy(target: string, served: string): boolean {
  if (!target.includes('*') && !target.includes('?')) return served === target;
  const re = target.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(served);
}
