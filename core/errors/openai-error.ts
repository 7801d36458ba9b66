import type { BaseIssue } from 'valibot';
import { encodeSse } from '../util/sse.ts';
import { isContextOverflow } from './context-overflow.ts';
import { GatewayError, openAIErrorType } from './gateway-error.ts';

/**
 * The OpenAI error envelope, the lingua franca of `/v1/*` clients: shared by every translator
 * and endpoint that answers in OpenAI's dialect, so they all say the same thing the same way.
 */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Gateway codes that have an OpenAI counterpart clients may test for. */
const OPENAI_CODES: Record<string, string> = {
  GW_UNAUTHORIZED: 'invalid_api_key',
  GW_MODEL_NOT_FOUND: 'model_not_found',
  GW_RATE_LIMITED: 'rate_limit_exceeded',
  GW_QUOTA_EXHAUSTED: 'insufficient_quota',
  GW_BODY_TOO_LARGE: 'request_too_large',
};

/** OpenAI error types are snake_case words; a Gemini status name (`RESOURCE_EXHAUSTED`) is not one. */
const OPENAI_TYPE = /^[a-z][a-z_]*$/;

/**
 * GatewayError → `{"error":{message,type,param,code}}`. An error relayed from an upstream keeps
 * that upstream's `type` (when it is an OpenAI-style one) and `code`; the gateway's own errors
 * get the type matching their status and the OpenAI code where one exists, else the `GW_*`
 * code, and a context overflow `context_length_exceeded`. The message only: never a stack or a cause.
 *
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function encodeOpenAIErrorBody(err: GatewayError): OpenAIErrorBody {
  const up = err.upstream;
  return {
    error: {
      message: err.message,
      type: up?.type && OPENAI_TYPE.test(up.type) ? up.type : openAIErrorType(err.status),
      param: err.param ?? null,
      // OpenAI's code for a prompt too long, whatever the upstream said ("prompt is too long…"):
      // the SDKs and coding tools recognise an overflow by it.
      code: isContextOverflow(err) ? 'context_length_exceeded' : up?.code ?? OPENAI_CODES[err.code] ?? err.code,
    },
  };
}

/** The error as an HTTP response with its status, plus `retry-after` (whole seconds) when it carries a wait. */
export function encodeOpenAIError(err: GatewayError): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (err.retryAfterMs !== undefined && err.retryAfterMs > 0) headers['retry-after'] = String(Math.ceil(err.retryAfterMs / 1000));
  return new Response(JSON.stringify(encodeOpenAIErrorBody(err)), { status: err.status, headers });
}

/** One SSE frame carrying the error, for a stream that broke after bytes reached the client. */
export function encodeOpenAIStreamError(err: GatewayError): string {
  return encodeSse(JSON.stringify(encodeOpenAIErrorBody(err)));
}

/**
 * The first valibot issue as a 400 with OpenAI wording and `param` (`input[2]`). Echoes no
 * more of the body than a type name.
 */
export function openAIValidationError(issues: readonly BaseIssue<unknown>[]): GatewayError {
  const issue = issues[0];
  const param = (issue.path ?? []).map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`)).join('').replace(/^\./, '');
  let message: string;
  if (!param) message = 'Invalid request body: expected a JSON object.';
  else if (issue.received === 'undefined') message = `Missing required parameter: '${param}'.`;
  else if (!issue.message.startsWith('Invalid ')) message = `Invalid '${param}': ${issue.message}.`;
  else message = `Invalid '${param}': expected ${issue.expected ?? 'another value'} but received ${issue.received.slice(0, 40)}.`;
  return new GatewayError('GW_BAD_REQUEST', message, { status: 400, param: param || undefined });
}
