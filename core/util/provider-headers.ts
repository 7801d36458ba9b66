import type { AccountRuntime, ProviderRuntime } from '../plugin/types.ts';

type Auth = NonNullable<ProviderRuntime['auth']>;

/**
 * Headers of an upstream call: `base`, then the provider's configured headers, then the
 * account's secret in the provider's auth header (`authorization: Bearer <key>`, or the bare key
 * for a header without scheme). `fallback` is the auth of a runtime that names none. No secret,
 * no auth header (local servers).
 */
export function providerHeaders(
  provider: ProviderRuntime, account: AccountRuntime | undefined, base: Record<string, string>,
  fallback: Auth = { header: 'authorization', scheme: 'Bearer' },
): Headers {
  const headers = new Headers(base);
  for (const [k, v] of Object.entries(provider.headers)) headers.set(k, v);
  if (account?.secret) {
    const auth = provider.auth ?? fallback;
    headers.set(auth.header, auth.scheme ? `${auth.scheme} ${account.secret}` : account.secret);
  }
  return headers;
}
