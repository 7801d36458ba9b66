import { Elysia } from 'elysia';
import * as v from 'valibot';
import { isModelGlob } from '../../../util/model-glob.ts';
import { listModels } from '../../../pipeline/gateway-dispatch.ts';
import type { AdminContext } from '../admin-context.ts';
import { actorOf } from '../admin-deps.ts';
import { servableName } from '../config/config-names.ts';
import { apiError, notFound } from '../http/api-error.ts';
import { editResponse } from '../http/edit-response.ts';
import { recentTargets } from './recent-targets.ts';
import { ROUTING_STRATEGIES } from '../../../config/schema.ts';

/** Strategy names the router knows (aliases such as `priority` also work). */
export const STRATEGIES = ROUTING_STRATEGIES;

const NameText = v.pipe(v.string(), v.minLength(1, 'it cannot be empty'), v.maxLength(100, 'it may have at most 100 characters'), servableName);
/** A combo name is routed as a model name: no "/" (that means provider/model), no glob. */
const Name = v.pipe(NameText,
  v.check((s) => !s.includes('/'), 'it cannot contain "/" (that form means provider/model)'),
  v.check((s) => !isModelGlob(s), 'it cannot contain "*" or "?" (globs are for aliases)'));
/** An alias name may be a glob, and a glob may contain "/" (`openai/*`; sent URL-encoded). */
const AliasName = v.pipe(NameText, v.check((s) => !s.includes('/') || isModelGlob(s), 'it cannot contain "/" unless it is a glob'));

/** 400 `invalid_name` when `name` breaks the naming rule of `schema`, else undefined. */
function invalidName(what: 'Combo' | 'Alias', schema: v.GenericSchema<string>, name: string): Response | undefined {
  const r = v.safeParse(schema, name);
  return r.success ? undefined : apiError(400, `${what} name is not valid: ${r.issues[0].message}.`, 'invalid_name', { param: 'name' });
}
const Target = v.pipe(v.string(), v.minLength(1), v.maxLength(300));
const Options = v.record(v.string(), v.unknown());
const PutCombo = v.object({ models: v.pipe(v.array(Target), v.minLength(1)), strategy: v.optional(v.string()), options: v.optional(v.nullable(Options)) });
const PatchCombo = v.object({ models: v.optional(v.pipe(v.array(Target), v.minLength(1))), strategy: v.optional(v.string()), options: v.optional(v.nullable(Options)) });
const PutAlias = v.object({ target: Target });

const tags = ['admin: routing'];

type Section = Record<string, unknown>;
const section = (data: Record<string, unknown>, key: 'combos' | 'aliases'): Section =>
  (data[key] && typeof data[key] === 'object' ? data[key] : {}) as Section;

/** `/api/combos`, `/api/aliases`, `/api/models`: routing names, edited in the YAML in place. */
export function comboRoutes(ctx: AdminContext) {
  const { deps, editor } = ctx;
  const comboView = (name: string, c: Record<string, unknown>) => ({
    name, strategy: (c.strategy as string | undefined) ?? 'fill-first', models: (c.models as string[] | undefined) ?? [],
    options: (c.options as Record<string, unknown> | undefined) ?? null, recent: recentTargets(deps.usage, name),
  });
  const currentCombo = async (name: string) => {
    const c = section((await editor.read()).data, 'combos')[name];
    return c && typeof c === 'object' ? comboView(name, c as Record<string, unknown>) : undefined;
  };
  const audit = (request: Request, action: string, target: string) => deps.audit.record({ actor: actorOf(request), action, target });

  return new Elysia({ name: 'admin-combos' })
    .get('/api/combos', async () => {
      const combos = section((await editor.read()).data, 'combos');
      return { combos: Object.entries(combos).map(([n, c]) => comboView(n, (c ?? {}) as Record<string, unknown>)), strategies: STRATEGIES };
    }, { detail: { summary: 'Combos with their targets, strategy, and which targets served recent requests.', tags } })
    .put('/api/combos/:name', async ({ request, params, body }) => {
      const refused = invalidName('Combo', Name, params.name);
      if (refused) return refused;
      let created = false;
      const value: Record<string, unknown> = { strategy: body.strategy ?? 'fill-first', models: body.models };
      if (body.options) value.options = body.options;
      const outcome = await editor.edit(({ data }) => {
        created = !Object.hasOwn(section(data, 'combos'), params.name);
        return [{ op: 'set', path: ['combos', params.name], value }];
      });
      if (outcome.ok) audit(request, created ? 'combo.added' : 'combo.replaced', params.name);
      const combo = outcome.ok ? await currentCombo(params.name) : undefined;
      return editResponse(outcome, () => ({ combo }), created ? 201 : 200);
    }, { body: PutCombo, detail: { summary: 'Create or replace a combo.', tags } })
    .patch('/api/combos/:name', async ({ request, params, body }) => {
      const outcome = await editor.edit(({ data }) => {
        if (!Object.hasOwn(section(data, 'combos'), params.name)) return notFound(`Combo "${params.name}"`);
        const base = ['combos', params.name];
        return [
          ...(body.models ? [{ op: 'set' as const, path: [...base, 'models'], value: body.models }] : []),
          ...(body.strategy ? [{ op: 'set' as const, path: [...base, 'strategy'], value: body.strategy }] : []),
          ...(body.options === null ? [{ op: 'delete' as const, path: [...base, 'options'] }] : []),
          ...(body.options ? [{ op: 'set' as const, path: [...base, 'options'], value: body.options }] : []),
        ];
      });
      if (outcome.ok) audit(request, 'combo.updated', params.name);
      const combo = outcome.ok ? await currentCombo(params.name) : undefined;
      return editResponse(outcome, () => ({ combo }));
    }, { body: PatchCombo, detail: { summary: 'Change a combo: its targets (in order), strategy or options.', tags } })
    .delete('/api/combos/:name', async ({ request, params }) => {
      const outcome = await editor.edit(({ data }) =>
        Object.hasOwn(section(data, 'combos'), params.name) ? [{ op: 'delete', path: ['combos', params.name] }] : notFound(`Combo "${params.name}"`));
      if (outcome.ok) audit(request, 'combo.removed', params.name);
      return editResponse(outcome, () => ({ ok: true }));
    }, { detail: { summary: 'Remove a combo.', tags } })
    .get('/api/aliases', async () => ({ aliases: section((await editor.read()).data, 'aliases') }), { detail: { summary: 'Aliases (name → target).', tags } })
    .put('/api/aliases/:name', async ({ request, params, body }) => {
      const refused = invalidName('Alias', AliasName, params.name);
      if (refused) return refused;
      const outcome = await editor.edit(() => [{ op: 'set', path: ['aliases', params.name], value: body.target }]);
      if (outcome.ok) audit(request, 'alias.set', params.name);
      return editResponse(outcome, () => ({ alias: { name: params.name, target: body.target } }));
    }, { body: PutAlias, detail: { summary: 'Create or change an alias.', tags } })
    .delete('/api/aliases/:name', async ({ request, params }) => {
      const outcome = await editor.edit(({ data }) =>
        Object.hasOwn(section(data, 'aliases'), params.name) ? [{ op: 'delete', path: ['aliases', params.name] }] : notFound(`Alias "${params.name}"`));
      if (outcome.ok) audit(request, 'alias.removed', params.name);
      return editResponse(outcome, () => ({ ok: true }));
    }, { detail: { summary: 'Remove an alias.', tags } })
    .get('/api/models', () => ({ models: listModels(deps.host.current) }), { detail: { summary: 'Every routable model name (provider/model, aliases, combos).', tags } });
}
