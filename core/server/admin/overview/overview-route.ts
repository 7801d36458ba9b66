import { Elysia } from 'elysia';
import * as v from 'valibot';
import type { AdminContext } from '../admin-context.ts';
import { breakerRows } from './plugin-json.ts';

const WINDOW_MS = 5 * 60_000;

const tags = ['admin: overview'];

/** `GET /api/overview` (health page) and `GET /api/audit`. */
export function overviewRoutes(ctx: AdminContext) {
  const { deps, stats } = ctx;
  return new Elysia({ name: 'admin-overview' })
    .get('/api/overview', async () => {
      const mem = process.memoryUsage();
      const config = deps.config();
      const providers = Object.values(config.providers);
      const enabled = providers.filter((p) => p.enabled !== false).length;
      const breakers = await breakerRows(deps.host);
      return {
        version: deps.version,
        uptimeSec: Math.round((Date.now() - deps.startedAt) / 1000),
        startedAt: deps.startedAt,
        memory: { rssMb: mb(mem.rss), heapUsedMb: mb(mem.heapUsed) },
        window: stats.window(WINDOW_MS),
        breakers,
        plugins: deps.host.status().map((p) => ({ name: p.name, kind: p.kind, state: p.state, error: p.error ?? null })),
        providers: { total: providers.length, active: enabled, disabled: providers.length - enabled },
        config: { generation: deps.host.current.generation, file: deps.configFile, lastReloadError: deps.lastReloadError() ?? null },
      };
    }, { detail: { summary: 'Health at a glance: uptime, memory, traffic and latency over 5 minutes, breakers, plugins, config.', tags } })
    .get('/api/audit', ({ query }) => {
      const limit = Number(query.limit);
      return { entries: deps.audit.list({ limit: Number.isFinite(limit) && limit > 0 ? limit : 100 }) };
    }, { query: v.object({ limit: v.optional(v.string()) }), detail: { summary: 'Who changed what through the admin API (newest first).', tags } });
}

function mb(n: number): number {
  return Math.round((n / 1048576) * 10) / 10;
}
