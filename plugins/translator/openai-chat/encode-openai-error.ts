import { openAIErrorType, type GatewayError } from '../../../core/errors/gateway-error.ts';
import { encodeSse } from '../../../core/util/sse.ts';

/** The OpenAI error envelope. All four fields are always present (the spec requires them). */
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
 * GatewayError → OpenAI `{"error":{message,type,param,code}}`. An error relayed from an
 * upstream keeps that upstream's `type` (when it is an OpenAI-style one) and `code` (so a
 * client sees `rate_limit_exceeded` as OpenAI sent it); the gateway's own errors get the type
 * matching their status and the OpenAI code where one exists, else the `GW_*` code. The
 * message is the error's message only: never a stack or a cause.
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
      code: up?.code ?? OPENAI_CODES[err.code] ?? err.code,
    },
  };
}

/**
 * The error as an HTTP response with the error's status. Adds `retry-after` (whole seconds)
 * when the error carries a wait, so clients back off the way they do with OpenAI.
 */
export function encodeOpenAIError(err: GatewayError): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (err.retryAfterMs !== undefined && err.retryAfterMs > 0) {
    headers['retry-after'] = String(Math.ceil(err.retryAfterMs / 1000));
  }
  return new Response(JSON.stringify(encodeOpenAIErrorBody(err)), { status: err.status, headers });
}

/**
 * One SSE frame carrying the error, sent when a stream breaks after bytes reached the client.
 * The stream is closed after it, without `[DONE]`, so a client never mistakes it for success.
 */
export function encodeOpenAIStreamError(err: GatewayError): string {
  return encodeSse(JSON.stringify(encodeOpenAIErrorBody(err)));
}
