import { GatewayError, openAIErrorType } from '../errors/gateway-error.ts';
import type { Dispatch } from '../pipeline/gateway-dispatch.ts';
import { setRequestIds } from '../pipeline/request-id.ts';
import type { PluginHost } from '../plugin/plugin-host.ts';
import { turnEnd } from '../util/turn-end.ts';
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
    const ip = () => server?.requestIP(request)?.address;
    let res = await deps.dispatch(request, ip);
    if (!res) {
      // A base URL set one segment too deep (`…/v1` for Claude Code gives /v1/v1/messages) or a
      // trailing slash: the route the client meant serves it.
      const meant = meantUrl(request.url);
      if (meant) res = await deps.dispatch(new Request(meant, request), ip);
    }
    res = applyCors(res ?? notFound(request), request, deps.corsOrigins());
    // With other requests in flight the answer is handed to the server with the rest of this
    // turn's answers: their clients wake once for the lot (core/util/turn-end.ts).
    if (deps.host.inflight() > 1) await turnEnd();
    return res;
  };
  return {
    gateway,
    /** A request on a gateway lane, from the server's fetch handler. */
    fetch(request: Request, server: ClientAddressSource | null): Response | Promise<Response> {
      const early = preflight(request, deps.corsOrigins()) ?? screenRequest(deps, request, server);
      return early ?? gateway(request, server);
    },
    /**
     * A model call sent without the version prefix (an OpenAI SDK whose base URL lacks `/v1`:
     * `POST /chat/completions`), as the request to the gateway route it meant; undefined for
     * anything else. Not for GET: paths outside the lanes are the dashboard's pages.
     */
    unprefixed(request: Request): Request | undefined {
      if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return undefined;
      const url = new URL(request.url);
      if (!deps.host.current.routes.match(request.method, `/v1${url.pathname}`, request.headers)) return undefined;
      url.pathname = `/v1${url.pathname}`;
      return new Request(url, request);
    },
  };
}

/** `/v1/v1beta/…` and the like: a version segment, then another one. */
const DOUBLED_VERSION = /^\/v1(?:beta|alpha)?(?=\/v1(?:beta|alpha)?(?:\/|$))/;

/**
 * The URL a request to an unknown gateway path most likely meant: the path without a doubled
 * version segment (`/v1/v1/messages`, `/v1/v1beta/models/…`), or without a trailing slash.
 * Undefined when neither applies.
 */
export function meantUrl(raw: string): string | undefined {
  const url = new URL(raw);
  const path = url.pathname.replace(DOUBLED_VERSION, '').replace(/\/+$/, '');
  if (path === url.pathname || path === '') return undefined;
  url.pathname = path;
  return url.href;
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

/** A 404 for an unknown gateway path, in the OpenAI shape most clients read, saying where model calls go. */
export function notFound(request: Request): Response {
  const path = new URL(request.url).pathname;
  return jsonError(404, `Unknown endpoint: ${request.method} ${path}. Model calls go to POST /v1/chat/completions, /v1/messages, /v1/responses or /v1beta/models/{model}:generateContent; GET /docs lists every route.`);
}

/** The admin/OpenAI-shaped JSON error. `cause` is never serialized: internal details stay out of responses. */
export function jsonError(status: number, message: string, cause?: unknown): Response {
  void cause;
  const type = openAIErrorType(status);
  return Response.json({ error: { message, type, param: null, code: status === 404 ? 'not_found' : null } }, { status });
}
