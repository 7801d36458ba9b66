import { Elysia } from 'elysia';
import * as v from 'valibot';
import { isGatewayError } from '../../../errors/gateway-error.ts';
import type { AdminContext } from '../admin-context.ts';
import { apiError } from '../http/api-error.ts';
import { decodeAs, DIALECTS, runInternal } from './internal-run.ts';
import { pickTarget, previewRoute, previewUpstream, redactJson } from './preview-upstream.ts';

const Model = v.pipe(v.string(), v.minLength(1), v.maxLength(300));
const TranslateBody = v.object({
  dialect: v.picklist(DIALECTS),
  body: v.record(v.string(), v.unknown()),
  model: v.optional(Model),
  provider: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(100))),
});
const ChatBody = v.object({ dialect: v.picklist(DIALECTS), body: v.record(v.string(), v.unknown()), model: v.optional(Model) });

const tags = ['admin: playground'];

/**
 * `/api/playground/*`: see what the gateway makes of a request (normalized form, route, exact
 * upstream request), or send it through the gateway and see every hop.
 */
export function playgroundRoutes(ctx: AdminContext) {
  const { deps } = ctx;
  return new Elysia({ name: 'admin-playground' })
    .post('/api/playground/translate', async ({ body }) => {
      const snap = deps.host.acquire();
      try {
        let decoded;
        try {
          decoded = await decodeAs(snap, body.dialect, body.body, body.model);
        } catch (e) {
          if (!isGatewayError(e)) throw e;
          // No translator for the dialect is not the request's fault: say so as it is.
          if (e.code === 'GW_NOT_FOUND') return apiError(404, e.message, 'not_found');
          return apiError(e.status >= 500 ? 400 : e.status, `The ${body.dialect} request is not valid: ${e.message}`, 'invalid_request', e.param ? { param: e.param } : {});
        }
        const { req, input } = decoded;
        const notes: string[] = [];
        const plan = await previewRoute(snap, deps, input, req, body.dialect);
        if (!plan) notes.push(`No router routes the model "${req.model}".`);
        const target = pickTarget(plan, req.model, body.provider);
        let upstream = null;
        if (target) {
          const p = await previewUpstream(snap, deps, body.dialect, req, target);
          if ('note' in p) notes.push(p.note);
          else upstream = p.upstream;
        }
        return {
          normalized: { operation: req.operation, model: req.model, stream: req.stream, body: redactJson(deps, req.body) },
          route: plan ? { targets: plan.targets, strategy: plan.strategy ?? null, via: plan.via ?? null } : null,
          upstream,
          notes,
        };
      } finally {
        deps.host.release(snap);
      }
    }, { body: TranslateBody, detail: { summary: 'Decode a client request (any dialect) and show the normalized form and the exact upstream request.', tags } })
    .post('/api/playground/chat', async ({ body }) => {
      const r = await runInternal(deps, body.dialect, body.body, body.model);
      const contentType = r.response.headers.get('content-type') ?? '';
      return {
        requestId: r.requestId,
        status: r.response.status,
        clientRequest: { dialect: body.dialect, model: body.model ?? null, body: redactJson(deps, body.body) },
        upstreamRequests: r.exchanges.map((x) => x.request),
        upstreamReplies: r.exchanges.map((x) => x.reply),
        reply: { status: r.response.status, headers: { 'content-type': contentType }, body: parseMaybe(deps.log.redact(r.text), contentType) },
        latencyMs: r.latencyMs,
      };
    }, { body: ChatBody, detail: { summary: 'Send a request through the gateway and show client request, upstream request and reply, and the translated reply.', tags } });
}

function parseMaybe(text: string, contentType: string): unknown {
  if (!contentType.includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
