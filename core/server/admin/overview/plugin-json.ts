import type { PluginHost } from '../../../plugin/plugin-host.ts';

/**
 * Calls a plugin's own admin route in-process (`GET /api/breakers` of the circuit breaker) and
 * returns its JSON, or undefined when no loaded plugin serves it or it fails. Lets the core
 * overview show plugin data without importing any plugin.
 */
export async function pluginJson(host: PluginHost, path: string): Promise<unknown> {
  const m = host.current.apiRoutes.match('GET', path);
  if (!m) return undefined;
  try {
    const res = await m.value.handle(new Request(`http://switchyard.internal${path}`), m.params);
    return res.ok ? await res.json() : undefined;
  } catch {
    return undefined;
  }
}

/** One breaker as `/api/breakers` lists it. */
export interface BreakerRow {
  provider: string;
  account: string | null;
  state: string;
  retryInMs: number | null;
}

/** The breakers from the circuit-breaker plugin, or null when it is not loaded. */
export async function breakerRows(host: PluginHost): Promise<BreakerRow[] | null> {
  const body = (await pluginJson(host, '/api/breakers')) as { breakers?: unknown[] } | undefined;
  if (!body || !Array.isArray(body.breakers)) return null;
  return body.breakers.map((b) => {
    const o = b as Record<string, unknown>;
    return {
      provider: String(o.provider), account: typeof o.account === 'string' ? o.account : null,
      state: String(o.state), retryInMs: typeof o.retryInMs === 'number' ? o.retryInMs : null,
    };
  });
}

/** Provider-level breaker state by provider name (null without the plugin). */
export async function providerBreakers(host: PluginHost): Promise<Map<string, string> | null> {
  const rows = await breakerRows(host);
  if (!rows) return null;
  const out = new Map<string, string>();
  for (const r of rows) if (r.account === null) out.set(r.provider, r.state);
  return out;
}
