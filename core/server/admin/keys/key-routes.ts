import { Elysia } from 'elysia';
import * as v from 'valibot';
import type { AdminContext } from '../admin-context.ts';
import { actorOf } from '../admin-deps.ts';
import { apiError, notFound } from '../http/api-error.ts';
import type { KeyLimits } from '../../../db/schema.ts';
import { keyView, rotatedExpiry, updateKey } from './key-view.ts';

const Money = v.pipe(v.number(), v.minValue(0));
const Count = v.pipe(v.number(), v.integer(), v.minValue(1));
/** A form's empty field arrives as null: no limit of that kind (see `withoutNulls`). */
const Limits = v.object({ rpm: v.nullish(Count), tpm: v.nullish(Count), dailyBudgetUsd: v.nullish(Money), monthlyBudgetUsd: v.nullish(Money) });
const Scopes = v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(200))), v.maxLength(200));
const Name = v.pipe(v.string(), v.regex(/\S/, 'a name'), v.maxLength(100));
const Expiry = v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0)));

const CreateBody = v.object({ name: Name, scopes: v.optional(Scopes), limits: v.optional(Limits), expiresAt: v.optional(Expiry) });
const PatchBody = v.object({ name: v.optional(Name), scopes: v.optional(v.nullable(Scopes)), limits: v.optional(v.nullable(Limits)), expiresAt: v.optional(Expiry) });

const tags = ['admin: keys'];

/** `/api/keys`: client API keys — list, create (secret shown once), edit, revoke, rotate. */
export function keyRoutes(ctx: AdminContext) {
  const { keys, usage, db, audit } = ctx.deps;
  const view = (id: string) => {
    const k = keys.get(id);
    return k ? keyView(k, usage, ctx.deps.now()) : undefined;
  };
  const revoke = (request: Request, id: string) => {
    if (!keys.get(id)) return notFound(`Key "${id}"`);
    const k = keys.revoke(id)!;
    audit.record({ actor: actorOf(request), action: 'key.revoked', target: k.id, details: { prefix: k.prefix } });
    return { key: view(k.id) };
  };

  return new Elysia({ name: 'admin-keys' })
    .get('/api/keys', () => ({ keys: keys.list().map((k) => keyView(k, usage, ctx.deps.now())) }), {
      detail: { summary: 'Client API keys (never the secrets), with today\'s and this month\'s spend.', tags },
    })
    .post('/api/keys', ({ request, body }) => {
      // A key that is expired at birth would be shown once and never work.
      if (body.expiresAt != null && body.expiresAt <= ctx.deps.now()) {
        return apiError(400, 'expiresAt is in the past: a new key must expire later than now (or never: null).', 'invalid_body', { param: 'expiresAt' });
      }
      const { info, secret } = keys.createKey({ name: body.name, scopes: body.scopes, limits: withoutNulls(body.limits), expiresAt: body.expiresAt ?? null });
      audit.record({ actor: actorOf(request), action: 'key.created', target: info.id, details: { prefix: info.prefix, name: info.name } });
      return Response.json({ key: view(info.id), secret }, { status: 201, headers: { 'cache-control': 'no-store' } });
    }, { body: CreateBody, detail: { summary: 'Create a client key; the secret is in this response only.', tags } })
    .get('/api/keys/:id', ({ params }) => {
      const k = view(params.id);
      return k ? { key: k } : notFound(`Key "${params.id}"`);
    }, { detail: { summary: 'One client key.', tags } })
    .patch('/api/keys/:id', ({ request, params, body }) => {
      const { limits, ...rest } = body;
      const patch = limits === undefined ? rest : { ...rest, limits: limits === null ? null : withoutNulls(limits)! };
      if (!updateKey(db, params.id, patch)) return notFound(`Key "${params.id}"`);
      audit.record({ actor: actorOf(request), action: 'key.updated', target: params.id, details: { fields: Object.keys(body) } });
      return { key: view(params.id) };
    }, { body: PatchBody, detail: { summary: 'Change a key\'s name, scopes, limits, budget or expiry.', tags } })
    .post('/api/keys/:id/revoke', ({ request, params }) => revoke(request, params.id), { detail: { summary: 'Revoke a key.', tags } })
    .delete('/api/keys/:id', ({ request, params }) => revoke(request, params.id), { detail: { summary: 'Revoke a key (same as POST …/revoke).', tags } })
    .post('/api/keys/:id/rotate', ({ request, params }) => {
      const old = keys.get(params.id);
      if (!old) return notFound(`Key "${params.id}"`);
      const { info, secret } = keys.createKey({ name: old.name, scopes: old.scopes, limits: old.limits, expiresAt: rotatedExpiry(old, ctx.deps.now()) });
      keys.revoke(old.id);
      audit.record({ actor: actorOf(request), action: 'key.rotated', target: old.id, details: { from: old.prefix, to: info.prefix } });
      return Response.json({ key: view(info.id), secret, revoked: view(old.id) }, { status: 201, headers: { 'cache-control': 'no-store' } });
    }, { detail: { summary: 'Replace a key: a new secret with the same name, scopes, limits and expiry (an expired key gets its original lifetime again, from now); the old one is revoked.', tags } });
}

type LimitsIn = v.InferOutput<typeof Limits>;

/** The limits that are set (a null field is no limit of that kind). */
function withoutNulls(l: LimitsIn | undefined): KeyLimits | undefined {
  if (!l) return undefined;
  const out: KeyLimits = {};
  if (l.rpm != null) out.rpm = l.rpm;
  if (l.tpm != null) out.tpm = l.tpm;
  if (l.dailyBudgetUsd != null) out.dailyBudgetUsd = l.dailyBudgetUsd;
  if (l.monthlyBudgetUsd != null) out.monthlyBudgetUsd = l.monthlyBudgetUsd;
  return out;
}
