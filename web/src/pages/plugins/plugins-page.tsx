import { createSignal, For, onCleanup, Show } from 'solid-js';
import { api } from '../../api/api-client.ts';
import { events } from '../../api/event-stream.ts';
import type { PluginView, ReloadResult } from '../../api/types.ts';
import { moveItem } from '../../components/sortable-list.tsx';
import { Badge, Pending, useAction } from '../../components/ui.tsx';
import { t, tx } from '../../i18n/i18n.ts';
import { createLoader } from '../../lib/create-loader.ts';
import { PluginConfigModal } from './plugin-config-modal.tsx';
import { toastReloaded } from './plugin-toasts.ts';

/** Listed plugins in hook order first, then the others by name. */
function ordered(list: PluginView[]): PluginView[] {
  return [...list].sort((a, b) => (a.position ?? 1e9) - (b.position ?? 1e9) || a.name.localeCompare(b.name));
}

/**
 * Every plugin the gateway knows (built-in, drop-in, path): state, errors, hooks; enable,
 * disable, reorder, configure and reload. The list refreshes live from the event stream (a file
 * dropped into the plugins folder appears within a moment), with a slow poll as a backup.
 */
export default function PluginsPage() {
  const plugins = createLoader(() => api<{ plugins: PluginView[]; generation: number }>('/api/plugins'), 4000);
  const off = events.subscribe(['plugin:*', 'config:*'], () => void plugins.reload());
  onCleanup(off);
  const [configuring, setConfiguring] = createSignal<string | null>(null);

  const [toggle] = useAction(async (p: PluginView) => {
    await api(`/api/plugins/${encodeURIComponent(p.name)}/${p.enabled && p.state !== 'available' ? 'disable' : 'enable'}`, { method: 'POST' });
    await plugins.reload();
  });
  const [move] = useAction(async (names: string[], from: number, to: number) => {
    await api('/api/plugins/order', { method: 'PUT', body: { order: moveItem(names, from, to) } });
    await plugins.reload();
  });
  const [reload, reloading] = useAction(async () => {
    const r = await api<{ config: ReloadResult }>('/api/plugins/reload', { method: 'POST' });
    toastReloaded(r.config);
    await plugins.reload();
  });

  return (
    <>
      <div class="page-head">
        <h1>{t('plugins.title')}</h1>
        <Show when={plugins.data()}><span class="muted small">{t('plugins.generation', { gen: plugins.data()!.generation })}</span></Show>
        <button data-testid="plugins-reload" disabled={reloading()} onClick={() => void reload()}>{t('plugins.reload')}</button>
      </div>
      <Show when={plugins.data()} fallback={<Pending error={plugins.error()} />}>
        {(d) => {
          const list = () => ordered(d().plugins);
          const listedNames = () => list().filter((p) => p.listed).map((p) => p.name);
          return (
            <div class="card table-wrap">
              <table class="rows-sm" data-testid="plugins-table">
                <thead>
                  <tr>
                    <th>#</th><th>{t('common.name')}</th><th>{t('plugins.kind')}</th><th>{t('common.state')}</th>
                    <th class="hide-sm">{t('plugins.hooks')}</th><th>{t('plugins.enabled')}</th><th />
                  </tr>
                </thead>
                <tbody>
                  <For each={list()}>{(p) => {
                    const idx = () => listedNames().indexOf(p.name);
                    return (
                      <tr data-testid={`plugin-${p.name}`} data-state={p.state}>
                        <td class="mono">
                          <Show when={p.listed} fallback={<span class="muted">—</span>}>
                            <div class="row" style={{ gap: '2px', 'flex-wrap': 'nowrap' }}>
                              <button class="icon" aria-label={t('common.moveUp', { item: p.name })} disabled={idx() <= 0}
                                onClick={() => void move(listedNames(), idx(), idx() - 1)}>↑</button>
                              <button class="icon" aria-label={t('common.moveDown', { item: p.name })} disabled={idx() >= listedNames().length - 1}
                                onClick={() => void move(listedNames(), idx(), idx() + 1)}>↓</button>
                            </div>
                          </Show>
                        </td>
                        <td class="lead-sm">
                          <strong>{p.name}</strong> <span class="chip">{p.origin}</span>
                          <div class="muted small">{p.description}</div>
                          <Show when={p.error}><div class="alert err small" data-testid="plugin-error">{p.error}</div></Show>
                        </td>
                        <td>{p.kind}</td>
                        <td><Badge state={p.state} label={tx(`plugins.state.${p.state}`, p.state)} /></td>
                        <td class="hide-sm small mono">{[...p.hooks, ...p.provides].join(', ') || '—'}</td>
                        <td>
                          <label class="check">
                            <input type="checkbox" aria-label={t('plugins.enabled')} data-testid="plugin-toggle"
                              checked={p.enabled && p.state !== 'available' && p.state !== 'disabled'} onChange={() => void toggle(p)} />
                            <span class="show-sm small">{t('plugins.enabled')}</span>
                          </label>
                        </td>
                        <td>
                          <Show when={p.hasConfig}>
                            <button data-testid="plugin-configure" onClick={() => setConfiguring(p.name)}>{t('plugins.configure')}</button>
                          </Show>
                        </td>
                      </tr>
                    );
                  }}</For>
                </tbody>
              </table>
            </div>
          );
        }}
      </Show>
      <Show when={configuring()}>
        {(name) => <PluginConfigModal name={name()} onClose={() => setConfiguring(null)} onSaved={() => { setConfiguring(null); void plugins.reload(); }} />}
      </Show>
    </>
  );
}
