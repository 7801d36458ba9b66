import { GatewayError } from '../errors/gateway-error.ts';

/**
 * An upstream that refused the gateway's own credentials (401/403) is the operator's problem,
 * not the client's: the client's key was fine, so it gets a 502 naming the cause.
 */
export function presentable(err: GatewayError): GatewayError {
  const up = err.upstream?.status;
  if (up !== 401 && up !== 403) return err;
  return new GatewayError('GW_UPSTREAM_AUTH', `The upstream provider refused the gateway's credentials: ${err.message}`, {
    status: 502, upstream: err.upstream, retryable: err.retryable,
  });
}
