import { createEffect, createSignal, on, Show } from 'solid-js';
import { api } from '../../api/api-client.ts';
import type { EditResult, SettingsPlugin } from '../../api/types.ts';
import { SchemaForm } from '../../components/schema-form.tsx';
import { ErrorBox, useAction } from '../../components/ui.tsx';
import { t, tx } from '../../i18n/i18n.ts';
import { toastConfigSaved } from '../plugins/plugin-toasts.ts';

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});

/**
 * One settings-like plugin (system prompt, thinking budget, IP filter): on/off, why it failed to
 * start (`error`, as on the plugins page) and its config form. A config changed elsewhere (the
 * YAML by hand) replaces the form unless the form has unsaved changes.
 */
export function SettingsPluginCard(props: { name: string; plugin: SettingsPlugin; error: string | null; onChanged: () => void }) {
  const [value, setValue] = createSignal<Record<string, unknown>>(props.plugin.config ?? {});
  createEffect(on(() => props.plugin.config, (config, before) => {
    if (before !== undefined && same(value(), before)) setValue(config ?? {});
  }));
  const base = `/api/plugins/${encodeURIComponent(props.name)}`;
  const [toggle, toggling] = useAction(async () => {
    await api(`${base}/${props.plugin.enabled ? 'disable' : 'enable'}`, { method: 'POST' });
    props.onChanged();
  });
  const [save, saving, error] = useAction(async (e: Event) => {
    e.preventDefault();
    const r = await api<{ config: EditResult }>(`${base}/config`, { method: 'PUT', body: { config: value() } });
    toastConfigSaved(props.name, r.config);
    props.onChanged();
  }, true);
  return (
    <form class="card stack" onSubmit={(e) => void save(e)} data-testid={`settings-${props.name}`}>
      <div class="row">
        <h2 style={{ margin: 0 }}>{tx(`settings.plugin.${props.name}`, props.name)}</h2>
        <span class="spacer" />
        <label class="check">
          <input type="checkbox" checked={props.plugin.enabled} disabled={toggling()} onChange={() => void toggle()} />{t('plugins.enabled')}
        </label>
      </div>
      <p class="muted small">{tx(`settings.pluginHint.${props.name}`, '')}</p>
      <Show when={props.plugin.enabled && props.error}><div class="alert err small" data-testid="plugin-error">{props.error}</div></Show>
      <Show when={props.plugin.schema}>
        {(schema) => <SchemaForm schema={schema()} value={value()} onChange={setValue} />}
      </Show>
      <ErrorBox error={error()} />
      <div class="row end"><button type="submit" disabled={saving()}>{t('common.save')}</button></div>
    </form>
  );
}
