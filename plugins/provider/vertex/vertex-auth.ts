import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Attempt } from '../../../core/plugin/types.ts';
import type { serviceAccountTokens } from './service-account-tokens.ts';

/** The credential of one attempt, as it goes on the wire. */
export interface VertexAuth {
  /** The secret sent (access token or API key), for the delegate's redaction. */
  readonly secret: string;
  /** The project of the service-account key, when the entry names none. */
  readonly projectId?: string;
  /** True for an API key (`x-goog-api-key`; Vertex AI express mode when no project is set). */
  readonly apiKey: boolean;
  /** Puts the credential on outgoing headers, replacing whatever auth the delegate set. */
  apply(headers: Headers): void;
  /** After a 401: a fresh token when one can be had (service accounts), else false. */
  renew(): Promise<boolean>;
}

type Tokens = ReturnType<typeof serviceAccountTokens>;

/**
 * The attempt's credential: the account's secret from `keys:` (an access token sent as
 * `authorization: Bearer`, or an API key when the entry's `auth:` names `x-goog-api-key`),
 * else the access token of the `credentials:` service-account key.
 * Errors: GW_UPSTREAM_AUTH (502) when the provider has neither; the token source's errors.
 */
export async function vertexAuth(attempt: Attempt, tokens: Tokens): Promise<VertexAuth> {
  const secret = attempt.account?.secret;
  if (secret) {
    const apiKey = attempt.provider.auth?.header === 'x-goog-api-key';
    return {
      secret, apiKey,
      apply: (h) => setAuth(h, apiKey ? ['x-goog-api-key', secret] : ['authorization', `Bearer ${secret}`]),
      renew: async () => false,
    };
  }
  const credentials = attempt.provider.options.credentials;
  if (typeof credentials !== 'string' || credentials.trim() === '') {
    throw new GatewayError('GW_UPSTREAM_AUTH', `Provider "${attempt.provider.name}" has no Vertex AI credentials: set credentials: (a service-account key) or keys:.`, { status: 502 });
  }
  let grant = await tokens.get(attempt.provider, credentials);
  return {
    get secret() {
      return grant.token;
    },
    apiKey: false,
    ...(grant.projectId ? { projectId: grant.projectId } : {}),
    apply: (h) => setAuth(h, ['authorization', `Bearer ${grant.token}`]),
    async renew() {
      grant = await tokens.afterRejection(attempt.provider, credentials, grant.token);
      return true;
    },
  };
}

function setAuth(h: Headers, [name, value]: [string, string]): void {
  h.delete('authorization');
  h.delete('x-api-key');
  h.delete('x-goog-api-key');
  h.set(name, value);
}
