import type { ServiceAccountKey } from './google-credentials.ts';

/** What the token asks for: every Google Cloud API the service account may use, Vertex AI included. */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** The longest lifetime Google accepts for the assertion. */
const ASSERTION_LIFETIME_S = 3600;

const base64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const jsonPart = (v: unknown): string => base64url(new TextEncoder().encode(JSON.stringify(v)));

/** The DER bytes of a PEM block (header, footer and line breaks dropped). */
function pemBody(pem: string): ArrayBuffer {
  const der = Buffer.from(pem.replace(/-----(BEGIN|END)[^-]*-----/g, '').replace(/\s+/g, ''), 'base64');
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
}

/**
 * The JWT a service account presents to Google's token endpoint (the JWT-bearer grant): RS256
 * over `{iss: client_email, scope, aud: token_uri, iat, exp: iat + 1 h}`, with the key id in the
 * header, signed with crypto.subtle. `nowMs` is the gateway's clock.
 * Errors: a DOMException / TypeError when the private key is not an RSA PKCS#8 key.
 *
 * @see https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests
 */
export async function signServiceAccountJwt(key: ServiceAccountKey, nowMs: number, scope = CLOUD_PLATFORM_SCOPE): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  const header = { alg: 'RS256', typ: 'JWT', ...(key.privateKeyId ? { kid: key.privateKeyId } : {}) };
  const claims = { iss: key.clientEmail, scope, aud: key.tokenUri, iat, exp: iat + ASSERTION_LIFETIME_S };
  const input = `${jsonPart(header)}.${jsonPart(claims)}`;
  const signer = await crypto.subtle.importKey('pkcs8', pemBody(key.privateKey), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', signer, new TextEncoder().encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}
