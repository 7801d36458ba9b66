import * as v from 'valibot';

/**
 * Keys the config loader drops from every map (valibot's records skip them so that parsed
 * config can never reach the prototype chain): a provider, combo or alias with such a name is
 * silently not served, so the admin API refuses to write one.
 */
const DROPPED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Valibot check: the name is not one of the keys the config loader drops. */
export const servableName = v.check<string, string>((s) => !DROPPED_KEYS.has(s), 'it cannot be "__proto__", "constructor" or "prototype" (the config cannot hold such a key)');
