import { GatewayError, type ErrorCode } from '../../../core/errors/gateway-error.ts';
import { parseRetryAfter } from '../../../core/http/retry-after.ts';
import { clipMessage, readErrorBody } from '../../../core/util/upstream-error-body.ts';

const MAX_BODY = 32 * 1024;

/**
 * A Bedrock error as a GatewayError. The type is the `x-amzn-ErrorType` header (`Throttling
 * Exception:http://internal.amazon.com/…`), the body's `__type`, or a stream exception's
 * `:exception-type` (camel case there: `throttlingException`); the message is the body's
 * `message`. Throttling and quotas are retryable 429s (with the upstream's Retry-After, if
 * any); a model not ready or the service unavailable a retryable 503; a model timeout a 504;
 * credentials refused (403 AccessDenied, UnrecognizedClient, InvalidSignature, ExpiredToken)
 * a retryable 502, so the next target is tried and the client is never told its own key is
 * wrong; a refused request a 400; an unknown model a 404; model and server errors a retryable 502.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html
 */
export function mapBedrockError(status: number, type: string | undefined, message: string | undefined, headers?: Headers): GatewayError {
  const raw = (type ?? '').split(':')[0]!.split('#').at(-1) ?? '';
  const name = raw.charAt(0).toUpperCase() + raw.slice(1);
  const text = clipMessage(message || `The Bedrock upstream answered ${name || `HTTP ${status}`}.`, 500);
  const [code, clientStatus, retryable] = classify(status, name);
  const retryAfterMs = headers ? parseRetryAfter(headers) : undefined;
  return new GatewayError(code, text, {
    status: clientStatus, retryable, retryAfterMs, upstream: { status, message: text, ...(name ? { type: name } : {}) },
  });
}

const AUTH = new Set(['AccessDeniedException', 'UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'IncompleteSignatureException', 'MissingAuthenticationTokenException']);

function classify(status: number, name: string): [ErrorCode, number, boolean] {
  if (name === 'ThrottlingException' || (status === 429 && name !== 'ModelNotReadyException')) return ['GW_RATE_LIMITED', 429, true];
  if (name === 'ServiceQuotaExceededException') return ['GW_QUOTA_EXHAUSTED', 429, true];
  if (name === 'ModelNotReadyException' || name === 'ServiceUnavailableException' || status === 503) return ['GW_UNAVAILABLE', 503, true];
  if (name === 'ModelTimeoutException' || status === 408 || status === 504) return ['GW_UPSTREAM_TIMEOUT', 504, true];
  if (AUTH.has(name) || status === 401 || status === 403) return ['GW_UPSTREAM_AUTH', 502, true];
  if (name === 'ResourceNotFoundException' || status === 404) return ['GW_MODEL_NOT_FOUND', 404, false];
  if (name === 'ValidationException' || status === 400 || status === 413 || status === 422) return ['GW_BAD_REQUEST', 400, false];
  return ['GW_UPSTREAM_ERROR', 502, true];
}

/** Reads a non-2xx answer (at most 32 KB of it) into a GatewayError. Never throws. */
export async function readBedrockError(res: Response): Promise<GatewayError> {
  let body: { message?: unknown; Message?: unknown; __type?: unknown } = {};
  const text = await readErrorBody(res, MAX_BODY);
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: the status decides, the text is the message
  }
  const type = res.headers.get('x-amzn-errortype') ?? (typeof body.__type === 'string' ? body.__type : undefined);
  const message = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : text.trim() || undefined;
  return mapBedrockError(res.status, type, message, res.headers);
}

/** Bedrock's refusals of a `toolConfig` the model cannot take (tools, tools when streamed, a forced choice). */
const TOOLS_REFUSED = /(doesn't|does not) support (tool use|the toolConfig)/i;

/**
 * A refusal of the structured-output tool (the model takes no tools, no tools when streamed, or
 * no forced `toolChoice`: "This model doesn't support tool use.", "…the toolConfig.toolChoice.tool
 * field…") as GW_UNSUPPORTED (400, `param: response_format`) that says why, so a combo moves on to
 * its next target; any other error unchanged.
 */
export function explainJsonToolRefusal(err: GatewayError, model: string): GatewayError {
  if (err.code !== 'GW_BAD_REQUEST' || !TOOLS_REFUSED.test(err.upstream?.message ?? err.message)) return err;
  return new GatewayError('GW_UNSUPPORTED',
    `Structured output (a JSON response format) reaches Bedrock as a forced tool call, and the Bedrock model "${model}" refused it: ${err.message} `
    + 'Use a model that takes tools with a forced tool choice (Claude, Nova, Mistral Large…), or ask for JSON in the prompt.',
    { status: 400, param: 'response_format', ...(err.upstream ? { upstream: err.upstream } : {}), cause: err });
}
