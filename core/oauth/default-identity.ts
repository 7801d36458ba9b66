import { jwtClaims } from './jwt-claims.ts';
import type { AccountIdentity, TokenSet } from './oauth-types.ts';

/**
 * Who an account is when its provider plugin cannot tell: the id token's email (or subject),
 * else a stable hash of the refresh (or access) token. A hash keeps the id free of secret
 * material and the same for the same grant, so logging in twice updates one row.
 */
export function defaultIdentity(tokens: TokenSet): AccountIdentity {
  const claims = jwtClaims(tokens.idToken);
  const email = typeof claims?.email === 'string' ? claims.email : undefined;
  if (email) return { accountId: email, label: email, meta: { email } };
  if (typeof claims?.sub === 'string') return { accountId: claims.sub };
  const basis = tokens.refreshToken ?? tokens.accessToken;
  return { accountId: `acct-${new Bun.CryptoHasher('sha256').update(basis).digest('hex').slice(0, 10)}` };
}
