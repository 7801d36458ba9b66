import { awsAuthError, failureCode } from './aws-auth-error.ts';

/**
 * Sends one request to an AWS credential service (STS, the SSO portal, SSO OIDC) through the
 * gateway's outbound client, with the provider's network policy (SSRF guard, proxy) and short
 * timeouts; the adapter binds it to the provider. HTTP error statuses resolve, as with fetch.
 */
export type AwsFetch = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<Response>;

/** The limits of one credential call: these services answer in well under a second. */
export const AWS_CREDENTIAL_TIMEOUTS = { connectMs: 5_000, firstByteMs: 15_000, idleMs: 15_000, totalMs: 20_000 };

/** An answer, read whole. */
export interface AwsServiceAnswer {
  status: number;
  text: string;
}

/**
 * Sends `init` to `url` and reads the answer whole. `what` names the service in messages
 * ("STS", "the SSO portal"), `label` the profile.
 * Errors: GW_UPSTREAM_AUTH (502, retryable) when the service cannot be reached or its answer
 * cannot be read, with the outbound client's error code (GW_UPSTREAM_CONNECT,
 * GW_UPSTREAM_TIMEOUT, GW_SSRF_BLOCKED…), never the URL.
 */
export async function callAwsService(
  fetch: AwsFetch, url: string, init: Parameters<AwsFetch>[1], what: string, label: string,
): Promise<AwsServiceAnswer> {
  try {
    const res = await fetch(url, init);
    return { status: res.status, text: await res.text() };
  } catch (e) {
    throw awsAuthError(`${label}: ${what} could not be reached (${failureCode(e)}). Check the network, proxy and allow_private_network of the provider, and the AWS_ENDPOINT_URL_* variables.`);
  }
}

/** A JSON object answer, or undefined when the text is not one. */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const json: unknown = JSON.parse(text);
    return json && typeof json === 'object' && !Array.isArray(json) ? json as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/** An error code a service sent (`AccessDenied`, `invalid_grant`), kept only if it looks like one, so no text is echoed. */
export function safeCode(code: unknown): string | undefined {
  return typeof code === 'string' && /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/.test(code) ? code : undefined;
}
