import { isGatewayError } from '../errors/gateway-error.ts';

/**
 * Reading an upstream's refusal of a request (its words, and which field it refused), shared by
 * the adapters and utilities that repair such refusals.
 */

/** `reasoning_effort` → `reasoningEffort`: how some upstreams name a field in their errors. */
function camelCase(field: string): string {
  return field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The upstream's words and the field it names, when the error is its refusal of the request (a 400 or 422); else undefined. */
export function refusal(error: unknown): { message: string; param: string } | undefined {
  if (!isGatewayError(error)) return undefined;
  const up = error.upstream;
  if (!up || (up.status !== 400 && up.status !== 422)) return undefined;
  return { message: up.message ?? error.message, param: error.param ?? '' };
}

/**
 * Which of `fields` (top-level fields of the body that was sent) the upstream's error refuses:
 * a 400 or 422 from the upstream whose `param` is the field or whose message names it, in snake
 * or camel case ("Unrecognized request argument supplied: reasoning_effort", "Unsupported
 * parameter: 'reasoning_effort' is not supported with this model.", pydantic's "extra inputs are
 * not permitted" with the field's location, xAI's "Model grok-4-0709 does not support parameter
 * reasoningEffort."). Undefined for any other error.
 */
export function findRefusedField(error: unknown, body: Record<string, unknown>, fields: readonly string[]): string | undefined {
  const refused = refusal(error);
  if (!refused) return undefined;
  const { message, param } = refused;
  return fields.find((f) => f in body && (param === f || message.includes(f) || message.includes(camelCase(f))));
}

/** Words with which upstreams refuse a field they do not define. */
export const REFUSED = /unsupported|not permitted|unexpected|unknown parameter|unrecognized|not allowed|extra_forbidden|not supported|is immutable/i;

/**
 * Sampling parameters: hints a model may take only at its defaults. OpenAI's reasoning models
 * behind a proxy no preset knows refuse them ("Unsupported value: 'temperature' does not support
 * 0.2 with this model. Only the default (1) value is supported.", "Unsupported parameter:
 * 'top_p' is not supported with this model."), as do servers that do not define one, and Claude
 * Opus 4.7 and later wherever they are served ("temperature is deprecated for this model.").
 */
export const SAMPLING_FIELDS: readonly string[] = [
  'temperature', 'top_p', 'top_k', 'min_p', 'presence_penalty', 'frequency_penalty', 'repetition_penalty', 'logprobs', 'top_logprobs', 'logit_bias', 'seed',
];

/**
 * Claude 4.5 and later take one of the two ("`temperature` and `top_p` cannot both be
 * specified for this model. Please use only one.", from Anthropic and from Bedrock): `top_p`
 * goes, the more common knob stays.
 */
const NOT_BOTH = /temperature`? and `?top_p`? cannot both be specified/i;

/** The sampling parameter of the body the upstream's error (400 or 422) refuses as one it does not take, or undefined. */
export function refusedSamplingField(error: unknown, body: Record<string, unknown>): string | undefined {
  const message = refusal(error)?.message;
  if (message === undefined) return undefined;
  if (NOT_BOTH.test(message)) return body.top_p !== undefined ? 'top_p' : undefined;
  if (!REFUSED.test(message) && !/is deprecated for this model/i.test(message)) return undefined;
  return findRefusedField(error, body, SAMPLING_FIELDS);
}

/**
 * How upstreams name a request field they refuse: OpenAI's "Unsupported parameter: 'reasoning.effort'
 * is not supported with this model." and "Unknown parameter: 'prompt_cache_options'.", the ChatGPT
 * backend's "Unsupported parameter: prompt_cache_retention", relays' "Unsupported parameter(s):
 * prompt_cache_key", "prompt_cache_retention is not supported on this model", pydantic's
 * "prompt_cache_key: Extra inputs are not permitted".
 */
const NAMED_FIELD = [
  /(?:unsupported parameter(?:\(s\))?|unknown parameter|unrecognized request arguments? supplied|unrecognized (?:field|parameter))\s*:?\s*['"`]?([A-Za-z_][\w.]*)/i,
  /(?:^|[\s'"`])([A-Za-z_][\w.]*)['"`]? is not supported (?:on|with|for|by) this model/i,
  /(?:^|[\s'"`])([A-Za-z_][\w.]*): Extra inputs are not permitted/,
];

/** The value at a dotted path of plain objects, or undefined. */
function at(body: Record<string, unknown>, path: string): unknown {
  let v: unknown = body;
  for (const k of path.split('.')) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/**
 * A refusal of a value, not of the field ("Invalid value: 'x'. Supported values are: …"): the
 * field stays (and a client cannot make the gateway drop a field for every client of a model by
 * sending it a bad value).
 */
const REFUSED_VALUE = /invalid value|unsupported value|supported values/i;

/**
 * The field of the body (a top-level name, or a dotted path into its objects: `reasoning.effort`)
 * that the upstream's 400 or 422 refuses as one it does not take, by name, in its `param` or its
 * words (`NAMED_FIELD`), when the body has it and it is not `kept` (what the request means: a kept
 * name keeps every path under it, and a path that holds a kept one is kept too); else undefined.
 * A refused value is not a refused field (`REFUSED_VALUE`).
 */
export function refusedFieldPath(error: unknown, body: Record<string, unknown>, kept: readonly string[]): string | undefined {
  const refused = refusal(error);
  if (!refused || REFUSED_VALUE.test(refused.message) || !(REFUSED.test(refused.message) || /extra inputs/i.test(refused.message))) return undefined;
  const named = [refused.param, ...NAMED_FIELD.map((re) => re.exec(refused.message)?.[1])];
  for (const raw of named) {
    const path = raw?.replace(/^body\./, '').replace(/\.$/, '');
    if (!path || at(body, path) === undefined) continue;
    if (kept.some((k) => path === k || path.startsWith(`${k}.`) || k.startsWith(`${path}.`))) continue;
    return path;
  }
  return undefined;
}

/** The body without the field at `path` (an object left empty by it goes too); the same body when it has none. */
export function withoutPath(body: Record<string, unknown>, path: string): Record<string, unknown> {
  const dot = path.indexOf('.');
  if (dot === -1) {
    if (!Object.hasOwn(body, path)) return body;
    const { [path]: _refused, ...rest } = body;
    return rest;
  }
  const head = path.slice(0, dot);
  const inner = body[head];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return body;
  const left = withoutPath(inner as Record<string, unknown>, path.slice(dot + 1));
  if (left === inner) return body;
  if (Object.keys(left).length > 0) return { ...body, [head]: left };
  const { [head]: _empty, ...rest } = body;
  return rest;
}
