/**
 * The credentials side of the Vertex AI mock: the service accounts and gcloud users tests sign
 * in with, the files Google's tools write for them, and the check of a signed JWT assertion the
 * mock's token endpoint runs.
 */
import type { MockVertexOptions } from './mock-vertex.ts';

type Json = Record<string, unknown>;

/** The OAuth scope every Vertex AI token needs. */
export const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

/** An OAuth client and a refresh token, as in gcloud's `application_default_credentials.json`. */
export interface MockUserCredential {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** Claims of an assertion the token endpoint accepted. */
export interface AcceptedAssertion {
  iss: string;
  aud: string;
  scope: string;
  iat: number;
  exp: number;
  kid?: string;
}

const b64urlJson = (part: string): Json => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Json;

/** The assertion's claims when its signature and claims are valid, else Google's reason. */
export async function verifyAssertion(jwt: string, opts: MockVertexOptions, tokenUri: string, nowMs: number): Promise<AcceptedAssertion | string> {
  const [h, c, s] = jwt.split('.');
  if (!h || !c || !s) return 'Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.';
  let header: Json;
  let claims: Json;
  try {
    header = b64urlJson(h);
    claims = b64urlJson(c);
  } catch {
    return 'Invalid JWT: not base64url JSON.';
  }
  if (header.alg !== 'RS256' || header.typ !== 'JWT') return 'Invalid JWT header: alg must be RS256.';
  const ok = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', opts.publicKey, Buffer.from(s, 'base64url'), new TextEncoder().encode(`${h}.${c}`));
  if (!ok) return 'Invalid JWT Signature.';
  const iat = Number(claims.iat);
  const exp = Number(claims.exp);
  const nowS = nowMs / 1000;
  if (claims.iss !== opts.clientEmail) return 'Invalid JWT: iss is not the service account.';
  if (claims.aud !== tokenUri) return 'Invalid JWT: aud must be the token endpoint.';
  if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes(CLOUD_PLATFORM)) return 'Invalid JWT: scope is missing cloud-platform.';
  if (!(exp > iat) || exp - iat > 3600 || Math.abs(iat - nowS) > 300 || exp <= nowS) {
    return 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';
  }
  return { iss: claims.iss, aud: claims.aud, scope: claims.scope, iat, exp, ...(typeof header.kid === 'string' ? { kid: header.kid } : {}) };
}

/** A service-account key for tests: a fresh RSA key pair; `file(tokenUri)` is the key file's JSON. */
export interface TestServiceAccount {
  clientEmail: string;
  publicKey: CryptoKey;
  /** The private key as PKCS#8 PEM, as key files hold it. */
  pem: string;
  file(tokenUri: string): Json;
}

/** Makes a key pair with crypto.subtle and the key file around its private half. */
export async function createServiceAccount(project = 'test-project'): Promise<TestServiceAccount> {
  const pair = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'],
  )) as CryptoKeyPair;
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', pair.privateKey)).toString('base64');
  const pem = `-----BEGIN PRIVATE KEY-----\n${der.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  const clientEmail = `switchyard-test@${project}.iam.gserviceaccount.com`;
  return {
    clientEmail, publicKey: pair.publicKey, pem,
    file: (tokenUri) => ({
      type: 'service_account', project_id: project, private_key_id: 'kid-test-1', private_key: pem, client_email: clientEmail,
      client_id: '1234567890', auth_uri: 'https://accounts.google.com/o/oauth2/auth', token_uri: tokenUri,
    }),
  };
}

/** A gcloud user for tests: an OAuth client and refresh token that look like Google's (and are canaries). */
export function createTestUser(): MockUserCredential {
  return {
    clientId: '764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com',
    clientSecret: `canary-cs-${crypto.randomUUID()}`,
    refreshToken: `1//canary-rt-${crypto.randomUUID()}`,
  };
}

/**
 * `application_default_credentials.json` as `gcloud auth application-default login` writes it;
 * gcloud writes no `token_uri`, so tests pass the mock's to keep the exchange on loopback.
 */
export function authorizedUserFile(user: MockUserCredential, o: { tokenUri?: string; quotaProjectId?: string } = {}): Json {
  return {
    account: '', client_id: user.clientId, client_secret: user.clientSecret,
    ...(o.quotaProjectId ? { quota_project_id: o.quotaProjectId } : {}),
    refresh_token: user.refreshToken, type: 'authorized_user', universe_domain: 'googleapis.com',
    ...(o.tokenUri ? { token_uri: o.tokenUri } : {}),
  };
}
