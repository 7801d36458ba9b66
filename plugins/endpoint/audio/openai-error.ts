import type { BaseIssue } from 'valibot';
import { GatewayError, openAIErrorType } from '../../../core/errors/gateway-error.ts';

/** Gateway codes that have an OpenAI counterpart clients may test for. */
const OPENAI_CODES: Record<string, string> = {
  GW_UNAUTHORIZED: 'invalid_api_key',
  GW_MODEL_NOT_FOUND: 'model_not_found',
  GW_RATE_LIMITED: 'rate_limit_exceeded',
  GW_QUOTA_EXHAUSTED: 'insufficient_quota',
  GW_BODY_TOO_LARGE: 'request_too_large',
};

/**
 * GatewayError → the OpenAI envelope `{"error":{message,type,param,code}}` with the error's
 * status (and `retry-after` when it carries a wait). An upstream's own `type`/`code` are kept.
 * The message only: never a stack or a cause.
 *
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function encodeOpenAIError(err: GatewayError): Response {
  const up = err.upstream;
  const body = {
    error: {
      message: err.message,
      type: up?.type ?? openAIErrorType(err.status),
      param: err.param ?? null,
      code: up?.code ?? OPENAI_CODES[err.code] ?? err.code,
    },
  };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (err.retryAfterMs !== undefined && err.retryAfterMs > 0) headers['retry-after'] = String(Math.ceil(err.retryAfterMs / 1000));
  return new Response(JSON.stringify(body), { status: err.status, headers });
}

type Issue = BaseIssue<unknown>;

/**
 * The first valibot issue as a 400 with OpenAI wording and `param` (`input[2]`). Echoes no
 * more of the body than a type name.
 */
export function validationError(issues: readonly Issue[]): GatewayError {
  const issue = issues[0];
  const param = (issue.path ?? []).map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`)).join('').replace(/^\./, '');
  let message: string;
  if (!param) message = 'Invalid request body: expected a JSON object.';
  else if (issue.received === 'undefined') message = `Missing required parameter: '${param}'.`;
  else if (!issue.message.startsWith('Invalid ')) message = `Invalid '${param}': ${issue.message}.`;
  else message = `Invalid '${param}': expected ${issue.expected ?? 'another value'} but received ${issue.received.slice(0, 40)}.`;
  return new GatewayError('GW_BAD_REQUEST', message, { status: 400, param: param || undefined });
}
