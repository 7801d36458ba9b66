import type { HttpClient, OutboundInit } from './types.ts';

/**
 * POSTs a JSON body for a fire-and-forget delivery (telemetry export, webhook) through the
 * outbound client, reads the reply whole, and says why it failed: undefined when the receiver
 * took it (2xx), else `HTTP <status>` or the transport error. Never throws.
 */
export async function postJson(
  http: HttpClient, url: string, body: string,
  opts: { headers?: Record<string, string>; allowPrivateNetwork?: boolean; signal?: AbortSignal; timeouts?: OutboundInit['timeouts'] } = {},
): Promise<string | undefined> {
  try {
    const res = await http.fetch(url, {
      method: 'POST', body, stream: false, signal: opts.signal, allowPrivateNetwork: opts.allowPrivateNetwork ?? false,
      headers: { ...opts.headers, 'content-type': 'application/json' },
      timeouts: opts.timeouts ?? { connectMs: 5000, firstByteMs: 10_000, totalMs: 15_000 },
    });
    await res.arrayBuffer();
    return res.ok ? undefined : `HTTP ${res.status}`;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
