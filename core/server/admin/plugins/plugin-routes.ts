import { Elysia } from 'elysia';
import * as v from 'valibot';
import type { AdminContext } from '../admin-context.ts';
import { actorOf } from '../admin-deps.ts';
import type { ConfigEdit, ConfigView } from '../config/config-editor.ts';
import { keepMaskedSecrets } from '../config/keep-masked-secrets.ts';
import { PLUGIN_MASK_RULES } from '../config/mask-config-tree.ts';
import { apiError, notFound } from '../http/api-error.ts';
import { editResponse } from '../http/edit-response.ts';
import { checkPluginConfig } from './check-plugin-config.ts';
import { configJsonSchema, entryFor, listPlugins, pluginEntries, pluginModule } from './plugin-catalog.ts';

const Config = v.object({ config: v.nullable(v.record(v.string(), v.unknown())) });
const Order = v.object({ order: v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.minLength(1)) });

const tags = ['admin: plugins'];

/**
 * `/api/plugins`: every plugin with its state, hooks and config (secrets masked); enable/disable,
 * config (masks sent back keep the saved secrets; then checked against the plugin's own valibot
 * schema), hook order and reload. All changes are edits of the `plugins:` list in the YAML,
 * applied by the same transactional reload as a hand edit.
 */
export function pluginRoutes(ctx: AdminContext) {
  const { deps, editor } = ctx;
  const all = async () => listPlugins(deps.host, (await editor.read()).data, deps.configFile);
  const one = async (name: string) => (await all()).find((p) => p.name === name);
  const statusOf = (name: string) => deps.host.status().find((s) => s.name === name);
  /** Edits of one plugin's entry: replace it in place, or append a new one. */
  const entryEdit = (view: ConfigView, name: string, value: unknown): ConfigEdit[] => {
    const entries = pluginEntries(view.data);
    const entry = entryFor(entries, name, statusOf(name), deps.configFile);
    const ref = entry?.ref ?? name;
    const item = value === undefined ? ref : { [ref]: value };
    if (!Array.isArray(view.data.plugins)) return [{ op: 'set', path: ['plugins'], value: [item] }];
    return [{ op: 'set', path: ['plugins', entry ? entry.index : (view.data.plugins as unknown[]).length], value: item }];
  };
  const toggle = async (request: Request, name: string, enabled: boolean) => {
    const known = await one(name);
    if (!known) return notFound(`Plugin "${name}"`);
    const outcome = await editor.edit((view) => {
      const entry = entryFor(pluginEntries(view.data), name, statusOf(name), deps.configFile);
      if (enabled && entry && entry.config !== false) return [];
      if (enabled && !entry && known.state === 'active') return [];
      return entryEdit(view, name, enabled ? undefined : false);
    });
    if (outcome.ok) deps.audit.record({ actor: actorOf(request), action: enabled ? 'plugin.enabled' : 'plugin.disabled', target: name });
    const plugin = outcome.ok ? await one(name) : undefined;
    return editResponse(outcome, () => ({ plugin }));
  };

  return new Elysia({ name: 'admin-plugins' })
    .get('/api/plugins', async () => ({ plugins: await all(), generation: deps.host.current.generation }), {
      detail: { summary: 'Every plugin (built-in and drop-in): kind, state, errors, hooks, position and config.', tags },
    })
    .get('/api/plugins/:name', async ({ params }) => {
      const p = await one(params.name);
      return p ? { ...p, schema: configJsonSchema(await pluginModule(deps.host, params.name)) } : notFound(`Plugin "${params.name}"`);
    }, { detail: { summary: 'One plugin, with the JSON Schema of its config (for a generated form).', tags } })
    .post('/api/plugins/:name/enable', ({ request, params }) => toggle(request, params.name, true), { detail: { summary: 'Enable a plugin.', tags } })
    .post('/api/plugins/:name/disable', ({ request, params }) => toggle(request, params.name, false), { detail: { summary: 'Disable a plugin (writes `- name: false`).', tags } })
    .put('/api/plugins/:name/config', async ({ request, params, body }) => {
      if (!(await one(params.name))) return notFound(`Plugin "${params.name}"`);
      const plugin = await pluginModule(deps.host, params.name);
      const outcome = await editor.edit((view) => {
        // The form loaded a masked view and sends all of it back: masks keep the secrets saved
        // in this very file (read again on every try of the edit).
        const saved = entryFor(pluginEntries(view.data), params.name, statusOf(params.name), deps.configFile)?.config;
        const kept = keepMaskedSecrets(body.config, saved, PLUGIN_MASK_RULES);
        if (!kept.ok) return apiError(400, kept.message, 'masked_secret', { param: kept.path });
        return checkPluginConfig(params.name, plugin, kept.value, deps.env) ?? entryEdit(view, params.name, kept.value ?? undefined);
      });
      if (outcome.ok) deps.audit.record({ actor: actorOf(request), action: 'plugin.configured', target: params.name });
      const view = outcome.ok ? await one(params.name) : undefined;
      return editResponse(outcome, () => ({ plugin: view }));
    }, { body: Config, detail: { summary: 'Set a plugin\'s config (validated against its schema; a secret sent back as its mask is kept), written as `- name: {…}`.', tags } })
    .put('/api/plugins/order', async ({ request, body }) => {
      // Only plugins the gateway knows (built-in, dropped in, or listed): a path or an unknown
      // name written into `plugins:` would be imported on the next reload.
      const known = new Set((await all()).map((p) => p.name));
      const unknown = body.order.find((n) => !known.has(n));
      if (unknown !== undefined) return notFound(`Plugin "${unknown}"`);
      const outcome = await editor.edit((view) => orderEdits(view, body.order, (n) => entryFor(pluginEntries(view.data), n, statusOf(n), deps.configFile)?.index));
      if (outcome.ok) deps.audit.record({ actor: actorOf(request), action: 'plugin.reordered', details: { order: body.order } });
      const plugins = outcome.ok ? await all() : [];
      return editResponse(outcome, () => ({ plugins }));
    }, { body: Order, detail: { summary: 'Rewrite the plugins list in this order (hook order).', tags } })
    .post('/api/plugins/reload', async ({ request }) => {
      const error = await deps.reload();
      deps.audit.record({ actor: actorOf(request), action: 'plugin.reloaded' });
      return { config: { generation: deps.host.current.generation, reloadError: error ?? null }, plugins: await all() };
    }, { detail: { summary: 'Re-read the config file and the plugins folder now.', tags } });
}

/** Named entries first in the given order, the others after in their order; unlisted names are added where named. */
function orderEdits(view: ConfigView, order: string[], indexOf: (name: string) => number | undefined): ConfigEdit[] {
  const list = Array.isArray(view.data.plugins) ? (view.data.plugins as unknown[]) : [];
  const named = [...new Set(order)].map((name) => ({ name, index: indexOf(name) }));
  const first = named.flatMap((n) => (n.index === undefined ? [] : [n.index]));
  const rest = list.map((_, i) => i).filter((i) => !first.includes(i));
  // Only listed plugins: move the entries' text (comments travel with them).
  if (named.every((n) => n.index !== undefined)) return [{ op: 'reorder', path: ['plugins'], order: [...first, ...rest] }];
  const items = [...named.map((n) => (n.index === undefined ? n.name : list[n.index])), ...rest.map((i) => list[i])];
  return [{ op: 'set', path: ['plugins'], value: items }];
}
