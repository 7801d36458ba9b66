import type { PluginHost } from '../plugin/plugin-host.ts';
import { compileRoutes } from '../plugin/route-table.ts';
import type { ApiRoute } from '../plugin/types.ts';
import type { AdminCheck } from './admin-auth.ts';
import { jsonError, urlPathIs } from './gateway-lane.ts';

/** What the plugin API needs: the routes and the admin check, nothing of the Elysia shell. */
export interface PluginApiDeps {
  host: PluginHost;
  adminCheck: AdminCheck;
  /** Core admin routes (OAuth, accounts), matched before plugin routes, behind the admin check. */
  coreApi?: ApiRoute[];
  /** Core routes without the admin check (the OAuth callback: its single-use `state` guards it). */
  publicApi?: ApiRoute[];
}

/**
 * The handler of `/api/*` routes that are not the admin API's and of `/metrics`: public core
 * routes, then core admin routes, then the plugins' `api` routes of the serving snapshot, the
 * last two behind the admin check. Unknown paths are a JSON 404; a route that throws is a 500
 * without details.
 */
export function createPluginApi(deps: PluginApiDeps): (request: Request) => Promise<Response> {
  const coreApi = compileRoutes((deps.coreApi ?? []).map((r) => ({ method: r.method, path: r.path, value: r })));
  const publicApi = compileRoutes((deps.publicApi ?? []).map((r) => ({ method: r.method, path: r.path, value: r })));
  return async (request) => {
    const path = new URL(request.url).pathname;
    const open = publicApi.match(request.method, path);
    const m = open ?? coreApi.match(request.method, path) ?? deps.host.current.apiRoutes.match(request.method, path);
    if (!m) return jsonError(404, 'Not found.');
    const denied = open ? undefined : await deps.adminCheck(request);
    if (denied) return denied;
    try {
      return await m.value.handle(request, m.params);
    } catch (e) {
      return jsonError(500, 'Internal gateway error.', e);
    }
  };
}

/** True for `GET /metrics` (query string allowed), without parsing the URL: Prometheus scrapes it. */
export function isMetricsScrape(request: Request): boolean {
  return request.method === 'GET' && urlPathIs(request.url, '/metrics');
}
