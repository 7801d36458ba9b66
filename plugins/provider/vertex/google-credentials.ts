import { GatewayError, type GatewayErrorInit } from '../../../core/errors/gateway-error.ts';

/** Google's token endpoint, used when a credentials file names none (gcloud's user files never do). */
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/** The fields of a service-account key file that the JWT-bearer grant needs. */
export interface ServiceAccountKey {
  type: 'service_account';
  clientEmail: string;
  /** A PKCS#8 PEM block (`BEGIN PRIVATE KEY`). Never logged. */
  privateKey: string;
  privateKeyId?: string;
  tokenUri: string;
  projectId?: string;
  quotaProjectId?: string;
}

/**
 * A user's OAuth client and refresh token, as `gcloud auth application-default login` writes them
 * (`"type": "authorized_user"`). The secret and the refresh token are never logged.
 */
export interface AuthorizedUser {
  type: 'authorized_user';
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  tokenUri: string;
  /** The project billed for the user's API calls (`x-goog-user-project`), and the default project. */
  quotaProjectId?: string;
}

/** The credential types the `vertex` provider can get access tokens for. */
export type GoogleCredentials = ServiceAccountKey | AuthorizedUser;

/** The environment the ADC lookup reads (the gateway's, injected in tests). */
export type Env = Readonly<Record<string, string | undefined>>;

/** GW_UPSTREAM_AUTH (502): what every credential failure of the provider answers. */
export function googleAuthError(message: string, init: Omit<GatewayErrorInit, 'status'> = {}): GatewayError {
  return new GatewayError('GW_UPSTREAM_AUTH', message, { ...init, status: 502 });
}
