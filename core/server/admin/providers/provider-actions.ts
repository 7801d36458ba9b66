import { Elysia } from 'elysia';
import type { AdminContext } from '../admin-context.ts';
import { actorOf } from '../admin-deps.ts';
import { apiError, notFound } from '../http/api-error.ts';
import { editResponse } from '../http/edit-response.ts';
import { keyHint } from '../playground/mask-secrets.ts';
import { runInternal } from '../playground/internal-run.ts';
import { API_KEY_KIND, configAccountIds, labelConflict, type AccountEntries } from './dashboard-keys.ts';
import type { AccountView, ProviderView } from './describe-providers.ts';
import { AddKeyBody, TestBody } from './provider-schemas.ts';

const tags = ['admin: providers'];

/**
 * 409 `conflict` when `label` is an account id of `provider` other than a dashboard key (see
 * `labelConflict`), else undefined. `entry` is the provider's YAML entry (default: the serving
 * config's). Answers undefined when there is no label or no secret store.
 */
export function refuseTakenLabel(ctx: AdminContext, provider: string, label: string | undefined, entry?: AccountEntries): Response | undefined {
  const repo = ctx.deps.accounts();
  if (label === undefined || !repo) return undefined;
  const ids = configAccountIds(entry ?? ctx.deps.config().providers[provider]);
  const why = labelConflict(provider, label, ids, repo.list(provider));
  return why ? apiError(409, why, 'conflict', { param: 'label' }) : undefined;
}

/**
 * Stores an API key typed in the dashboard, encrypted, as an account of `provider`, then has the
 * gateway rebuild its provider runtimes. Without a label the key gets the first `dash-N` no
 * account of the provider uses. Answers 501 when the build has no secret store, 409 when the
 * label is taken by a config or connected account.
 */
export async function saveDashboardKey(ctx: AdminContext, provider: string, apiKey: string, label?: string): Promise<AccountView | Response> {
  const repo = ctx.deps.accounts();
  if (!repo) return noSecretStore();
  const refused = refuseTakenLabel(ctx, provider, label);
  if (refused) return refused;
  const taken = new Set([...configAccountIds(ctx.deps.config().providers[provider]), ...repo.list(provider).map((a) => a.accountId)]);
  let id = label;
  for (let n = 1; !id || (label === undefined && taken.has(id)); n++) id = `dash-${n}`;
  const masked = keyHint(apiKey);
  const saved = repo.save({ provider, accountId: id, label: id, secret: apiKey, state: 'active', meta: { kind: API_KEY_KIND, masked } });
  await ctx.deps.accountsChanged?.();
  return { id: saved.accountId, label: saved.label, source: 'dashboard', key: masked, state: saved.state };
}

/** The answer when a key is to be stored but this gateway has nowhere to keep it encrypted. */
export function noSecretStore(): Response {
  return apiError(501, 'This gateway has no encrypted account store; put the key in an environment variable and use keyEnv.', 'no_secret_store');
}

