import { describe, expect, test } from 'bun:test';
import { providerFetch } from './provider-fetch.ts';
import type { HttpClient, OutboundInit } from './types.ts';

describe('providerFetch', () => {
  test('the provider\'s network policy always applies; defaults fill what the call does not set', async () => {
    const seen: OutboundInit[] = [];
    const http: HttpClient = { fetch: async (_url, init) => (seen.push(init ?? {}), new Response('ok')) };
    const timeouts = { connectMs: 1, firstByteMs: 2, idleMs: 3, totalMs: 4 };
    const f = providerFetch(http, { allowPrivateNetwork: true, proxy: 'http://proxy:8080' }, { timeouts, stream: false });
    await f('https://x', { method: 'POST', allowPrivateNetwork: false, proxy: 'http://other' });
    expect(seen[0]).toEqual({ method: 'POST', timeouts, stream: false, allowPrivateNetwork: true, proxy: 'http://proxy:8080' });
    await providerFetch(http, { allowPrivateNetwork: false })('https://y', { stream: true });
    expect(seen[1]).toEqual({ stream: true, allowPrivateNetwork: false });
  });
});
