import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { api } from '../../api/api-client.ts';
import type { ComboView } from '../../api/types.ts';
import { SortableList } from '../../components/sortable-list.tsx';
import { toast } from '../../components/toasts.tsx';
import { ErrorBox, Field, useAction } from '../../components/ui.tsx';
import { fmt, t, tn } from '../../i18n/i18n.ts';
import { servedBy } from './served-by.ts';

/**
 * Edits one combo: its ordered targets (drag, or the up/down buttons), the strategy, and shows
 * which targets served its recent requests. Saving sends the whole new order with PATCH (PUT
 * for a new combo); the gateway writes it into the YAML in place.
 */
export function ComboEditor(props: { combo?: ComboView; strategies: string[]; isNew?: boolean; onSaved: () => void; onCancel?: () => void }) {
  const [name, setName] = createSignal(props.combo?.name ?? '');
  const [models, setModels] = createSignal<string[]>(props.combo?.models ?? []);
  const [strategy, setStrategy] = createSignal(props.combo?.strategy ?? props.strategies[0] ?? 'fill-first');
  const [adding, setAdding] = createSignal('');
  /** Whether the form differs from `c` (the combo as the gateway holds it). */
  const differs = (c: ComboView) => c.strategy !== strategy() || c.models.join('\n') !== models().join('\n');
  // A reload after someone else's edit (another tab, the YAML by hand) replaces the form, unless
  // this form has unsaved changes: those are judged against the combo the form was showing.
  createEffect(on(() => props.combo, (c, before) => {
    if (c && before && !differs(before)) { setModels(c.models); setStrategy(c.strategy); }
  }));
  const dirty = () => !!props.combo && differs(props.combo);

  const add = (e: Event) => {
    e.preventDefault();
    const m = adding().trim();
    if (m && !models().includes(m)) setModels([...models(), m]);
    setAdding('');
  };
  const path = () => `/api/combos/${encodeURIComponent(name())}`;
  const [save, saving, error] = useAction(async () => {
    if (props.isNew) await api(path(), { method: 'PUT', body: { models: models(), strategy: strategy() } });
    else await api(path(), { method: 'PATCH', body: { models: models(), strategy: strategy() } });
    toast(t('combos.saved', { name: name() }));
    props.onSaved();
  }, true);
  const [remove] = useAction(async () => {
    if (!confirm(t('combos.confirmDelete', { name: name() }))) return;
    await api(path(), { method: 'DELETE' });
    toast(t('combos.deleted', { name: name() }));
    props.onSaved();
  });
  const recentOf = (target: string) => props.combo?.recent.filter((r) => servedBy(target, r.target)) ?? [];

  return (
    <section class="card" data-testid={props.isNew ? 'combo-new' : `combo-${name()}`}>
      <div class="row">
        <Show when={props.isNew} fallback={<h2 class="title" style={{ 'font-family': 'var(--mono)' }}>{name()}</h2>}>
          <Field label={t('common.name')}>
            <input data-testid="combo-name" value={name()} onInput={(e) => setName(e.currentTarget.value)} placeholder="free-forever" />
          </Field>
        </Show>
        <span class="spacer" />
        <Field label={t('combos.strategy')}>
          <select data-testid="combo-strategy" value={strategy()} onChange={(e) => setStrategy(e.currentTarget.value)}>
            <For each={props.strategies}>{(s) => <option value={s}>{s}</option>}</For>
          </select>
        </Field>
      </div>
      <h3 style={{ 'margin-top': '12px' }}>{t('combos.targets')}</h3>
      <SortableList items={models()} onChange={setModels} onRemove={(i) => setModels(models().filter((_, j) => j !== i))}
        label={t('combos.targets')} testid="combo-targets"
        extra={(m) => {
          const r = recentOf(m);
          const n = r.reduce((a, x) => a + x.requests, 0);
          return n > 0 ? <span class="badge info" title={t('combos.recentHint')}>{tn('combos.served', n)}</span> : null;
        }} />
      <form class="row" style={{ 'margin-top': '8px' }} onSubmit={add}>
        <input list="model-options" data-testid="combo-add-input" placeholder={t('combos.addPlaceholder')} aria-label={t('combos.addTarget')}
          value={adding()} onInput={(e) => setAdding(e.currentTarget.value)} style={{ flex: 1 }} />
        <button type="submit" data-testid="combo-add" disabled={!adding().trim()}>{t('combos.addTarget')}</button>
      </form>
      <Show when={props.combo?.recent.length}>
        <details style={{ 'margin-top': '10px' }}>
          <summary class="small muted">{t('combos.recent')}</summary>
          <table class="small">
            <thead><tr><th>{t('combos.target')}</th><th class="num">{t('common.requests')}</th><th class="num">{t('common.errors')}</th><th>{t('combos.lastAt')}</th></tr></thead>
            <tbody>
              <For each={props.combo!.recent}>{(r) => (
                <tr><td class="mono">{r.target}</td><td class="num">{r.requests}</td><td class="num">{r.errors}</td><td>{fmt.dateTime(r.lastAt)}</td></tr>
              )}</For>
            </tbody>
          </table>
        </details>
      </Show>
      <ErrorBox error={error()} />
      <div class="row end" style={{ 'margin-top': '10px' }}>
        <Show when={!props.isNew}><button class="danger" onClick={() => void remove()}>{t('common.delete')}</button></Show>
        <Show when={props.isNew}><button onClick={() => props.onCancel?.()}>{t('common.cancel')}</button></Show>
        <button class="primary" data-testid="combo-save" disabled={saving() || !name() || models().length === 0 || (!props.isNew && !dirty())}
          onClick={() => void save()}>{t('common.save')}</button>
      </div>
    </section>
  );
}
