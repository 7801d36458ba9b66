import * as v from 'valibot';
import { interpolateString, type Env } from '../../../config/interpolate-env.ts';
import type { Plugin } from '../../../plugin/types.ts';
import { MAX_VALUE_DEPTH } from '../config/config-editor.ts';
import { apiError } from '../http/api-error.ts';

/**
 * Checks a plugin config about to be written against the plugin's own valibot schema, as the
 * plugin will receive it: `${ENV}` references expanded (a reference that cannot be expanded is
 * left for the config loader to report). Returns the 400 `invalid_plugin_config` (`param` = dotted
 * path), or undefined when it passes. The message never quotes the value: it may be a secret
 * the admin API kept from its mask, or one that came from the environment.
 */
export function checkPluginConfig(name: string, plugin: Plugin<unknown> | undefined, config: unknown, env: Env): Response | undefined {
  if (config === undefined || config === null) return undefined;
  if (!plugin?.config) {
    return typeof config === 'object' && Object.keys(config).length > 0 ? apiError(400, `Plugin "${name}" takes no config.`, 'invalid_plugin_config') : undefined;
  }
  const r = v.safeParse(plugin.config, expandEnv(config, env));
  if (r.success) return undefined;
  const issue = r.issues[0];
  const path = v.getDotPath(issue);
  const message = issue.message.replace(/:?\s*(?:but r|R)eceived [\s\S]*$/, '');
  return apiError(400, `${path ? `${path}: ` : ''}${message}`, 'invalid_plugin_config', path ? { param: path } : {});
}

/** A copy of `value` with `${ENV}` references expanded in every string that expands. */
function expandEnv(value: unknown, env: Env, depth = 0): unknown {
  if (depth > MAX_VALUE_DEPTH) return value; // the editor refuses it
  if (typeof value === 'string') {
    const r = interpolateString(value, env);
    return r.ok ? r.value : value;
  }
  if (Array.isArray(value)) return value.map((x) => expandEnv(x, env, depth + 1));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, expandEnv(x, env, depth + 1)]));
  return value;
}
