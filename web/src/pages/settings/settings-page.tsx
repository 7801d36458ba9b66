import { For, onCleanup, Show } from 'solid-js';
import { api } from '../../api/api-client.ts';
import { events } from '../../api/event-stream.ts';
import type { PluginView, Settings } from '../../api/types.ts';
import { Pending } from '../../components/ui.tsx';
import { t } from '../../i18n/i18n.ts';
import { createLoader } from '../../lib/create-loader.ts';
import { CoreSettingsCard } from './core-settings-card.tsx';
import { PasswordCard } from './password-card.tsx';
import { SettingsPluginCard } from './settings-plugin-card.tsx';

/**
 * Server, security, logging and request settings; settings-like plugins (system prompt, thinking
 * budget, IP filter) with their state; password. Follows config reloads (a hand edit of the
 * YAML) from the event stream.
 */
export default function SettingsPage() {
  const settings = createLoader(() => api<Settings>('/api/settings'));
  const plugins = createLoader(() => api<{ plugins: PluginView[] }>('/api/plugins'));
  const reload = () => { void settings.reload(); void plugins.reload(); };
  onCleanup(events.subscribe(['config:reloaded'], reload));
  const pluginError = (name: string) => plugins.data()?.plugins.find((p) => p.name === name)?.error ?? null;
  return (
    <>
      <div class="page-head"><h1>{t('settings.title')}</h1></div>
      <Show when={settings.data()} fallback={<Pending error={settings.error()} />}>
        {(s) => (
          <div class="stack">
            <CoreSettingsCard settings={s()} onSaved={(next) => settings.set(next)} />
            {/* Cards keyed by name: a reload keeps what is typed in the others. */}
            <For each={Object.keys(s().plugins).filter((name) => s().plugins[name]!.present)}>{(name) => (
              <SettingsPluginCard name={name} plugin={s().plugins[name]!} error={pluginError(name)} onChanged={reload} />
            )}</For>
            <PasswordCard />
          </div>
        )}
      </Show>
    </>
  );
}