/** Enable/disable, dashboard keys, connection test and the live model list of one provider. */
export function providerActions(ctx: AdminContext, viewOf: (name: string) => Promise<ProviderView | undefined>) {
  const { deps, editor } = ctx;
  const toggle = async (request: Request, name: string, enabled: boolean) => {
    const outcome = await editor.edit(({ data }) => {
      const providers = data.providers as Record<string, unknown> | undefined;
      if (!providers || !Object.hasOwn(providers, name)) return notFound(`Provider "${name}"`);
      return [enabled ? { op: 'delete', path: ['providers', name, 'enabled'] } : { op: 'set', path: ['providers', name, 'enabled'], value: false }];
    });
    if (outcome.ok) deps.audit.record({ actor: actorOf(request), action: enabled ? 'provider.enabled' : 'provider.disabled', target: name });
    const view = outcome.ok ? await viewOf(name) : undefined;
    return editResponse(outcome, () => ({ provider: view }));
  };

  return new Elysia({ name: 'admin-provider-actions' })
    .post('/api/providers/:name/enable', ({ request, params }) => toggle(request, params.name, true), { detail: { summary: 'Enable a provider.', tags } })
    .post('/api/providers/:name/disable', ({ request, params }) => toggle(request, params.name, false), { detail: { summary: 'Disable a provider (writes enabled: false).', tags } })
    .post('/api/providers/:name/keys', async ({ request, params, body }) => {
      if (!(await viewOf(params.name))) return notFound(`Provider "${params.name}"`);
      const account = await saveDashboardKey(ctx, params.name, body.apiKey, body.label);
      if (account instanceof Response) return account;
      deps.audit.record({ actor: actorOf(request), action: 'provider.key-added', target: `${params.name}/${account.id}`, details: { key: account.key } });
      return Response.json({ account }, { status: 201 });
    }, { body: AddKeyBody, detail: { summary: 'Add an API key to a provider (stored encrypted in the database, never in the YAML).', tags } })
    .delete('/api/providers/:name/keys/:accountId', async ({ request, params }) => {
      const repo = deps.accounts();
      const stored = repo?.get(params.name, params.accountId);
      if (!repo || !stored || stored.meta.kind !== API_KEY_KIND) return notFound(`Dashboard key "${params.accountId}" of "${params.name}"`);
      repo.remove(params.name, params.accountId);
      await deps.accountsChanged?.();
      deps.audit.record({ actor: actorOf(request), action: 'provider.key-removed', target: `${params.name}/${params.accountId}` });
      return { ok: true };
    }, { detail: { summary: 'Remove a key that was added in the dashboard.', tags } })
    .post('/api/providers/:name/test', async ({ params, body }) => {
      const runtime = deps.host.current.providers.get(params.name);
      if (!runtime) return (await viewOf(params.name)) ? apiError(409, `Provider "${params.name}" is disabled or not loaded.`, 'conflict') : notFound(`Provider "${params.name}"`);
      const mode = body?.mode ?? 'chat';
      if (mode === 'models') return testModels(ctx, params.name);
      const model = body?.model ?? runtime.models[0];
      if (!model) return apiError(400, `Provider "${params.name}" lists no models: name one to test.`, 'invalid_body', { param: 'model' });
      const r = await runInternal(deps, 'openai-chat', {
        model: `${params.name}/${model}`, messages: [{ role: 'user', content: 'ping' }], max_tokens: 8, stream: false,
      });
      const ok = r.response.status === 200;
      return { ok, mode, model: `${params.name}/${model}`, latencyMs: r.latencyMs, status: r.response.status, error: ok ? null : errorText(r.text), models: null };
    }, { body: TestBody, detail: { summary: 'Test a provider: one tiny request through the pipeline, or its model list call.', tags } })
    .get('/api/providers/:name/models', async ({ params }) => {
      const runtime = deps.host.current.providers.get(params.name);
      if (!runtime) return notFound(`Provider "${params.name}"`);
      const adapter = deps.host.current.adapters.get(runtime.type);
      if (!adapter?.listModels) return { models: runtime.models, source: 'config' };
      try {
        return { models: await adapter.listModels(runtime), source: 'upstream' };
      } catch (e) {
        return apiError(502, `The model list call failed: ${deps.log.redact(e instanceof Error ? e.message : String(e))}`, 'upstream_error');
      }
    }, { detail: { summary: 'The provider\'s models: the upstream list when the adapter has one, else the configured list.', tags } });
}

async function testModels(ctx: AdminContext, name: string) {
  const { deps } = ctx;
  const runtime = deps.host.current.providers.get(name)!;
  const adapter = deps.host.current.adapters.get(runtime.type);
  const started = performance.now();
  try {
    if (!adapter?.listModels) throw new Error(`the ${runtime.type} adapter has no model list call`);
    const models = await adapter.listModels(runtime);
    return { ok: true, mode: 'models', model: null, latencyMs: Math.round(performance.now() - started), status: 200, error: null, models };
  } catch (e) {
    const message = deps.log.redact(e instanceof Error ? e.message : String(e));
    const status = (e as { status?: number }).status ?? 502;
    return { ok: false, mode: 'models', model: null, latencyMs: Math.round(performance.now() - started), status, error: message, models: null };
  }
}

function errorText(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    if (typeof j.error === 'string') return j.error;
    return j.error?.message ?? j.message ?? text.slice(0, 500);
  } catch {
    return text.slice(0, 500);
  }
}
