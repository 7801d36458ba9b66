import { createSignal, Show } from 'solid-js';
import { api } from '../../api/api-client.ts';
import type { EditResult, PluginView } from '../../api/types.ts';
import { Modal } from '../../components/modal.tsx';
import { SchemaForm } from '../../components/schema-form.tsx';
import { toast } from '../../components/toasts.tsx';
import { ErrorBox, Pending, useAction } from '../../components/ui.tsx';
import { t } from '../../i18n/i18n.ts';
import { createLoader } from '../../lib/create-loader.ts';
import { toastConfigSaved } from './plugin-toasts.ts';

type Obj = Record<string, unknown>;

/**
 * Edits a plugin's config with a form generated from its JSON Schema (or as raw JSON). The
 * gateway validates it with the plugin's valibot schema before writing the YAML; a rejection
 * shows the failing field and changes nothing.
 */
export function PluginConfigModal(props: { name: string; onClose: () => void; onSaved: () => void }) {
  const path = `/api/plugins/${encodeURIComponent(props.name)}`;
  const detail = createLoader(async () => {
    const p = await api<PluginView>(path);
    setValue(p.config ?? {});
    setText(JSON.stringify(p.config ?? {}, null, 2));
    return p;
  });
  const [value, setValue] = createSignal<Obj>({});
  const [asJson, setAsJson] = createSignal(false);
  const [text, setText] = createSignal('{}');
  const [save, saving, error] = useAction(async (config: Obj | null) => {
    const r = await api<{ config: EditResult }>(`${path}/config`, { method: 'PUT', body: { config } });
    toastConfigSaved(props.name, r.config);
    props.onSaved();
  }, true);
  const submit = (e: Event) => {
    e.preventDefault();
    if (!asJson()) return void save(value());
    try {
      void save(JSON.parse(text()) as Obj);
    } catch {
      toast(t('schema.badJson'), 'err');
    }
  };
  const switchMode = () => {
    if (asJson()) {
      try { setValue(JSON.parse(text()) as Obj); } catch { return toast(t('schema.badJson'), 'err'); }
    } else setText(JSON.stringify(value(), null, 2));
    setAsJson(!asJson());
  };
  return (
    <Modal title={t('plugins.configTitle', { name: props.name })} onClose={props.onClose} wide>
      <Show when={detail.data()} fallback={<Pending error={detail.error()} />}>
        {(p) => (
          <form class="stack" onSubmit={submit} data-testid="plugin-config-form">
            <p class="muted small">{p().description}</p>
            <Show when={p().schema && !asJson()} fallback={
              <textarea data-testid="plugin-config-json" rows={14} value={text()} onInput={(e) => setText(e.currentTarget.value)} />
            }>
              <SchemaForm schema={p().schema!} value={value()} onChange={setValue} />
            </Show>
            <ErrorBox error={error()} />
            <div class="row">
              <Show when={p().schema}><button type="button" class="link" onClick={switchMode}>{asJson() ? t('plugins.asForm') : t('plugins.asJson')}</button></Show>
              <span class="spacer" />
              <button type="button" disabled={saving()}
                onClick={() => confirm(t('plugins.confirmReset', { name: props.name })) && void save(null)}>{t('plugins.resetConfig')}</button>
              <button type="submit" class="primary" data-testid="plugin-config-save" disabled={saving()}>{t('common.save')}</button>
            </div>
          </form>
        )}
      </Show>
    </Modal>
  );
}
