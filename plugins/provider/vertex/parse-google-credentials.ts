import { GOOGLE_TOKEN_URI, googleAuthError, type AuthorizedUser, type GoogleCredentials, type ServiceAccountKey } from './google-credentials.ts';

type Json = Record<string, unknown>;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The credential a Google credentials file holds: a service-account key (`service_account`) or
 * gcloud's user credentials (`authorized_user`). `token_uri` defaults to Google's endpoint;
 * `quota_project_id` is kept for either type, as Google's client libraries do.
 * Errors: GW_UPSTREAM_AUTH (502) for text that is not JSON, another credential type (workload
 * identity federation, impersonation) or a missing field; the message names the field, never a
 * value from the file.
 *
 * @see https://google.aip.dev/auth/4110
 */
export function parseGoogleCredentials(content: string): GoogleCredentials {
  let json: Json;
  try {
    json = JSON.parse(content) as Json;
  } catch {
    throw googleAuthError('The Vertex AI credentials are not a Google credentials file (not JSON).');
  }
  if (json === null || typeof json !== 'object') throw googleAuthError('The Vertex AI credentials are not a Google credentials file (not a JSON object).');
  if (json.type === 'service_account') return serviceAccountOf(json);
  if (json.type === 'authorized_user') return authorizedUserOf(json);
  throw googleAuthError(
    `The Vertex AI credentials are of type "${String(json.type).slice(0, 40)}"; supported are service-account keys ("service_account") and gcloud user credentials ("authorized_user"), or an access token or API key in keys:.`,
  );
}

function serviceAccountOf(json: Json): ServiceAccountKey {
  const email = text(json.client_email);
  const key = text(json.private_key);
  if (!email || !key?.includes('PRIVATE KEY')) throw googleAuthError('The Vertex AI service-account key has no client_email or private_key.');
  const keyId = text(json.private_key_id);
  const project = text(json.project_id);
  const quota = text(json.quota_project_id);
  return {
    type: 'service_account', clientEmail: email, privateKey: key, tokenUri: text(json.token_uri) ?? GOOGLE_TOKEN_URI,
    ...(keyId ? { privateKeyId: keyId } : {}),
    ...(project ? { projectId: project } : {}),
    ...(quota ? { quotaProjectId: quota } : {}),
  };
}

function authorizedUserOf(json: Json): AuthorizedUser {
  const clientId = text(json.client_id);
  const clientSecret = text(json.client_secret);
  const refreshToken = text(json.refresh_token);
  const missing = [!clientId && 'client_id', !clientSecret && 'client_secret', !refreshToken && 'refresh_token'].filter(Boolean);
  if (!clientId || !clientSecret || !refreshToken) {
    throw googleAuthError(`The Vertex AI user credentials have no ${missing.join(', ')}: run \`gcloud auth application-default login\` again.`);
  }
  const quota = text(json.quota_project_id);
  return {
    type: 'authorized_user', clientId, clientSecret, refreshToken, tokenUri: text(json.token_uri) ?? GOOGLE_TOKEN_URI,
    ...(quota ? { quotaProjectId: quota } : {}),
  };
}
