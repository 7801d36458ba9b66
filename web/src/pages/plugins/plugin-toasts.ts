import type { ConfigProblem, EditResult, ReloadResult } from '../../api/types.ts';
import { toast } from '../../components/toasts.tsx';
import { t } from '../../i18n/i18n.ts';

/** `switchyard.yaml:12:3: reason`, as the overview shows a refused config. */
export function describeProblem(p: ConfigProblem): string {
  const file = p.file.split(/[\\/]/).pop() ?? p.file;
  return `${file}${p.line ? `:${p.line}${p.col ? `:${p.col}` : ''}` : ''}: ${p.message}`;
}

/** After `PUT /api/plugins/:name/config`: saved, or an error when the plugin failed to set up with it. */
export function toastConfigSaved(name: string, config: EditResult): void {
  const failed = config.pluginErrors.find((p) => p.name === name);
  if (failed) toast(t('plugins.setupFailed', { name, error: failed.error }), 'err');
  else toast(t('plugins.saved', { name }));
}

/** After `POST /api/plugins/reload`: the new generation, or why the config file was refused. */
export function toastReloaded(config: ReloadResult): void {
  if (config.reloadError) toast(describeProblem(config.reloadError), 'err');
  else toast(t('plugins.reloaded', { gen: config.generation }));
}
