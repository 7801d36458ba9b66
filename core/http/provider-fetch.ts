import type { ProviderRuntime } from '../plugin/types.ts';
import type { HttpClient, OutboundInit } from './types.ts';

/**
 * The outbound client bound to a provider's network policy, for the calls a plugin makes beside
 * its model calls (tokens, credentials, media given by URL): the provider's private-network
 * setting and proxy always apply; `defaults` (timeouts, `stream: false`, a signal) fill what a
 * call does not set.
 */
export function providerFetch(
  http: HttpClient, provider: Pick<ProviderRuntime, 'allowPrivateNetwork' | 'proxy'>, defaults: OutboundInit = {},
): HttpClient['fetch'] {
  const policy = { allowPrivateNetwork: provider.allowPrivateNetwork, ...(provider.proxy ? { proxy: provider.proxy } : {}) };
  return (url, init) => http.fetch(url, { ...defaults, ...init, ...policy });
}
