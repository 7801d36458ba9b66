/**
 * The claims of a JWT, decoded without verifying the signature. Only for reading facts about
 * our own account from a token its issuer just handed us over TLS (email, account id), never
 * for trusting a token someone else presents. Returns undefined for anything that is not a JWT.
 */
export function jwtClaims(token: string | undefined): Record<string, unknown> | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const v = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
