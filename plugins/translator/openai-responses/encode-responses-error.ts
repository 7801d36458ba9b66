import { isContextOverflow } from '../../../core/errors/context-overflow.ts';
import { openAIErrorType, type GatewayError } from '../../../core/errors/gateway-error.ts';
import type { StreamParser } from '../../../core/plugin/types.ts';
import { encodeSse } from '../../../core/util/sse.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';

/**
 * Errors in the Responses dialect: the OpenAI error envelope for HTTP errors, and the codes used
 * inside streams (`response.failed` and `error` events).
 *
 * @see https://platform.openai.com/docs/guides/error-codes
 * @see https://platform.openai.com/docs/api-reference/responses-streaming/error
 */

const CODES: Readonly<Record<string, string>> = lookupTable({
  GW_UNAUTHORIZED: 'invalid_api_key',
  GW_MODEL_NOT_FOUND: 'model_not_found',
  GW_RATE_LIMITED: 'rate_limit_exceeded',
  GW_QUOTA_EXHAUSTED: 'insufficient_quota',
  GW_BODY_TOO_LARGE: 'request_too_large',
});

/**
 * The OpenAI `error.code` for a gateway error: `context_length_exceeded` for a request too long
 * for the model, whatever words the upstream used (Anthropic's "prompt is too long", Gemini's
 * token count: Codex and the SDKs recognize an overflow only by that code), else the upstream's
 * own code when it sent one, the OpenAI code clients test for where one exists, else the `GW_*`
 * code.
 */
export function responsesErrorCode(err: GatewayError): string {
  if (isContextOverflow(err)) return 'context_length_exceeded';
  if (typeof err.upstream?.code === 'string' && err.upstream.code.length > 0) return err.upstream.code;
  return CODES[err.code] ?? String(err.code);
}

/** OpenAI error types are snake_case words; a Gemini status name (`RESOURCE_EXHAUSTED`) is not one. */
const OPENAI_TYPE = /^[a-z][a-z_]*$/;

/**
 * `{"error":{"message","type","param","code"}}`. An error relayed from an upstream keeps that
 * upstream's `type` when it is an OpenAI-style one; the message is the error's own, never a
 * stack or a cause.
 */
export function responsesErrorBody(err: GatewayError): { error: Record<string, unknown> } {
  return {
    error: {
      message: err.message,
      type: err.upstream?.type && OPENAI_TYPE.test(err.upstream.type) ? err.upstream.type : openAIErrorType(err.status),
      param: err.param ?? null,
      code: responsesErrorCode(err),
    },
  };
}

/** The error as an HTTP response with the right status and a Retry-After when known. */
export function encodeResponsesError(err: GatewayError): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (err.retryAfterMs !== undefined && err.retryAfterMs > 0) {
    headers['retry-after'] = String(Math.ceil(err.retryAfterMs / 1000));
  }
  return new Response(JSON.stringify(responsesErrorBody(err)), { status: err.status, headers });
}

/**
 * `response.error.code` must be one of the Responses error codes (`server_error`,
 * `rate_limit_exceeded`, `invalid_prompt`…), which SDKs and Codex switch on.
 */
export function failedResponseError(err: GatewayError): { code: string; message: string } {
  const own = responsesErrorCode(err);
  let code = 'server_error';
  if (err.status === 429) code = own === 'insufficient_quota' ? 'insufficient_quota' : 'rate_limit_exceeded';
  else if (err.status === 400 || err.status === 413 || err.status === 422) code = own.startsWith('GW_') ? 'invalid_prompt' : own;
  return { code, message: err.message };
}

/**
 * The `error` stream event. It carries the fields flat (as the published schema has them) and
 * nested under `error` (as OpenAI sends them and older SDKs read them), so every client throws.
 */
export function errorEventPayload(err: GatewayError, sequenceNumber: number): Record<string, unknown> {
  const { error } = responsesErrorBody(err);
  return {
    type: 'error',
    code: error.code,
    message: error.message,
    param: error.param,
    error,
    sequence_number: sequenceNumber,
  };
}

/**
 * One `error` frame for a passthrough stream that broke mid-way: it carries the sequence number
 * after the upstream's last event (0 when the parser of the stream did not count them).
 */
export function encodeResponsesStreamError(err: GatewayError, _call?: unknown, parser?: StreamParser): string {
  return encodeSse(JSON.stringify(errorEventPayload(err, parser?.nextSequence ?? 0)), 'error');
}
