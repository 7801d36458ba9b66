import { openapi } from '@elysia/openapi';
import { toJsonSchema } from '@valibot/to-json-schema';
import { Elysia } from 'elysia';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Dispatch } from '../pipeline/gateway-dispatch.ts';
import type { PluginHost } from '../plugin/plugin-host.ts';
import type { ApiRoute } from '../plugin/types.ts';
import { validationResponse } from './admin/http/api-error.ts';
import { buildOpenApiSpec } from './openapi-spec.ts';
import { createPluginApi } from './plugin-api.ts';
import { preflight } from './cors.ts';
import { createGatewayLane, jsonError, screenRequest, type ClientAddressSource } from './gateway-lane.ts';
import type { HealthSource } from './health.ts';
import { healthReport } from './health.ts';

export interface AppDeps {
  dispatch: Dispatch;
  host: PluginHost;
  health: HealthSource;
  version: string;
  corsOrigins: () => readonly string[];
  /** Guards admin routes (`/api/*` except health, `/metrics`). */
  adminCheck: import('./admin-auth.ts').AdminCheck;
  /** Folder of the built dashboard (served at `/` when present). */
  webDist?: string;
  /** Core admin routes (OAuth, accounts), matched before plugin routes, behind the admin check. */
  coreApi?: ApiRoute[];
  /** Core routes without the admin check (the OAuth callback: its single-use `state` guards it). */
  publicApi?: ApiRoute[];
  /** The admin API (Elysia routes with their own auth, listed in `/docs`); matched before `/api/*`. */
  adminApi?: Elysia;
}

const SWAGGER_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));
/** Paths the plugin dispatch serves (translators' and endpoints' routes); the only ones CORS opens. */
const GATEWAY_PATH = /^\/(v1|v1beta|v1alpha)(\/|$)/;
const SWAGGER_FILES = new Set(['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png']);

/**
 * The HTTP shell. Gateway lanes (`/v1/*`, `/v1beta/*`, `/v1alpha/*`) go to the plugin dispatch;
 * `/api/*` is the admin and health surface; `/docs` serves the API reference from local files (no
 * CDN). Unknown paths get a JSON 404; no handler ever answers with a stack trace.
 */
export function createApp(deps: AppDeps) {
  const lane = createGatewayLane(deps);
  const gateway = ({ request, server }: { request: Request; server: Server | null }) => lane.gateway(request, server);
  /** Admin routes (core, then plugins' `api` capability) behind the admin check; public core routes without it. */
  const pluginApi = createPluginApi(deps);
  const screen = (request: Request, server: Server | null): Response | undefined => screenRequest(deps, request, server);
  let self: { handle(r: Request): Promise<Response> } | undefined;
  const elysiaSpec = async (): Promise<Record<string, unknown>> =>
    (await self!.handle(new Request('http://localhost/docs/elysia.json'))).json() as Promise<Record<string, unknown>>;
  const app = new Elysia({ name: 'switchyard' })
    // `server.cors_origins` opens the gateway lanes only: a preflight to the admin API, the docs or
    // the metrics is refused whatever the list says (their answers carry no CORS headers either).
    .onRequest(({ request, server }) =>
      preflight(request, request.method === 'OPTIONS' && GATEWAY_PATH.test(new URL(request.url).pathname) ? deps.corsOrigins() : [])
        ?? screen(request, server))
    .onError(({ code, error }) => {
      if (code === 'NOT_FOUND') return jsonError(404, 'Not found.');
      if ((code as string) === 'VALIDATION') return validationResponse(error) ?? jsonError(400, 'The request is not valid.');
      const status = code === 'PARSE' || code === 'VALIDATION' ? 400 : 500;
      return jsonError(status, status === 400 ? 'The request is not valid.' : 'Internal gateway error.', error);
    })
    .use(openapi({
      path: '/docs',
      provider: 'swagger-ui',
      specPath: '/docs/elysia.json',
      // Custom checks (`v.check`) have no JSON Schema form: left out of the docs, not warned
      // about with a stack trace on the console each time /docs is opened.
      mapJsonSchema: { valibot: (schema: Parameters<typeof toJsonSchema>[0]) => toJsonSchema(schema, { errorMode: 'ignore' }) },
      // List `/api/usage/export.csv` too (paths with a dot count as static files by default).
      exclude: { staticFile: false },
      documentation: { info: { title: 'Switchyard', version: deps.version, description: 'Self-hosted AI gateway.' } },
      // `url` is not in the plugin's option type but is spread into the page's SwaggerUI options.
      swagger: { url: '/docs/openapi.json', cdn: '/docs/assets/swagger-ui-bundle.js', theme: '/docs/assets/swagger-ui.css', version: 'local' } as Record<string, unknown>,
    }))
    .get('/docs/assets/:file', ({ params }) => {
      if (!SWAGGER_FILES.has(params.file)) return jsonError(404, 'Not found.');
      return new Response(Bun.file(join(SWAGGER_DIR, params.file)));
    }, { detail: { hide: true } })
    .get('/docs/openapi.json', async () => buildOpenApiSpec(await elysiaSpec(), deps.host.current, [...(deps.publicApi ?? []), ...(deps.coreApi ?? [])]), { detail: { hide: true } })
    .get('/api/health', () => healthReport(deps.health, deps.host), {
      detail: { summary: 'Health: status, version, uptime, memory, plugins, config generation and last reload error.', tags: ['admin'] },
    })
    .use(deps.adminApi ?? new Elysia())
    .all('/v1/*', gateway, { detail: { hide: true } })
    .all('/v1beta/*', gateway, { detail: { hide: true } })
    .all('/v1alpha/*', gateway, { detail: { hide: true } })
    .all('/api/*', ({ request }) => pluginApi(request), { detail: { hide: true } })
    // GET twins: Elysia prefers a GET route over an ALL route, so the dashboard's `GET /*`
    // would otherwise shadow GET /v1/models and the plugins' GET /api routes.
    .get('/v1/*', gateway, { detail: { hide: true } })
    .get('/v1beta/*', gateway, { detail: { hide: true } })
    .get('/v1alpha/*', gateway, { detail: { hide: true } })
    .get('/api/*', ({ request }) => pluginApi(request), { detail: { hide: true } })
    .get('/metrics', ({ request }) => pluginApi(request), { detail: { hide: true } });
  if (deps.webDist && existsSync(join(deps.webDist, 'index.html'))) mountDashboard(app as unknown as Elysia, deps.webDist);
  self = app;
  return app;
}

type Server = ClientAddressSource;

/** Path prefixes the dashboard never answers for (a typo there is a JSON 404, not the SPA). */
const RESERVED = /^\/(api|v1|v1beta|v1alpha|docs|metrics)(\/|$)/;

/**
 * Serves the built dashboard: real files from `dist`, and `index.html` for every other path
 * (SPA deep links such as `/setup?token=…` or `/providers/groq`). Never serves outside `dist`.
 */
function mountDashboard(app: Elysia, dist: string): void {
  const root = resolve(dist);
  const index = join(root, 'index.html');
  app.get('/*', ({ request, params }) => {
    const path = new URL(request.url).pathname;
    if (RESERVED.test(path)) return jsonError(404, 'Not found.');
    const rel = (params as Record<string, string>)['*'] ?? '';
    const file = resolve(root, `.${sep}${rel}`);
    const inside = file.startsWith(root + sep) && isFile(file);
    return new Response(Bun.file(inside ? file : index), inside ? undefined : { headers: { 'cache-control': 'no-cache' } });
  }, { detail: { hide: true } });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export { GatewayError };
