import * as v from 'valibot';
import { openAIErrorType } from '../../../errors/gateway-error.ts';

/**
 * The admin API's one error shape (the OpenAI envelope): `{ error: { message, type, param, code } }`
 * plus optional extra fields inside `error`. Messages are written for humans and never carry
 * secrets or stack traces.
 */
export function apiError(status: number, message: string, code: string | null = null, extra: Record<string, unknown> = {}, headers?: HeadersInit): Response {
  const param = typeof extra.param === 'string' ? extra.param : null;
  const { param: _p, ...rest } = extra;
  return Response.json({ error: { message, type: openAIErrorType(status), param, code, ...rest } }, { status, headers });
}

/** 404 `not_found` for a named thing (`Provider "x"`). */
export const notFound = (what: string) => apiError(404, `${what} not found.`, 'not_found');

/**
 * A valibot failure (body or query) as a 400 naming the first bad field by its dotted path.
 * The request body is never echoed.
 */
export function invalidBody(issues: readonly v.BaseIssue<unknown>[]): Response {
  const first = issues[0];
  const path = first ? v.getDotPath(first) : null;
  const message = first ? `${path ? `${path}: ` : ''}${first.message}` : 'The request is not valid.';
  return apiError(400, message, 'invalid_body', path ? { param: path } : {});
}

/**
 * Turns Elysia's VALIDATION error into `invalidBody`: Elysia keeps the route's valibot schema
 * and the rejected value, so the issues are recomputed with their real paths (Elysia's own
 * summary prints them as `[object Object]`). Returns undefined for anything else.
 */
export function validationResponse(error: unknown): Response | undefined {
  const e = error as { validator?: { schema?: unknown }; value?: unknown } | undefined;
  const schema = e?.validator?.schema;
  if (!schema || typeof schema !== 'object' || !('~standard' in schema)) return undefined;
  const r = v.safeParse(schema as v.GenericSchema, e!.value);
  return r.success ? undefined : invalidBody(r.issues);
}

/** Parses `value` with `schema`, or answers the 400. */
export function parseOr400<S extends v.GenericSchema>(schema: S, value: unknown): { ok: true; value: v.InferOutput<S> } | { ok: false; response: Response } {
  const r = v.safeParse(schema, value);
  return r.success ? { ok: true, value: r.output } : { ok: false, response: invalidBody(r.issues) };
}
