import { GatewayError } from '../errors/gateway-error.ts';

/**
 * The error as a client may see it: an upstream that echoes the provider key in its error
 * (`Incorrect API key provided: sk-…`) must not hand that key to the client. The message is
 * masked with `redact`; the fields relayed as the upstream sent them (`param`, the upstream's
 * `type` and `code`, Google's `details`) are left out when they quote a secret. The same error
 * when nothing needed masking.
 */
export function clientSafeError(err: GatewayError, redact: (text: string) => string): GatewayError {
  const clean = (text: string | undefined) => (text === undefined || redact(text) === text ? text : undefined);
  const message = redact(err.message);
  const up = err.upstream;
  const param = clean(err.param);
  const safeUp = up && {
    ...up, message: up.message === undefined ? undefined : redact(up.message), type: clean(up.type), code: clean(up.code),
    details: up.details === undefined ? undefined : cleanDetails(up.details, redact),
  };
  const same = message === err.message && param === err.param
    && (!up || (safeUp!.message === up.message && safeUp!.type === up.type && safeUp!.code === up.code && safeUp!.details === up.details));
  if (same) return err;
  return new GatewayError(err.code, message, {
    status: err.status, retryable: err.retryable, retryAfterMs: err.retryAfterMs, param, upstream: safeUp, cause: err,
  });
}

/** Google's `details` as they may reach a client: all of them, or none when they quote a secret. */
function cleanDetails(details: Array<Record<string, unknown>>, redact: (text: string) => string): Array<Record<string, unknown>> | undefined {
  const json = JSON.stringify(details);
  return redact(json) === json ? details : undefined;
}
