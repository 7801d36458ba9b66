import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import { sha256Hex, signAwsRequest, type AwsCredentials } from './sign-aws-request.ts';

/** How one `keys:` entry authenticates: a Bedrock API key, or IAM keys that sign each request. */
export type BedrockAuth = { kind: 'bearer'; token: string } | { kind: 'sigv4'; credentials: AwsCredentials };

/** An access key id (`AKIA…`, `ASIA…` for temporary keys): upper-case letters and digits. */
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

/**
 * Reads a `keys:` entry. `<access key id>:<secret access key>` or
 * `<access key id>:<secret access key>:<session token>` (an empty token is none, so
 * `${AWS_SESSION_TOKEN:-}` may stay in the entry) is an IAM identity; anything else is a
 * Bedrock API key (`ABSK…` long-term keys and `bedrock-api-key-…` short-term ones hold no `:`).
 *
 * Errors: GW_UPSTREAM_AUTH (502, retryable: the next target is tried) for an access key id
 * without its secret.
 */
export function parseBedrockKey(secret: string): BedrockAuth {
  const colon = secret.indexOf(':');
  const id = colon === -1 ? '' : secret.slice(0, colon);
  if (!ACCESS_KEY_ID.test(id)) return { kind: 'bearer', token: secret };
  const [secretAccessKey = '', ...token] = secret.slice(colon + 1).split(':');
  if (!secretAccessKey) {
    throw new GatewayError('GW_UPSTREAM_AUTH', 'A Bedrock key names an access key id without its secret access key.', { status: 502, retryable: true });
  }
  const sessionToken = token.join(':');
  return { kind: 'sigv4', credentials: { accessKeyId: id, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } };
}

/** What signing needs besides the request: the region, the clock, and where derived secrets go. */
export interface BedrockSigning {
  region: string;
  now: Date;
  /** Masks a secret in logs and error text (`host.registerSecret`). */
  registerSecret?(value: string): void;
}

/**
 * The headers of one Converse call: JSON content type and the provider's configured headers,
 * then the call's credentials (`createBedrockCredentialSource`). A Bedrock API key goes as
 * `authorization: Bearer`; IAM keys sign the request with SigV4 (service `bedrock`, the body's
 * hash in `x-amz-content-sha256`, the session token in `x-amz-security-token`). The secret
 * access key and session token are registered for redaction: the logger knows the whole
 * `keys:` entry, not its parts, and nothing of keys read from a profile or the environment.
 * Without credentials the request goes unsigned (a proxy that signs for us).
 */
export function bedrockHeaders(
  provider: Pick<ProviderRuntime, 'headers'>, auth: BedrockAuth | undefined,
  url: string, body: string, signing: BedrockSigning,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(provider.headers)) headers[k.toLowerCase()] = v;
  headers['content-type'] = 'application/json';
  if (!auth) return headers;
  if (auth.kind === 'bearer') return { ...headers, authorization: `Bearer ${auth.token}` };
  signing.registerSecret?.(auth.credentials.secretAccessKey);
  if (auth.credentials.sessionToken) signing.registerSecret?.(auth.credentials.sessionToken);
  const u = new URL(url);
  headers['x-amz-content-sha256'] = sha256Hex(body);
  return signAwsRequest(
    { method: 'POST', host: u.host, path: u.pathname, query: u.search.slice(1), headers, body },
    auth.credentials, { region: signing.region, service: 'bedrock' }, signing.now,
  );
}
