import type { Attempt } from '../../../core/plugin/types.ts';
import { refusal } from '../../../core/util/refused-fields.ts';
import { ProviderMemo } from '../../../core/util/provider-memo.ts';

type Json = Record<string, unknown>;

/**
 * A stored reasoning item the client replays without the item the API made after it, or with that
 * item rebuilt without its id (Continue, agent frameworks that keep the text and drop the ids):
 * "Item 'rs_…' of type 'reasoning' was provided without its required following item." The history
 * replays it, so every later turn failed.
 */
const ORPHAN = /Item '([^']+)' of type 'reasoning' was provided without its required following item/g;

/** Reasoning items each model's upstream refused so: left out of later requests at once (at most `MAX_IDS` per model). */
const orphans = new ProviderMemo<Set<string>>();
const MAX_IDS = 512;

function isReasoning(item: unknown, ids: ReadonlySet<string>): boolean {
  return typeof item === 'object' && item !== null && (item as Json).type === 'reasoning' && ids.has(String((item as Json).id));
}

function without(body: Json, ids: ReadonlySet<string>): Json {
  const input = body.input;
  if (!Array.isArray(input) || !input.some((i) => isReasoning(i, ids))) return body;
  return { ...body, input: input.filter((i) => !isReasoning(i, ids)) };
}

/**
 * The body without the reasoning items the upstream's 400 names as missing their following item,
 * remembered for the model (its later requests go without them), or undefined. The model loses
 * that earlier reasoning; the conversation goes on.
 */
export function withoutOrphanReasoning(err: unknown, body: Json, attempt: Attempt): Json | undefined {
  const message = refusal(err)?.message;
  if (message === undefined) return undefined;
  const ids = new Set([...message.matchAll(ORPHAN)].map((m) => m[1]!));
  if (ids.size === 0) return undefined;
  const out = without(body, ids);
  if (out === body) return undefined;
  let known = orphans.get(attempt.provider, attempt.target.model);
  if (!known || known.size >= MAX_IDS) orphans.set(attempt.provider, attempt.target.model, (known = new Set()));
  for (const id of ids) known.add(id);
  return out;
}

/** The body without the reasoning items its model's upstream refused as orphans before; the same body otherwise. */
export function withoutKnownOrphanReasoning(body: Json, attempt: Attempt): Json {
  const known = orphans.get(attempt.provider, attempt.target.model);
  return known ? without(body, known) : body;
}
