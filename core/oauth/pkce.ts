/**
 * PKCE (RFC 7636) with the S256 method, and random `state` values.
 *
 * @see https://datatracker.ietf.org/doc/html/rfc7636#section-4
 */

/** A PKCE pair: the verifier stays on the server, the challenge goes in the authorize URL. */
export interface Pkce {
  verifier: string;
  challenge: string;
  method: 'S256';
}

/** `bytes` random bytes as base64url (no padding). */
export function randomUrlToken(bytes = 32): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url');
}

/** The S256 challenge of a verifier: base64url(SHA-256(verifier)). */
export function challengeOf(verifier: string): string {
  return Buffer.from(new Bun.CryptoHasher('sha256').update(verifier).digest()).toString('base64url');
}

/** A fresh verifier (43 characters from 32 random bytes, the minimum length RFC 7636 allows) and its challenge. */
export function createPkce(): Pkce {
  const verifier = randomUrlToken(32);
  return { verifier, challenge: challengeOf(verifier), method: 'S256' };
}
