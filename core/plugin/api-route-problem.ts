import type { RouteTable } from './route-table.ts';

/**
 * Why a plugin's `api` route can never be reached, or undefined when it can. The shell hands
 * plugins `/api/*` (any method) and `GET /metrics`, after its own routes: a route elsewhere, or
 * one a core route (`reserved`, valued `METHOD path`) already answers, would be dropped silently.
 */
export function apiRouteProblem(route: { method: string; path: string }, reserved: RouteTable<string>): string | undefined {
  const name = `${route.method} ${route.path}`;
  if (route.path === '/metrics') return route.method === 'GET' ? undefined : `api route ${name}: only GET /metrics is served`;
  if (!route.path.startsWith('/api/')) return `api route ${name}: plugin api routes must be under /api/ (or be GET /metrics)`;
  const core = reserved.match(route.method, route.path);
  if (core) return `api route ${name}: the built-in route ${core.value} answers it first`;
  return undefined;
}
