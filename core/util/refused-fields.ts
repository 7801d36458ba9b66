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
export const REFUSED = /unsupported|not permitted|unexpected|unknown parameter|unrecognized|not allowed|extra_forbidden|not supported/i;

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

/** The sampling parameter of the body the upstream's error (400 or 422) refuses as one it does not take, or undefined. */
export function refusedSamplingField(error: unknown, body: Record<string, unknown>): string | undefined {
  const message = refusal(error)?.message;
  if (message === undefined || (!REFUSED.test(message) && !/is deprecated for this model/i.test(message))) return undefined;
  return findRefusedField(error, body, SAMPLING_FIELDS);
}
