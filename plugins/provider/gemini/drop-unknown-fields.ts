import { refusal } from '../../../core/util/refused-fields.ts';
import type { Attempt } from '../../../core/plugin/types.ts';
import { ProviderMemo } from '../../../core/util/provider-memo.ts';

type Json = Record<string, unknown>;

/**
 * A field a Google endpoint does not know, at a place of the body: `at` is the place's keys with
 * every list index as `*` (`contents.*.parts.*.functionResponse`: every function response of the
 * history), `name` the field.
 */
export interface UnknownField {
  at: readonly string[];
  name: string;
}

/**
 * Google's words for a field its endpoint does not define: "Invalid JSON payload received. Unknown
 * name \"id\" at 'contents[7].parts[0].function_response': Cannot find field." (Vertex AI refuses
 * the ids Gemini CLI and the Gemini API put on function calls and their responses, which every
 * later turn replays), "Unknown name \"user_prompt_id\": Cannot find field." (a field of
 * another Google endpoint, at the top). Several lines name several fields.
 */
const UNKNOWN = /Unknown name \\?"([A-Za-z_][\w]*)\\?"(?: at '([^']*)')?: Cannot find field/g;

/** What a request, a content, a part or a call cannot go without, whatever a refusal says. */
const ESSENTIAL = new Set(['contents', 'parts', 'role', 'text', 'name', 'args', 'response', 'inlineData', 'fileData', 'mimeType', 'data', 'fileUri']);

/** snake_case (how Google's errors name fields) → camelCase (how clients and the gateway write them). */
function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The place as keys and `*`: `contents[7].parts[0].function_response` → contents, *, parts, *, functionResponse. */
function placeOf(path: string): string[] {
  const out: string[] = [];
  for (const segment of path.split('.')) {
    const m = /^([A-Za-z_]\w*)((?:\[\d+\])*)$/.exec(segment);
    if (!m) return [];
    out.push(camel(m[1]!));
    for (let i = (m[2]!.match(/\[/g) ?? []).length; i > 0; i--) out.push('*');
  }
  return out;
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The key of `o` spelled `key` in camelCase or in snake_case (Google takes both), or undefined. */
function keyIn(o: Json, key: string): string | undefined {
  if (Object.hasOwn(o, key)) return key;
  const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return snake !== key && Object.hasOwn(o, snake) ? snake : undefined;
}

/** `node` without the field at every place `at` (from `i`) matches; the same node when none has it. */
function without(node: unknown, at: readonly string[], i: number, name: string): unknown {
  if (i === at.length) {
    if (!isObj(node)) return node;
    const key = keyIn(node, name);
    if (key === undefined) return node;
    const { [key]: _unknown, ...rest } = node;
    return rest;
  }
  if (at[i] === '*') {
    if (!Array.isArray(node)) return node;
    let out: unknown[] | undefined;
    node.forEach((item, j) => {
      const next = without(item, at, i + 1, name);
      if (next !== item) (out ??= node.slice())[j] = next;
    });
    return out ?? node;
  }
  if (!isObj(node)) return node;
  const key = keyIn(node, at[i]!);
  if (key === undefined) return node;
  const next = without(node[key], at, i + 1, name);
  return next === node[key] ? node : { ...node, [key]: next };
}

/** The body without each field at its places; the same body when it has none of them. */
export function withoutUnknownFields<T extends Json>(body: T, fields: readonly UnknownField[]): T {
  let out: Json = body;
  for (const f of fields) out = without(out, f.at, 0, f.name) as Json;
  return out as T;
}

/**
 * The fields an upstream's 400 names as unknown that the body has and can go without: not in the
 * tools (a schema keyword Gemini does not take is asked for as JSON text instead:
 * `refusedToolProperties`) and not one of `ESSENTIAL`. Empty for any other error.
 */
export function refusedUnknownFields(err: unknown, body: Json): UnknownField[] {
  const message = refusal(err)?.message;
  if (message === undefined) return [];
  const out: UnknownField[] = [];
  for (const [, name, path] of message.matchAll(UNKNOWN)) {
    const at = path ? placeOf(path) : [];
    if ((path && at.length === 0) || at[0] === 'tools' || ESSENTIAL.has(name!)) continue;
    const field = { at, name: camel(name!) };
    if (out.some((f) => f.name === field.name && f.at.join('.') === field.at.join('.'))) continue;
    if (withoutUnknownFields(body, [field]) !== body) out.push(field);
  }
  return out;
}

/** Fields each model's upstream did not know: a client sends them on every turn, so later requests go without. */
const unknown = new ProviderMemo<readonly UnknownField[]>();

export function rememberUnknownFields(attempt: Attempt, fields: readonly UnknownField[]): void {
  const known = unknown.get(attempt.provider, attempt.target.model) ?? [];
  unknown.set(attempt.provider, attempt.target.model, [...known, ...fields]);
}

/** The body without the fields its model's upstream did not know before; the same body when there are none. */
export function withoutKnownUnknownFields<T extends Json>(body: T, attempt: Attempt): T {
  const known = unknown.get(attempt.provider, attempt.target.model);
  return known ? withoutUnknownFields(body, known) : body;
}
