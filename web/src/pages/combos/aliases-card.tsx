import { createSignal, For, Show } from 'solid-js';
import { api } from '../../api/api-client.ts';
import { toast } from '../../components/toasts.tsx';
import { useAction } from '../../components/ui.tsx';
import { t } from '../../i18n/i18n.ts';
import { createLoader } from '../../lib/create-loader.ts';

/**
 * Aliases: short model names pointing at a `provider/model`, a combo or another alias. Refreshes
 * like the combos above it, so an alias written into the YAML by hand shows up.
 */
export function AliasesCard(props: { onChanged: () => void }) {
  const aliases = createLoader(() => api<{ aliases: Record<string, string> }>('/api/aliases'), 10_000);
  const [name, setName] = createSignal('');
  const [target, setTarget] = createSignal('');
  const [save, saving] = useAction(async (e: Event) => {
    e.preventDefault();
    await api(`/api/aliases/${encodeURIComponent(name())}`, { method: 'PUT', body: { target: target() } });
    toast(t('combos.aliasSaved', { name: name() }));
    setName('');
    setTarget('');
    await aliases.reload();
    props.onChanged();
  });
  const [remove] = useAction(async (n: string) => {
    await api(`/api/aliases/${encodeURIComponent(n)}`, { method: 'DELETE' });
    await aliases.reload();
    props.onChanged();
  });
  const all = () => aliases.data()?.aliases ?? {};
  // Rows keyed by name (strings), so a refresh keeps them and the keyboard focus in them.
  const names = () => Object.keys(all());
  return (
    <section class="card">
      <h2>{t('combos.aliases')}</h2>
      <Show when={names().length > 0} fallback={<p class="muted">{t('combos.noAliases')}</p>}>
        <table>
          <tbody>
            <For each={names()}>{(n) => (
              <tr>
                <td class="mono">{n}</td><td class="mono">→ {all()[n]}</td>
                <td class="num"><button class="icon danger" aria-label={t('common.remove')} onClick={() => void remove(n)}>✕</button></td>
              </tr>
            )}</For>
          </tbody>
        </table>
      </Show>
      <form class="row" style={{ 'margin-top': '10px' }} onSubmit={(e) => void save(e)}>
        <input placeholder={t('common.name')} aria-label={t('combos.aliasName')} value={name()} onInput={(e) => setName(e.currentTarget.value)} />
        <input list="model-options" placeholder="provider/model" aria-label={t('combos.aliasTarget')} value={target()}
          onInput={(e) => setTarget(e.currentTarget.value)} style={{ flex: 1 }} />
        <button type="submit" disabled={saving() || !name() || !target()}>{t('combos.addAlias')}</button>
      </form>
    </section>
  );
}
