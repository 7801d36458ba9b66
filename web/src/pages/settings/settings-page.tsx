import { createSignal, For, Show } from 'solid-js';
import { api } from '../../api/api-client.ts';
import type { EditResult, Settings } from '../../api/types.ts';
import { toast } from '../../components/toasts.tsx';
import { ErrorBox, Field, Pending, useAction } from '../../components/ui.tsx';
import { t } from '../../i18n/i18n.ts';
import { createLoader } from '../../lib/create-loader.ts';
import { PasswordCard } from './password-card.tsx';
import { SettingsPluginCard } from './settings-plugin-card.tsx';

const LEVELS = ['debug', 'info', 'warn', 'error'];

/** Server, security, logging and request settings; settings-like plugins (system prompt, thinking budget, IP filter); password. */
export default function SettingsPage() {
  const settings = createLoader(() => api<Settings>('/api/settings'));
  return (
    <>
      <div class="page-head"><h1>{t('settings.title')}</h1></div>
      <Show when={settings.data()} fallback={<Pending error={settings.error()} />}>
        {(s) => (
          <div class="stack">
            <CoreSettings settings={s()} onSaved={(next) => settings.set(next)} />
            <For each={Object.entries(s().plugins).filter(([, p]) => p.present)}>{([name, p]) => (
              <SettingsPluginCard name={name} plugin={p} onChanged={() => void settings.reload()} />
            )}</For>
            <PasswordCard />
          </div>
        )}
      </Show>
    </>
  );
}

function CoreSettings(props: { settings: Settings; onSaved: (s: Settings) => void }) {
  const s = props.settings;
  const [cors, setCors] = createSignal(s.server.cors_origins.join('\n'));
  const [requireKey, setRequireKey] = createSignal(s.auth.require_key);
  const [level, setLevel] = createSignal(s.logging.level);
  const [bodies, setBodies] = createSignal(s.logging.bodies);
  const [deadline, setDeadline] = createSignal(String(s.request.deadline_ms));
  const [usageDays, setUsageDays] = createSignal(String(s.logging.retention.usage_days));
  const [bodiesDays, setBodiesDays] = createSignal(String(s.logging.retention.bodies_days));
  const [save, saving, error] = useAction(async (e: Event) => {
    e.preventDefault();
    const r = await api<{ settings: Settings; config: EditResult }>('/api/settings', {
      method: 'PATCH',
      body: {
        server: { cors_origins: cors().split(/\s+/).filter(Boolean) },
        auth: { require_key: requireKey() },
        logging: { level: level(), bodies: bodies(), retention: { usage_days: Number(usageDays()), bodies_days: Number(bodiesDays()) } },
        request: { deadline_ms: Number(deadline()) },
      },
    });
    toast(t('settings.saved', { gen: r.config.generation }));
    props.onSaved(r.settings);
  }, true);
  return (
    <form class="card stack" onSubmit={(e) => void save(e)} data-testid="core-settings">
      <h2>{t('settings.server')}</h2>
      <div class="form">
        <Field label={t('settings.host')}><input value={s.server.host} disabled /></Field>
        <Field label={t('settings.port')} hint={t('settings.restart')}><input value={String(s.server.port)} disabled /></Field>
        <Field label={t('settings.cors')} wide hint={t('settings.corsHint')}>
          <textarea rows={2} value={cors()} onInput={(e) => setCors(e.currentTarget.value)} style={{ 'min-height': '60px' }} />
        </Field>
      </div>
      <h2>{t('settings.security')}</h2>
      <label class="check"><input type="checkbox" data-testid="require-key" checked={requireKey()} onChange={(e) => setRequireKey(e.currentTarget.checked)} />{t('settings.requireKey')}</label>
      <Show when={!requireKey()}><div class="alert warn">{t('settings.requireKeyWarn')}</div></Show>
      <h2>{t('settings.logging')}</h2>
      <div class="form">
        <Field label={t('settings.level')}>
          <select data-testid="log-level" value={level()} onChange={(e) => setLevel(e.currentTarget.value)}>
            <For each={LEVELS}>{(l) => <option value={l}>{l}</option>}</For>
          </select>
        </Field>
        <Field label={t('settings.deadline')}><input type="number" min="1000" step="1000" value={deadline()} onInput={(e) => setDeadline(e.currentTarget.value)} /></Field>
        <label class="check wide"><input type="checkbox" checked={bodies()} onChange={(e) => setBodies(e.currentTarget.checked)} />{t('settings.bodies')}</label>
        <Field label={t('settings.usageDays')} hint={t('settings.usageDaysHint')}>
          <input type="number" min="0" step="1" data-testid="usage-days" value={usageDays()} onInput={(e) => setUsageDays(e.currentTarget.value)} />
        </Field>
        <Field label={t('settings.bodiesDays')} hint={t('settings.bodiesDaysHint')}>
          <input type="number" min="0" step="1" data-testid="bodies-days" value={bodiesDays()} onInput={(e) => setBodiesDays(e.currentTarget.value)} />
        </Field>
      </div>
      <ErrorBox error={error()} />
      <div class="row end"><button type="submit" class="primary" data-testid="settings-save" disabled={saving()}>{t('common.save')}</button></div>
    </form>
  );
}
