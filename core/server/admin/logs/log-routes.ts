import { Elysia } from 'elysia';
import * as v from 'valibot';
import type { AdminContext } from '../admin-context.ts';
import { notFound, parseOr400 } from '../http/api-error.ts';
import { redactJson } from '../playground/preview-upstream.ts';
import { usageRowById } from '../usage/usage-stats.ts';

const LogQuery = v.object({
  status: v.optional(v.picklist(['ok', 'error', 'error_midstream', 'client_cancelled', 'rejected'])),
  model: v.optional(v.pipe(v.string(), v.maxLength(300))),
  provider: v.optional(v.pipe(v.string(), v.maxLength(100))),
  key: v.optional(v.pipe(v.string(), v.maxLength(100))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,4}$/, 'a number'), v.transform(Number), v.minValue(1), v.maxValue(500))),
  before: v.optional(v.pipe(v.string(), v.regex(/^\d{1,16}$/, 'epoch ms'), v.transform(Number))),
});
const DocQuery = v.object(Object.fromEntries(['status', 'model', 'provider', 'key', 'limit', 'before'].map((k) => [k, v.optional(v.string())])));

const tags = ['admin: logs'];

/** Rows of one millisecond a page may add past its limit (thousands would be a gateway at 1M req/s). */
const MAX_SAME_MS = 10_000;

/** `/api/logs`: the request log (usage rows) and one request's route, attempts and bodies. */
export function logRoutes(ctx: AdminContext) {
  const { deps, traces } = ctx;
  return new Elysia({ name: 'admin-logs' })
    .get('/api/logs', ({ query }) => {
      const q = parseOr400(LogQuery, query);
      if (!q.ok) return q.response;
      const limit = q.value.limit ?? 100;
      const filter = {
        ...(q.value.status ? { status: q.value.status } : {}), ...(q.value.model ? { model: q.value.model } : {}),
        ...(q.value.provider ? { provider: q.value.provider } : {}), ...(q.value.key ? { keyId: q.value.key } : {}),
      };
      const items = deps.usage.recent(limit, { ...filter, ...(q.value.before === undefined ? {} : { until: q.value.before }) });
      if (items.length < limit) return { items, nextBefore: null };
      // The next page starts before the last row's millisecond, so this one takes all of it
      // (it may run over `limit`): rows sharing that millisecond would otherwise be skipped.
      const last = items[items.length - 1]!.ts;
      const shown = new Set(items.map((r) => r.requestId));
      for (const r of deps.usage.recent(MAX_SAME_MS, { ...filter, since: last, until: last + 1 })) if (!shown.has(r.requestId)) items.push(r);
      return { items, nextBefore: last };
    }, { query: DocQuery, detail: { summary: 'Request log, newest first; filter by status, model, provider, key; page with `before`.', tags } })
    .get('/api/logs/:requestId', ({ params }) => {
      deps.usage.flush();
      const row = usageRowById(deps.sqlite, params.requestId);
      const trace = traces.get(params.requestId);
      if (!row && !trace) return notFound(`Request "${params.requestId}"`);
      const bodies = deps.usage.bodies(params.requestId);
      return {
        row: row ?? null,
        trace: trace ? redactJson(deps, { route: trace.route, attempts: trace.attempts, events: trace.events }) : null,
        bodies: bodies ? { request: bodies.request, response: bodies.response } : null,
      };
    }, { detail: { summary: 'One request: its usage row, route, attempts and events, and (debug mode) redacted bodies.', tags } });
}
