import { Elysia } from 'elysia';
import { loadPresets } from '../../../config/presets.ts';
import { needsBaseUrl } from '../../../config/resolve-providers.ts';
import type { AdminContext } from '../admin-context.ts';
import { actorOf } from '../admin-deps.ts';
import type { ConfigEdit } from '../config/config-editor.ts';
import { apiError, notFound } from '../http/api-error.ts';
import { editResponse } from '../http/edit-response.ts';
import { providerBreakers } from '../overview/plugin-json.ts';
import { describeProviders, maskedEntry, type ProviderView } from './describe-providers.ts';
import { noSecretStore, providerActions, refuseTakenLabel, saveDashboardKey } from './provider-actions.ts';
import type { AccountEntries } from './dashboard-keys.ts';
import { AddProviderBody, keysFromEnv, PatchProviderBody, YAML_KEYS } from './provider-schemas.ts';

const tags = ['admin: providers'];

/** Provider views from the file as it is now and the running snapshot. */
export async function providerViews(ctx: AdminContext): Promise<{ views: ProviderView[]; raw: Record<string, unknown> }> {
  const { data } = await ctx.editor.read();
  const raw = (data.providers && typeof data.providers === 'object' ? data.providers : {}) as Record<string, unknown>;
  const views = describeProviders(ctx.deps.config(), raw, ctx.deps.host.current, ctx.deps.accounts(), await providerBreakers(ctx.deps.host));
  return { views, raw };
}

/**
 * `/api/presets` and `/api/providers`: the catalogue, and providers listed, added (from a preset
 * or custom), changed and removed through in-place YAML edits. Keys typed in the dashboard go
 * to the encrypted account store, never into the YAML.
 */
export function providerRoutes(ctx: AdminContext) {
  const { deps, editor } = ctx;
  const viewOf = async (name: string) => (await providerViews(ctx)).views.find((p) => p.name === name);
  const exists = (data: Record<string, unknown>, name: string) =>
    Boolean(data.providers && typeof data.providers === 'object' && Object.hasOwn(data.providers, name));

  return new Elysia({ name: 'admin-providers' })
    .get('/api/presets', () => {
      const configured = new Set(Object.values(deps.config().providers).map((p) => p.preset).filter(Boolean));
      const names = new Set(Object.keys(deps.config().providers));
      const presets = [...loadPresets().values()].map((p) => ({
        id: p.id, name: p.name, type: p.type, baseUrl: p.baseUrl, env: p.env, local: p.local, docs: p.docs ?? null,
        models: p.models, configured: configured.has(p.id) || names.has(p.id),
      }));
      const types = [...deps.host.current.adapters.keys()].sort();
      return { presets, types, typesWithoutUrl: types.filter((t) => !needsBaseUrl(t)) };
    }, { detail: { summary: 'The bundled provider catalogue, the provider types loaded now, and those that need no base URL.', tags } })
    .get('/api/providers', async () => ({ providers: (await providerViews(ctx)).views }), {
      detail: { summary: 'Configured providers with status, accounts (keys masked), models and breaker state.', tags },
    })
    .get('/api/providers/:name', async ({ params }) => {
      const { views, raw } = await providerViews(ctx);
      const view = views.find((p) => p.name === params.name);
      return view ? { ...view, entry: maskedEntry(raw[params.name]) } : notFound(`Provider "${params.name}"`);
    }, { detail: { summary: 'One provider, with its YAML entry (literal keys masked).', tags } })
    .post('/api/providers', async ({ request, body }) => {
      if (!body.preset && !body.type) return apiError(400, 'Pick a preset, or a type and a base URL.', 'invalid_body', { param: 'preset' });
      if (!body.preset && needsBaseUrl(body.type!) && !body.baseUrl) return apiError(400, 'A custom provider needs a base URL.', 'invalid_body', { param: 'baseUrl' });
      // Refused before the YAML is written: a provider added without the key it came with is half a success.
      if (body.apiKey && !ctx.deps.accounts()) return noSecretStore();
      const entry: Record<string, unknown> = {};
      for (const [field, key] of Object.entries(YAML_KEYS)) {
        const value = body[field as keyof typeof YAML_KEYS];
        if (value !== undefined && !(field === 'enabled' && value === true)) entry[key] = value;
      }
      if (body.keyEnv) entry.keys = keysFromEnv(body.keyEnv);
      const taken = body.apiKey ? refuseTakenLabel(ctx, body.name, body.label, entry as AccountEntries) : undefined;
      if (taken) return taken;
      const outcome = await editor.edit(({ data }) =>
        exists(data, body.name) ? apiError(409, `A provider named "${body.name}" already exists.`, 'conflict') : [{ op: 'set', path: ['providers', body.name], value: entry }]);
      if (outcome.ok && body.apiKey) {
        const saved = await saveDashboardKey(ctx, body.name, body.apiKey, body.label);
        if (saved instanceof Response) return saved;
      }
      if (outcome.ok) deps.audit.record({ actor: actorOf(request), action: 'provider.added', target: body.name, details: { preset: body.preset ?? null, type: body.type ?? null } });
      const view = outcome.ok ? await viewOf(body.name) : undefined;
      return editResponse(outcome, () => ({ provider: view }), 201);
    }, { body: AddProviderBody, detail: { summary: 'Add a provider from a preset or a custom base URL; an API key is stored encrypted.', tags } })
    .patch('/api/providers/:name', async ({ request, params, body }) => {
      const edits: ConfigEdit[] = [];
      for (const [field, key] of Object.entries(YAML_KEYS)) {
        const value = body[field as keyof typeof YAML_KEYS];
        if (value === undefined) continue;
        edits.push(value === null || (field === 'enabled' && value === true) ? { op: 'delete', path: ['providers', params.name, key] } : { op: 'set', path: ['providers', params.name, key], value });
      }
      if (body.keyEnv !== undefined) {
        edits.push(body.keyEnv === null ? { op: 'delete', path: ['providers', params.name, 'keys'] } : { op: 'set', path: ['providers', params.name, 'keys'], value: keysFromEnv(body.keyEnv) });
      }
      const outcome = await editor.edit(({ data }) => (exists(data, params.name) ? edits : notFound(`Provider "${params.name}"`)));
      if (outcome.ok) deps.audit.record({ actor: actorOf(request), action: 'provider.updated', target: params.name, details: { fields: Object.keys(body) } });
      const view = outcome.ok ? await viewOf(params.name) : undefined;
      return editResponse(outcome, () => ({ provider: view }));
    }, { body: PatchProviderBody, detail: { summary: 'Change a provider; only the given keys change in the YAML (null removes one).', tags } })
    .delete('/api/providers/:name', async ({ request, params }) => {
      const outcome = await editor.edit(({ data }) =>
        exists(data, params.name) ? [{ op: 'delete', path: ['providers', params.name] }] : notFound(`Provider "${params.name}"`));
      if (outcome.ok) {
        const repo = deps.accounts();
        const stored = repo?.list(params.name).filter((a) => a.meta.kind === 'api-key') ?? [];
        for (const a of stored) repo!.remove(params.name, a.accountId);
        if (stored.length) await deps.accountsChanged?.();
        deps.audit.record({ actor: actorOf(request), action: 'provider.removed', target: params.name });
      }
      return editResponse(outcome, () => ({ ok: true }));
    }, { detail: { summary: 'Remove a provider (and its dashboard-stored keys).', tags } })
    .use(providerActions(ctx, viewOf));
}
