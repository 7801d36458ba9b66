import type { ApiRoute } from '../plugin/types.ts';
import type { Snapshot } from '../plugin/snapshot.ts';

type Spec = { paths?: Record<string, Record<string, unknown>>; [k: string]: unknown };

/**
 * The API reference: Elysia's generated spec (admin routes), the core routes served outside
 * Elysia (`core`: OAuth logins and accounts) and every plugin route of the current snapshot, so
 * routes added by hot-reloaded plugins show up without a restart. A route
 * that needs a header shares its operation with the plain route of the same path: it is named
 * in that operation's description.
 */
export function buildOpenApiSpec(base: Spec, snap: Snapshot, core: readonly ApiRoute[] = []): Spec {
  const paths: Record<string, Record<string, unknown>> = { ...(base.paths ?? {}) };
  const routes = snap.routes.list();
  for (const r of [...routes.filter((x) => !x.header), ...routes.filter((x) => x.header)]) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const summary = r.value.spec.summary ?? `${r.value.translator.dialect} ${r.path}`;
    paths[path] ??= {};
    const shared = r.header ? (paths[path][r.method.toLowerCase()] as { description?: string } | undefined) : undefined;
    if (shared) {
      shared.description = [shared.description, `With a \`${r.header}\` header: ${summary}.`].filter(Boolean).join('\n\n');
      continue;
    }
    paths[path][r.method.toLowerCase()] = {
      summary,
      tags: [r.value.translator.dialect],
      parameters: params.length ? params : undefined,
      security: [{ bearer: [] }],
      requestBody: r.method === 'POST' ? { content: { 'application/json': { schema: { type: 'object' } } } } : undefined,
      responses: { 200: { description: 'Success, in the dialect of the route' }, 401: { description: 'Missing or invalid client key' } },
    };
  }
  // The Responses WebSocket is a transport, not a route of the table: listed by hand.
  (paths['/v1/responses'] ??= {}).get = {
    summary: 'OpenAI Responses over a WebSocket (Codex): upgrade with the client key; each {"type": "response.create", …} frame runs as a POST /v1/responses, its stream\'s events come back one JSON event per frame',
    tags: ['openai-responses'],
    security: [{ bearer: [] }],
    responses: { 101: { description: 'Switching Protocols: the socket is open' }, 401: { description: 'Missing or invalid client key' } },
  };
  for (const r of [...core, ...snap.apiRoutes.list().map((x) => x.value)]) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = { summary: r.summary ?? r.path, tags: ['admin'], responses: { 200: { description: 'OK' } } };
  }
  return {
    ...base,
    paths,
    components: { ...(base.components as object), securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}
