import type { Attempt } from '../../../core/plugin/types.ts';
import { googleAuthError } from './google-credentials.ts';
import type { GoogleTokens } from './google-tokens.ts';

/** The credential of one attempt, as it goes on the wire. */
export interface VertexAuth {
  /** The secret sent (access token or API key), for the delegate's redaction. */
  readonly secret: string;
  /** The project the credentials name (a key's `project_id`, a user's `quota_project_id`), when the entry names none. */
  readonly projectId?: string;
  /** True for an API key (`x-goog-api-key`; Vertex AI express mode when no project is set). */
  readonly apiKey: boolean;
  /** Puts the credential on outgoing headers, replacing whatever auth the delegate set. */
  apply(headers: Headers): void;
  /** After a 401: a fresh token when one can be had (`credentials:`), else false. */
  renew(): Promise<boolean>;
}

/**
 * The attempt's credential: the account's secret from `keys:` (an access token sent as
 * `authorization: Bearer`, or an API key when the entry's `auth:` names `x-goog-api-key`),
 * else the access token of the `credentials:` (a service-account key, gcloud user credentials,
 * or `adc`), with `x-goog-user-project` when they name a quota project: Vertex bills user
 * credentials' calls to it and refuses them without one.
 * Errors: GW_UPSTREAM_AUTH (502) when the provider has neither; the token source's errors.
 */
export async function vertexAuth(attempt: Attempt, tokens: GoogleTokens): Promise<VertexAuth> {
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
    throw googleAuthError(`Provider "${attempt.provider.name}" has no Vertex AI credentials: set credentials: (a key file, gcloud user credentials, or adc) or keys:.`);
  }
  let grant = await tokens.get(attempt.provider, credentials);
  return {
    get secret() {
      return grant.token;
    },
    apiKey: false,
    ...(grant.projectId ? { projectId: grant.projectId } : {}),
    apply: (h) => setAuth(h, ['authorization', `Bearer ${grant.token}`], grant.quotaProjectId),
    async renew() {
      grant = await tokens.afterRejection(attempt.provider, credentials, grant.token);
      return true;
    },
  };
}

function setAuth(h: Headers, [name, value]: [string, string], quotaProject?: string): void {
  h.delete('authorization');
  h.delete('x-api-key');
  h.delete('x-goog-api-key');
  h.delete('x-goog-user-project');
  h.set(name, value);
  if (quotaProject) h.set('x-goog-user-project', quotaProject);
}
