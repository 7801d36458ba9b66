import { GatewayError, openAIErrorType } from '../errors/gateway-error.ts';
import type { Dispatch } from '../pipeline/gateway-dispatch.ts';
import { setRequestIds } from '../pipeline/request-id.ts';
import type { PluginHost } from '../plugin/plugin-host.ts';
import { applyCors, preflight } from './cors.ts';

/** The part of Bun's server the lanes use: the client address. */
export type ClientAddressSource = { requestIP(r: Request): { address: string } | null };

/** What the gateway lanes need; nothing of the Elysia shell. */
export interface GatewayLaneDeps {
  dispatch: Dispatch;
  host: PluginHost;
  corsOrigins: () => readonly string[];
}

/** Where the path of an absolute URL (as servers see them) starts; -1 when it has none. */
function pathStart(url: string): number {
  return url.indexOf('/', url.indexOf('//') + 2);
}

/** True for `/v1/*`, `/v1beta/*` and `/v1alpha/*` URLs (absolute, as servers see them), without parsing the URL. */
export function isGatewayUrl(url: string): boolean {
  const p = pathStart(url);
  return p !== -1 && url.startsWith('/v1', p) && (url[p + 3] === '/' || url.startsWith('beta/', p + 3) || url.startsWith('alpha/', p + 3));
}

/** True when an absolute URL's path is exactly `path` (a query string may follow), without parsing the URL. */
export function urlPathIs(url: string, path: string): boolean {
  const p = pathStart(url);
  if (p === -1 || !url.startsWith(path, p)) return false;
  const end = p + path.length;
  return end === url.length || url[end] === '?';
}

/**
 * Serves the gateway lanes without Elysia's router and context (a few µs on every model
 * call): CORS preflight, request guards, then the plugin dispatch; unknown gateway paths get
 * the OpenAI-shaped 404. The Elysia shell (admin API, docs, dashboard) is not needed here, so
 * a gateway that only proxies never loads it.
 */
export function createGatewayLane(deps: GatewayLaneDeps) {
  const gateway = async (request: Request, server: ClientAddressSource | null): Promise<Response> => {
    // The client address is looked up only if a plugin reads it.
    const res = await deps.dispatch(request, () => server?.requestIP(request)?.address);
    return applyCors(res ?? notFound(request), request, deps.corsOrigins());
  };
  return {
    gateway,
    /** A request on a gateway lane, from the server's fetch handler. */
    fetch(request: Request, server: ClientAddressSource | null): Response | Promise<Response> {
      const early = preflight(request, deps.corsOrigins()) ?? screenRequest(deps, request, server);
      return early ?? gateway(request, server);
    },
  };
}

/**
 * Request guards (IP filters) run before routing and authentication, on every path. A refusal
 * is answered in the dialect of the route it was meant for, else as the admin JSON error.
 */
export function screenRequest(deps: GatewayLaneDeps, request: Request, server: ClientAddressSource | null): Response | undefined {
  const snap = deps.host.current;
  if (snap.requestGuards.length === 0) return undefined;
  const url = new URL(request.url);
  const clientIp = server?.requestIP(request)?.address;
  for (const guard of snap.requestGuards) {
    let err: GatewayError | undefined;
    try {
      err = guard.check({ request, url, clientIp });
    } catch {
      err = new GatewayError('GW_PLUGIN_FAILED', 'A request guard failed.', { status: 503 });
    }
    if (!err) continue;
    const route = snap.routes.match(request.method, url.pathname, request.headers);
    const res = route ? route.value.translator.encodeError(err) : jsonError(err.status, err.message);
    return applyCors(setRequestIds(res, request), request, deps.corsOrigins());
  }
  return undefined;
}

/** A 404 for an unknown gateway path, in the OpenAI shape most clients read. */
export function notFound(request: Request): Response {
  const path = new URL(request.url).pathname;
  return jsonError(404, `Unknown endpoint: ${request.method} ${path}`);
}

/** The admin/OpenAI-shaped JSON error. `cause` is never serialized: internal details stay out of responses. */
export function jsonError(status: number, message: string, cause?: unknown): Response {
  void cause;
  const type = openAIErrorType(status);
  return Response.json({ error: { message, type, param: null, code: status === 404 ? 'not_found' : null } }, { status });
}
