import { basename } from 'node:path';
import type { ConfigError } from '../../../config/load-config.ts';
import type { EditOutcome } from '../config/config-editor.ts';
import { apiError } from './api-error.ts';

/** 400 `config_rejected`: where in the edited YAML the problem is, and why. Nothing was written. */
export function configRejected(e: ConfigError): Response {
  const where = e.line ? `${basename(e.file)}:${e.line}${e.col ? `:${e.col}` : ''}` : basename(e.file);
  return apiError(400, `${where}: ${e.message}`, 'config_rejected', {
    ...(e.path ? { param: e.path } : {}),
    location: { file: e.file, line: e.line ?? null, col: e.col ?? null, path: e.path ?? null },
  });
}

/**
 * The HTTP answer to a config edit: the plan's own refusal, a 400 for a rejected config, or
 * `status` with `body()` plus the `config` block (generation, whether the file changed, plugins
 * that failed to set up with it).
 */
export function editResponse(outcome: EditOutcome, body: () => Record<string, unknown>, status = 200): Response {
  if (!outcome.ok) return 'response' in outcome ? outcome.response : configRejected(outcome.error);
  const config = { generation: outcome.generation, changed: outcome.changed, pluginErrors: outcome.pluginErrors };
  return Response.json({ ...body(), config }, { status });
}
