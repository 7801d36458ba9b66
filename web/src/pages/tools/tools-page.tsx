import { createSignal, For, Show } from 'solid-js';
import { api, query } from '../../api/api-client.ts';
import type { ToolView } from '../../api/types.ts';
import { toast } from '../../components/toasts.tsx';
import { CopyButton, Field, JsonBlock, Pending, useAction } from '../../components/ui.tsx';
import { t } from '../../i18n/i18n.ts';
import { createLoader } from '../../lib/create-loader.ts';

/** Exact settings to point each CLI tool at Switchyard, and a button that writes them (with a backup). */
export default function ToolsPage() {
  const [model, setModel] = createSignal('');
  const [key, setKey] = createSignal('');
  const tools = createLoader(() => api<{ baseUrl: string; tools: ToolView[] }>(`/api/tools${query({ model: model() })}`));
  const models = createLoader(() => api<{ models: Array<{ id: string }> }>('/api/models'));
  /** The model the snippets show: the one typed, else the gateway's default (its first routable model). */
  const chosenModel = () => model() || models.data()?.models[0]?.id || '';
  const [applied, setApplied] = createSignal<Record<string, { file: string; backup: string | null }>>({});
  const [apply] = useAction(async (tool: ToolView) => {
    const r = await api<{ file: string; backup: string | null; notes: string[] }>(`/api/tools/${encodeURIComponent(tool.id)}/apply`, {
      method: 'POST', body: { key: key(), model: chosenModel() },
    });
    setApplied({ ...applied(), [tool.id]: r });
    toast(t('tools.applied', { file: r.file }));
  });
  const envText = (env: Record<string, string>) => Object.entries(env).map(([k, v]) => `export ${k}="${v}"`).join('\n');
  return (
    <>
      <div class="page-head"><h1>{t('tools.title')}</h1></div>
      <datalist id="tool-models"><For each={models.data()?.models ?? []}>{(m) => <option value={m.id} />}</For></datalist>
      <form class="card form" style={{ 'margin-bottom': '14px' }} onSubmit={(e) => { e.preventDefault(); void tools.reload(); }}>
        <Field label={t('common.model')}>
          <input list="tool-models" placeholder={models.data()?.models[0]?.id} value={model()} onInput={(e) => setModel(e.currentTarget.value)}
            onChange={() => void tools.reload()} />
        </Field>
        <Field label={t('tools.key')} hint={t('tools.keyHint')}>
          <input type="password" autocomplete="off" placeholder="sy-…" value={key()} onInput={(e) => setKey(e.currentTarget.value)} />
        </Field>
      </form>
      <Show when={tools.data()} fallback={<Pending error={tools.error()} />}>
        {(d) => (
          <div class="grid-2">
            <For each={d().tools}>{(tool) => (
              <section class="card stack" data-testid={`tool-${tool.id}`}>
                <div class="row"><h2 style={{ margin: 0 }}>{tool.name}</h2><span class="chip">{tool.dialect}</span></div>
                <Show when={tool.configFile}><p class="small muted mono">{tool.configFile}</p></Show>
                <Show when={Object.keys(tool.env).length > 0}>
                  <div><div class="row"><h3 style={{ margin: 0 }}>{t('tools.env')}</h3><span class="spacer" /><CopyButton text={envText(tool.env)} /></div>
                    <JsonBlock value={envText(tool.env)} /></div>
                </Show>
                <Show when={tool.snippet}>
                  <div><div class="row"><h3 style={{ margin: 0 }}>{t('tools.snippet')}</h3><span class="spacer" /><CopyButton text={tool.snippet} /></div>
                    <JsonBlock value={tool.snippet} /></div>
                </Show>
                <For each={tool.notes}>{(n) => <p class="small muted">• {n}</p>}</For>
                <Show when={tool.canApply}>
                  <div class="row">
                    <button class="primary" disabled={!key() || !chosenModel()} title={!key() || !chosenModel() ? t('tools.needKeyModel') : ''}
                      onClick={() => void apply(tool)}>{t('tools.apply')}</button>
                    <Show when={applied()[tool.id]}>
                      {(r) => <span class="small">{t('tools.written', { file: r().file })}{r().backup ? ` · ${t('tools.backup', { file: r().backup! })}` : ''}</span>}
                    </Show>
                  </div>
                </Show>
              </section>
            )}</For>
          </div>
        )}
      </Show>
    </>
  );
}
