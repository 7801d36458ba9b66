import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { api } from '../../api/api-client.ts';
import type { EditResult, Settings } from '../../api/types.ts';
import { toast } from '../../components/toasts.tsx';
import { ErrorBox, Field, useAction } from '../../components/ui.tsx';
import { t } from '../../i18n/i18n.ts';
import { fieldsOf, mergeUntouched, settingsPatch, type SettingsFields } from './settings-fields.ts';

const LEVELS = ['debug', 'info', 'warn', 'error'];

/** The gateway listens elsewhere than the YAML says: a flag or `PORT` overrides it. */
function overridden(s: Settings): boolean {
  return s.listening.port !== s.server.port || s.listening.host !== s.server.host;
}

/**
 * Server, security, logging and request settings. A reload of the settings (the YAML edited by
 * hand) updates the fields the user has not touched, and saving sends only the changed fields.
 */
export function CoreSettingsCard(props: { settings: Settings; onSaved: (s: Settings) => void }) {
  const [form, setForm] = createSignal(fieldsOf(props.settings));
  /** The settings the untouched fields show. */
  let shown = fieldsOf(props.settings);
  createEffect(on(() => props.settings, (s) => {
    const next = fieldsOf(s);
    setForm((f) => mergeUntouched(f, shown, next));
    shown = next;
  }, { defer: true }));
  const field = <K extends keyof SettingsFields>(k: K) => form()[k];
  const set = <K extends keyof SettingsFields>(k: K, v: SettingsFields[K]) => setForm((f) => ({ ...f, [k]: v }));
  const [save, saving, error] = useAction(async (e: Event) => {
    e.preventDefault();
    const r = await api<{ settings: Settings; config: EditResult }>('/api/settings', { method: 'PATCH', body: settingsPatch(form(), shown) });
    toast(t('settings.saved', { gen: r.config.generation }));
    props.onSaved(r.settings);
  }, true);
  return (
    <form class="card stack" onSubmit={(e) => void save(e)} data-testid="core-settings">
      <h2>{t('settings.server')}</h2>
      <div class="form">
        <Field label={t('settings.host')}><input value={props.settings.server.host} disabled /></Field>
        <Field label={t('settings.port')} hint={t('settings.restart')}><input value={String(props.settings.server.port)} disabled /></Field>
        <Show when={overridden(props.settings)}>
          <div class="alert wide" data-testid="listening-override">{t('settings.listeningOverride', { url: props.settings.listening.url })}</div>
        </Show>
        <Field label={t('settings.cors')} wide hint={t('settings.corsHint')}>
          <textarea rows={2} value={field('cors')} onInput={(e) => set('cors', e.currentTarget.value)} style={{ 'min-height': '60px' }} />
        </Field>
      </div>
      <h2>{t('settings.security')}</h2>
      <label class="check"><input type="checkbox" data-testid="require-key" checked={field('requireKey')} onChange={(e) => set('requireKey', e.currentTarget.checked)} />{t('settings.requireKey')}</label>
      <Show when={!field('requireKey')}><div class="alert warn">{t('settings.requireKeyWarn')}</div></Show>
      <h2>{t('settings.logging')}</h2>
      <div class="form">
        <Field label={t('settings.level')}>
          <select data-testid="log-level" value={field('level')} onChange={(e) => set('level', e.currentTarget.value)}>
            <For each={LEVELS}>{(l) => <option value={l}>{l}</option>}</For>
          </select>
        </Field>
        <Field label={t('settings.deadline')}><input type="number" min="1000" step="1000" value={field('deadline')} onInput={(e) => set('deadline', e.currentTarget.value)} /></Field>
        <label class="check wide"><input type="checkbox" checked={field('bodies')} onChange={(e) => set('bodies', e.currentTarget.checked)} />{t('settings.bodies')}</label>
        <Field label={t('settings.usageDays')} hint={t('settings.usageDaysHint')}>
          <input type="number" min="0" step="1" data-testid="usage-days" value={field('usageDays')} onInput={(e) => set('usageDays', e.currentTarget.value)} />
        </Field>
        <Field label={t('settings.bodiesDays')} hint={t('settings.bodiesDaysHint')}>
          <input type="number" min="0" step="1" data-testid="bodies-days" value={field('bodiesDays')} onInput={(e) => set('bodiesDays', e.currentTarget.value)} />
        </Field>
      </div>
      <ErrorBox error={error()} />
      <div class="row end"><button type="submit" class="primary" data-testid="settings-save" disabled={saving()}>{t('common.save')}</button></div>
    </form>
  );
}
