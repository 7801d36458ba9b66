/**
 * True for an object that a valibot loose object or record keeps as it is: not an array (a
 * record turns one into an object), and without an own `__proto__`, `prototype` or
 * `constructor` (names valibot drops from its output; JSON.parse makes them own properties).
 * The translators' fast body checks use it to answer only for bodies the schema would not change.
 */
export function isKeptObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
    && !Object.hasOwn(x, '__proto__') && !Object.hasOwn(x, 'prototype') && !Object.hasOwn(x, 'constructor');
}
