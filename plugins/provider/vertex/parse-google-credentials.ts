import { homedir } from 'node:os';
import { GatewayError } from '../../../core/errors/gateway-error.ts';

/** Google's token endpoint, used when a key file names none. */
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/** The fields of a service-account key file that the JWT-bearer grant needs. */
export interface ServiceAccountKey {
  clientEmail: string;
  /** A PKCS#8 PEM block (`BEGIN PRIVATE KEY`). Never logged. */
  privateKey: string;
  privateKeyId?: string;
  tokenUri: string;
  projectId?: string;
}

function authError(message: string): GatewayError {
  return new GatewayError('GW_UPSTREAM_AUTH', message, { status: 502 });
}

/**
 * The service-account key named by a provider's `credentials:`: the key file's JSON itself
 * (text starting with `{`, e.g. from an environment variable) or the path of the file
 * (`~/` is the home folder), read anew at each call so a rotated key file is picked up at the
 * next token refresh.
 * Errors: GW_UPSTREAM_AUTH (502) for a missing file, text that is not a key file, or another
 * credential type (`authorized_user` user credentials are not supported); the message never
 * quotes the file's content.
 *
 * @see https://cloud.google.com/iam/docs/keys-create-delete
 */
export async function loadServiceAccountKey(credentials: string): Promise<ServiceAccountKey> {
  const text = credentials.trimStart().startsWith('{') ? credentials : await readKeyFile(credentials.trim());
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw authError('The Vertex AI credentials are not a service-account key file (not JSON).');
  }
  if (json.type !== 'service_account') {
    throw authError(`The Vertex AI credentials are of type "${String(json.type)}"; only service-account keys are supported (or an access token or API key in keys:).`);
  }
  const { client_email: email, private_key: key, private_key_id: keyId, token_uri: uri, project_id: project } = json;
  if (typeof email !== 'string' || typeof key !== 'string' || !key.includes('PRIVATE KEY')) {
    throw authError('The Vertex AI service-account key has no client_email or private_key.');
  }
  return {
    clientEmail: email,
    privateKey: key,
    tokenUri: typeof uri === 'string' && uri ? uri : GOOGLE_TOKEN_URI,
    ...(typeof keyId === 'string' ? { privateKeyId: keyId } : {}),
    ...(typeof project === 'string' && project ? { projectId: project } : {}),
  };
}

async function readKeyFile(path: string): Promise<string> {
  const file = Bun.file(path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path);
  try {
    return await file.text();
  } catch {
    throw authError(`The Vertex AI credentials file "${path}" cannot be read.`);
  }
}
