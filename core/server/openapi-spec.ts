import type { Snapshot } from '../plugin/snapshot.ts';

type Spec = { paths?: Record<string, Record<string, unknown>>; [k: string]: unknown };

/**
 * The API reference: Elysia's generated spec (admin routes) plus every plugin route of the
 * current snapshot, so routes added by hot-reloaded plugins show up without a restart.
 */
export function buildOpenApiSpec(base: Spec, snap: Snapshot): Spec {
  const paths: Record<string, Record<string, unknown>> = { ...(base.paths ?? {}) };
  for (const r of snap.routes.list()) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      summary: r.value.spec.summary ?? `${r.value.translator.dialect} ${r.path}`,
      tags: [r.value.translator.dialect],
      parameters: params.length ? params : undefined,
      security: [{ bearer: [] }],
      requestBody: r.method === 'POST' ? { content: { 'application/json': { schema: { type: 'object' } } } } : undefined,
      responses: { 200: { description: 'Success, in the dialect of the route' }, 401: { description: 'Missing or invalid client key' } },
    };
  }
  for (const r of snap.apiRoutes.list()) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = { summary: r.value.summary ?? r.path, tags: ['admin'], responses: { 200: { description: 'OK' } } };
  }
  return {
    ...base,
    paths,
    components: { ...(base.components as object), securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}
