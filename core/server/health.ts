import type { PluginHost } from '../plugin/plugin-host.ts';
import { urlPathIs } from './gateway-lane.ts';

/** What the health report reads from the running gateway. */
export interface HealthSource {
  version: string;
  startedAt: number;
  /** The last config reload error (file:line:col and message, never secret values). */
  lastReloadError(): { file: string; line?: number; col?: number; message: string; at: number } | undefined;
}

/**
 * `GET /api/health`: public and free of secrets. `status` is `degraded` when a plugin errored
 * or the last config reload was rejected (the previous config keeps serving).
 */
export function healthReport(src: HealthSource, host: PluginHost) {
  const snap = host.current;
  const plugins = host.status().map((p) => ({ name: p.name, kind: p.kind, state: p.state, error: p.error, hooks: p.hooks }));
  const reloadError = src.lastReloadError();
  const mem = process.memoryUsage();
  return {
    status: reloadError || plugins.some((p) => p.state === 'errored') ? 'degraded' : 'ok',
    version: src.version,
    uptimeSec: Math.round((Date.now() - src.startedAt) / 1000),
    memory: { rssMb: mb(mem.rss), heapUsedMb: mb(mem.heapUsed) },
    config: { generation: snap.generation, lastReloadError: reloadError ?? null },
    providers: [...snap.providers.values()].map((p) => ({ name: p.name, type: p.type, accounts: p.accounts.length, models: p.models.length })),
    plugins,
  };
}

/**
 * True for `GET` or `HEAD /api/health` (query string allowed; `wget --spider` sends HEAD),
 * without parsing the URL. The server answers it before the Elysia shell: a monitor polling
 * health every few seconds would otherwise load the admin API, Elysia and drizzle (~13 MB
 * resident) into a gateway that only proxies.
 */
export function isHealthCheck(request: Request): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && urlPathIs(request.url, '/api/health');
}

function mb(n: number): number {
  return Math.round((n / 1048576) * 10) / 10;
}
