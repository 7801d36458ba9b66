/**
 * `entries` as a read-only lookup table with no prototype. Tables are indexed with strings a
 * client or an upstream sent (a media type, an effort, a coding, an error type); in a plain
 * object literal, `constructor`, `toString` or `__proto__` would find `Object`'s own members, a
 * function where a value was expected. Here they find nothing.
 */
export function lookupTable<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}
