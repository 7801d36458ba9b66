import { isGatewayError } from '../../../core/errors/gateway-error.ts';

/** `reasoning_effort` → `reasoningEffort`: how some upstreams name a field in their errors. */
function camelCase(field: string): string {
  return field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
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
  if (!isGatewayError(error)) return undefined;
  const up = error.upstream;
  if (!up || (up.status !== 400 && up.status !== 422)) return undefined;
  const message = up.message ?? error.message;
  return fields.find((f) => f in body && (error.param === f || message.includes(f) || message.includes(camelCase(f))));
}
