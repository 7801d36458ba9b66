import * as v from 'valibot';
import { isKeptObject } from './kept-object.ts';

/**
 * What the translators' fast body checks share: the walk over a body's top-level fields and the
 * value checks each of them needs. A fast check answers `true` only for a body its valibot schema
 * would accept unchanged; the schema decides everything else and words the errors.
 */

/**
 * `body` as `schema` types it: the body itself when the fast check `isPlain` knows the schema
 * would accept it unchanged, else the schema's output; when the schema refuses it, `refuse`
 * words the error in the client's dialect and it is thrown.
 */
export function plainOrParsed<S extends v.GenericSchema>(
  body: Record<string, unknown>, isPlain: (body: Record<string, unknown>) => boolean, schema: S,
  refuse: (issues: [v.InferIssue<S>, ...v.InferIssue<S>[]]) => Error, config?: v.Config<v.InferIssue<S>>,
): v.InferOutput<S> {
  if (isPlain(body)) return body as v.InferOutput<S>;
  const parsed = v.safeParse(schema, body, config);
  if (!parsed.success) throw refuse(parsed.issues);
  return parsed.output;
}

/** A check of one value. */
export type ValueCheck = (x: unknown) => boolean;

/**
 * Checks by field name, made with `lookupTable`: a body's name that is no field (`constructor`,
 * `toString`) finds no check rather than one of Object.prototype's functions.
 */
export type FieldChecks = Readonly<Record<string, ValueCheck | undefined>>;

/**
 * True when `body` is an object a loose valibot schema keeps as it is (`isKeptObject`), each of
 * its fields that has a check in `fields` passes it (other names pass, as a loose object lets
 * them), and every name in `required` is there.
 */
export function hasPlainFields(body: unknown, fields: FieldChecks, required: readonly string[]): boolean {
  if (!isKeptObject(body)) return false;
  for (const key in body) {
    const check = fields[key];
    if (check !== undefined && !check(body[key])) return false;
  }
  for (const key of required) if (body[key] === undefined) return false;
  return true;
}

export const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
export const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** `check`, or null or absent (valibot's `nullish`). */
export function nullish(check: ValueCheck): ValueCheck {
  return (x) => x == null || check(x);
}

/** A string among `values` (valibot's `picklist`). */
export function oneOf(...values: string[]): ValueCheck {
  const set = new Set(values);
  return (x) => typeof x === 'string' && set.has(x);
}
