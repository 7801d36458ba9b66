import { GatewayError, isGatewayError } from '../../../core/errors/gateway-error.ts';

/**
 * The one error of AWS credential resolution: GW_UPSTREAM_AUTH, 502, retryable (another target
 * may serve). Messages name the profile and say what to do; they never quote a value read from
 * the shared files, a credential, or what a credential service or process printed.
 */
export function awsAuthError(message: string): GatewayError {
  return new GatewayError('GW_UPSTREAM_AUTH', message, { status: 502, retryable: true });
}

/** How messages name a profile: `AWS profile "dev"`, with ` (provider "p")` when known. */
export function profileLabel(profile: string, provider?: string): string {
  return provider ? `AWS profile "${profile}" (provider "${provider}")` : `AWS profile "${profile}"`;
}

/**
 * Why an outbound call threw before any answer: the gateway error's code
 * (GW_UPSTREAM_CONNECT, GW_UPSTREAM_TIMEOUT, GW_SSRF_BLOCKED…), never its text (it names the
 * host, which may come from the files).
 */
export function failureCode(e: unknown): string {
  return isGatewayError(e) ? String(e.code) : 'error';
}
