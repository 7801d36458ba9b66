import { createSignal, For, Show } from 'solid-js';
import { api } from '../../api/api-client.ts';
import type { ComboView } from '../../api/types.ts';
import { Pending } from '../../components/ui.tsx';
import { t } from '../../i18n/i18n.ts';
import { createLoader } from '../../lib/create-loader.ts';
import { AliasesCard } from './aliases-card.tsx';
import { ComboEditor } from './combo-editor.tsx';

export interface ModelOption {
  id: string;
  ownedBy: string;
}

/** Combos (ordered fallback targets + strategy) and aliases. */
export default function CombosPage() {
  const combos = createLoader(() => api<{ combos: ComboView[]; strategies: string[] }>('/api/combos'), 10_000);
  const models = createLoader(() => api<{ models: ModelOption[] }>('/api/models'));
  const [creating, setCreating] = createSignal(false);
  const reload = async () => {
    await Promise.all([combos.reload(), models.reload()]);
  };
  return (
    <>
      <div class="page-head">
        <h1>{t('combos.title')}</h1>
        <button class="primary" data-testid="new-combo" onClick={() => setCreating(true)}>{t('combos.new')}</button>
      </div>
      <datalist id="model-options">
        <For each={models.data()?.models ?? []}>{(m) => <option value={m.id}>{m.ownedBy}</option>}</For>
      </datalist>
      <Show when={combos.data()} fallback={<Pending error={combos.error()} />}>
        {(d) => (
          <div class="stack">
            <Show when={creating()}>
              <ComboEditor strategies={d().strategies} isNew onSaved={() => { setCreating(false); void reload(); }} onCancel={() => setCreating(false)} />
            </Show>
            <Show when={d().combos.length > 0 || creating()} fallback={<div class="card empty">{t('combos.none')}</div>}>
              {/* One editor per name, kept across refreshes: unsaved edits survive new traffic. */}
              <For each={d().combos.map((c) => c.name)}>{(name) => (
                <Show when={d().combos.find((c) => c.name === name)}>
                  {(c) => <ComboEditor combo={c()} strategies={d().strategies} onSaved={() => void reload()} />}
                </Show>
              )}</For>
            </Show>
            <AliasesCard onChanged={() => void models.reload()} />
          </div>
        )}
      </Show>
    </>
  );
}
