import { Elysia } from 'elysia';
import { homedir } from 'node:os';
import * as v from 'valibot';
import { listModels } from '../../../pipeline/gateway-dispatch.ts';
import type { AdminContext } from '../admin-context.ts';
import { actorOf } from '../admin-deps.ts';
import { apiError, notFound } from '../http/api-error.ts';
import { writeWithBackup } from './edit-config-files.ts';
import { TOOLS, toolFile, type ToolTarget } from './tool-catalog.ts';

/** One line of printable ASCII: safe inside dotenv, TOML, JSON and YAML values. */
const Safe = v.pipe(v.string(), v.regex(/^[\x21-\x7e]+$/, 'printable characters, no spaces'), v.maxLength(300));
/** `model` as `GET /api/tools` defaults it when left out: the first model this gateway routes. */
const ApplyBody = v.object({ key: v.pipe(Safe, v.minLength(8)), model: v.optional(v.pipe(Safe, v.minLength(1))) });

const KEY_PLACEHOLDER = 'YOUR_SWITCHYARD_KEY';
const tags = ['admin: tools'];

/**
 * `/api/tools`: settings that point Claude Code, Codex, Gemini CLI, Cline, OpenCode, Cursor and
 * Continue at this gateway, and `apply` to write them into the tool's own file for the user the
 * gateway runs as (with a timestamped backup). `SWITCHYARD_TOOLS_HOME` overrides the home folder.
 */
export function toolRoutes(ctx: AdminContext) {
  const { deps } = ctx;
  const home = () => deps.env.SWITCHYARD_TOOLS_HOME || deps.env.HOME || homedir();
  const baseUrl = () => deps.publicUrl().replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
  const defaultModel = () => listModels(deps.host.current)[0]?.id ?? 'provider/model';

  return new Elysia({ name: 'admin-tools' })
    .get('/api/tools', ({ query }) => {
      const t: ToolTarget = { baseUrl: baseUrl(), key: KEY_PLACEHOLDER, model: query.model || defaultModel() };
      return {
        baseUrl: t.baseUrl,
        tools: TOOLS.map((s) => ({
          id: s.id, name: s.name, dialect: s.dialect, configFile: s.file ? `~/${s.file}` : null, canApply: Boolean(s.render),
          env: s.env(t), snippet: s.snippet(t), notes: s.notes,
        })),
      };
    }, { query: v.object({ model: v.optional(v.string()) }), detail: { summary: 'How to point each CLI tool at this gateway (key shown as a placeholder).', tags } })
    .post('/api/tools/:tool/apply', ({ request, params, body }) => {
      const spec = TOOLS.find((s) => s.id === params.tool);
      if (!spec) return notFound(`Tool "${params.tool}"`);
      const file = toolFile(spec, home());
      if (!spec.render || !file) return apiError(400, `${spec.name} keeps its settings in its own UI; follow the notes instead.`, 'not_applicable');
      let text: string;
      try {
        text = spec.render(file, { baseUrl: baseUrl(), key: body.key, model: body.model ?? defaultModel() });
      } catch (e) {
        return apiError(409, `Cannot merge into ${file}: ${e instanceof Error ? e.message : 'unreadable'}. Fix or move the file and retry.`, 'conflict');
      }
      const backup = writeWithBackup(file, text, deps.now());
      deps.audit.record({ actor: actorOf(request), action: 'tool.configured', target: spec.id, details: { file, backup } });
      return { file, backup, notes: spec.notes };
    }, { body: ApplyBody, detail: { summary: 'Write the tool\'s config file for the local user (a backup of the old file is kept).', tags } });
}
