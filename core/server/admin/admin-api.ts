import { Elysia } from 'elysia';
import { compileRoutes } from '../../plugin/route-table.ts';
import { createAdminContext } from './admin-context.ts';
import { apiError } from './http/api-error.ts';
import type { AdminRecorders } from './admin-recorders.ts';
import type { AdminDeps } from './admin-deps.ts';
import { authRoutes } from './auth/auth-routes.ts';
import { comboRoutes } from './combos/combo-routes.ts';
import { eventsRoute } from './events/events-route.ts';
import { keyRoutes } from './keys/key-routes.ts';
import { logRoutes } from './logs/log-routes.ts';
import { overviewRoutes } from './overview/overview-route.ts';
import { playgroundRoutes } from './playground/playground-routes.ts';
import { pluginRoutes } from './plugins/plugin-routes.ts';
import { providerRoutes } from './providers/provider-routes.ts';
import { settingsRoutes } from './settings/settings-routes.ts';
import { toolRoutes } from './tools/tool-routes.ts';
import { usageRoutes } from './usage/usage-routes.ts';

/**
 * Request bodies of `/api` routes, refused before they are read (Elysia reads and parses a whole
 * body first; a 200 MB one to the login route cost 1.9 GB): a password or a token for the
 * public routes, a config file or a plugin's settings for the admin ones.
 */
const PUBLIC_BODY_LIMIT = 64 * 1024;
const ADMIN_BODY_LIMIT = 16 * 1024 * 1024;

/**
 * 413 when the declared body is over `limit`; 411 for a body of unknown length on a public route
 * (browsers and SDKs declare it; counting a stream here would read it). Undefined: go on.
 */
function bodyRefused(request: Request, limit: number): Response | undefined {
  const declared = request.headers.get('content-length');
  if (declared === null) {
    if (limit === PUBLIC_BODY_LIMIT && request.body !== null && request.method !== 'GET' && request.method !== 'HEAD') {
      return apiError(411, 'Send a Content-Length with the body.', 'length_required');
    }
    return undefined;
  }
  const n = Number(declared);
  return Number.isFinite(n) && n <= limit ? undefined : apiError(413, `The body is over ${limit / 1024} KB.`, 'body_too_large');
}

/** Public `/api` routes served by the shell itself. */
const PUBLIC = [{ method: 'GET', path: '/api/health' }];

/** The admin API as an Elysia plugin plus the teardown of its listeners. */
export interface AdminApi {
  app: Elysia;
  close(): void;
}

/**
 * Builds the admin API (`/api/*` routes owned by the core): the public auth routes, then every
 * other group behind the admin check (admin token or dashboard session; client keys 403; the
 * CSRF Origin check for cookie requests). Plugin-provided `/api` routes are served separately
 * by `createApp` behind the same check. `recorders`: bus listeners subscribed earlier (see
 * `createAdminRecorders`); without them the API subscribes its own. `open`: other public
 * `/api` routes served beside it (the OAuth callback).
 *
 * The check fails closed: it runs before routing for every `/api/*` path except the public
 * routes, matched exactly. (It once ran only for paths matching a guarded route exactly, and
 * Elysia also routes `/api/keys/` to `/api/keys`: a trailing slash skipped the check.)
 */
export function createAdminApi(deps: AdminDeps, recorders?: AdminRecorders, open: ReadonlyArray<{ method: string; path: string }> = []): AdminApi {
  const ctx = createAdminContext(deps, recorders);
  const guarded = new Elysia({ name: 'admin-guarded' })
    .use(overviewRoutes(ctx))
    .use(providerRoutes(ctx))
    .use(comboRoutes(ctx))
    .use(pluginRoutes(ctx))
    .use(settingsRoutes(ctx))
    .use(keyRoutes(ctx))
    .use(usageRoutes(ctx))
    .use(logRoutes(ctx))
    .use(eventsRoute(ctx))
    .use(playgroundRoutes(ctx))
    .use(toolRoutes(ctx));
  const auth = authRoutes(deps);
  // The check runs before routing, so a refused caller costs no body parsing or validation.
  const publicRoutes = compileRoutes([...auth.routes, ...PUBLIC, ...open].map((r) => ({ method: r.method, path: r.path, value: true })));
  const app = new Elysia({ name: 'admin-api' })
    .onRequest(async ({ request }) => {
      const path = new URL(request.url).pathname;
      if (!path.startsWith('/api/') && path !== '/api') return undefined;
      const method = request.method === 'HEAD' ? 'GET' : request.method;
      if (publicRoutes.match(method, path)) return bodyRefused(request, PUBLIC_BODY_LIMIT);
      return (await deps.adminCheck(request)) ?? bodyRefused(request, ADMIN_BODY_LIMIT);
    })
    .use(auth)
    .use(guarded);
  return { app: app as unknown as Elysia, close: () => ctx.close() };
}
