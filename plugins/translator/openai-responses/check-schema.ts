import * as v from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';

/**
 * Validates `value` against a valibot schema and returns the typed output. On failure it throws
 * a 400 GatewayError naming the first offending field in OpenAI's `param` style
 * (`input[3].call_id`); the message never echoes the body, at most a short offending value.
 */
export function checkSchema<S extends v.GenericSchema>(schema: S, value: unknown, path = ''): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  throw schemaError(result.issues, path);
}

/** The 400 for a schema's issues with the value at `path`: the first offending field, named. */
export function schemaError(issues: readonly [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]], path = ''): GatewayError {
  const issue = issues[0];
  const param = joinPath(path, issue.path?.map((p) => p.key as string | number) ?? []);
  return badRequest(`Invalid request: ${param || 'body'}: ${describeIssue(issue)}`, param || undefined);
}

/** A 400 in the client's terms; `param` is the OpenAI error `param`. */
export function badRequest(message: string, param?: string): GatewayError {
  return new GatewayError('GW_BAD_REQUEST', message, { status: 400, param });
}

/** `input` + [3, 'call_id'] → `input[3].call_id`. */
export function joinPath(base: string, keys: ReadonlyArray<string | number | unknown>): string {
  let out = base;
  for (const key of keys) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  if (issue.kind === 'schema' && issue.received === 'undefined') return `is required (${issue.expected ?? 'a value'})`;
  return issue.message;
}
