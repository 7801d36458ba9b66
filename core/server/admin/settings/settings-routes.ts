import { Elysia } from 'elysia';
import * as v from 'valibot';
import type { AdminContext } from '../admin-context.ts';
import { actorOf } from '../admin-deps.ts';
import type { ConfigEdit } from '../config/config-editor.ts';
import { maskConfigTree, PLUGIN_MASK_RULES } from '../config/mask-config-tree.ts';
import { editResponse } from '../http/edit-response.ts';
import { builtinPlugins, configJsonSchema, entryFor, pluginEntries } from '../plugins/plugin-catalog.ts';

/** Plugins whose config reads like a gateway setting (shown on the settings page when present). */
const SETTING_PLUGINS = ['system-prompt', 'thinking-budget', 'ip-filter'];

const Days = v.pipe(v.number(), v.integer(), v.minValue(0));

const Patch = v.object({
  server: v.optional(v.object({ cors_origins: v.optional(v.array(v.pipe(v.string(), v.regex(/^(\*|https?:\/\/[^/\s]+)$/, 'an origin such as https://example.com, or *')))) })),
  auth: v.optional(v.object({ require_key: v.optional(v.boolean()) })),
  logging: v.optional(v.object({
    level: v.optional(v.picklist(['debug', 'info', 'warn', 'error'])),
    bodies: v.optional(v.boolean()),
    retention: v.optional(v.object({ usage_days: v.optional(Days), bodies_days: v.optional(Days) })),
  })),
  request: v.optional(v.object({ deadline_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) })),
});

const tags = ['admin: settings'];

/** `/api/settings`: the handful of gateway settings the dashboard edits, plus settings-like plugins. */
export function settingsRoutes(ctx: AdminContext) {
  const { deps, editor } = ctx;
  const current = async () => {
    const c = deps.config();
    const { data } = await editor.read();
    const entries = pluginEntries(data);
    const modules = await builtinPlugins();
    const plugins: Record<string, unknown> = {};
    for (const name of SETTING_PLUGINS) {
      const plugin = deps.host.current.instances.find((i) => i.name === name)?.plugin ?? modules.get(name)?.plugin;
      if (!plugin) continue;
      const status = deps.host.status().find((s) => s.name === name);
      const entry = entryFor(entries, name, status, deps.configFile);
      plugins[name] = {
        present: true, enabled: status?.state === 'active' || status?.state === 'errored',
        config: entry && typeof entry.config === 'object' ? maskConfigTree(entry.config, PLUGIN_MASK_RULES) : null, schema: configJsonSchema(plugin),
      };
    }
    return {
      server: { host: c.server.host, port: c.server.port, cors_origins: c.server.cors_origins },
      /** Where the gateway listens now: differs from `server` when `--host`/`--port`/`PORT` override it. */
      listening: { ...deps.listening(), url: deps.publicUrl() },
      auth: { require_key: c.auth.require_key },
      logging: { level: c.logging.level, bodies: c.logging.bodies, retention: c.logging.retention },
      request: { deadline_ms: c.request.deadline_ms },
      plugins,
    };
  };

  return new Elysia({ name: 'admin-settings' })
    .get('/api/settings', current, { detail: { summary: 'Server, security, logging and request settings, plus settings-like plugins.', tags } })
    .patch('/api/settings', async ({ request, body }) => {
      // Only what changes is written: a field sent back as it is serving (the dashboard sends the
      // whole form) keeps its YAML text, so `${ENV}` references are never replaced by their values.
      const running = deps.config() as unknown as Record<string, unknown>;
      const edits = editsOf(body, []).filter((e) => e.op !== 'set' || !sameValue(valueAt(running, e.path), e.value));
      const outcome = await editor.edit(() => edits);
      if (outcome.ok) deps.audit.record({ actor: actorOf(request), action: 'settings.updated', details: { fields: edits.map((e) => e.path.join('.')) } });
      const settings = outcome.ok ? await current() : undefined;
      return editResponse(outcome, () => ({ settings }));
    }, { body: Patch, detail: { summary: 'Change settings; each is written in place in the YAML.', tags } });
}

function valueAt(root: Record<string, unknown>, path: readonly (string | number)[]): unknown {
  let at: unknown = root;
  for (const k of path) at = at !== null && typeof at === 'object' ? (at as Record<string | number, unknown>)[k] : undefined;
  return at;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** One `set` per leaf value of the patch (an array is a value); sections and sub-sections are walked. */
function editsOf(patch: object, at: string[]): ConfigEdit[] {
  const out: ConfigEdit[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) out.push(...editsOf(value, [...at, key]));
    else out.push({ op: 'set', path: [...at, key], value });
  }
  return out;
}
