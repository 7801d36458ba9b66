import { createSignal, For, Show } from 'solid-js';
import { api } from '../../api/api-client.ts';
import type { KeyView } from '../../api/types.ts';
import { Modal } from '../../components/modal.tsx';
import { toast } from '../../components/toasts.tsx';
import { Badge, CopyButton, Meter, Pending, useAction } from '../../components/ui.tsx';
import { fmt, t, tn, tx } from '../../i18n/i18n.ts';
import { createLoader } from '../../lib/create-loader.ts';
import { KeyForm, type KeyInput } from './key-form.tsx';

/**
 * Client API keys: create (the secret is shown once), edit scopes/limits/budgets, rotate
 * (new secret, old key revoked) and revoke.
 */
export default function KeysPage() {
  const keys = createLoader(() => api<{ keys: KeyView[] }>('/api/keys'), 15_000);
  const [editing, setEditing] = createSignal<KeyView | 'new' | null>(null);
  const [secret, setSecret] = createSignal<{ name: string; secret: string } | null>(null);

  const [save, saving, saveError, clearSaveError] = useAction(async (input: KeyInput) => {
    const target = editing();
    if (target === 'new') {
      const limits = Object.fromEntries(Object.entries(input.limits).filter(([, v]) => v !== null));
      const body = { name: input.name, scopes: input.scopes, ...(Object.keys(limits).length ? { limits } : {}), ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}) };
      const r = await api<{ key: KeyView; secret: string }>('/api/keys', { method: 'POST', body });
      setSecret({ name: r.key.name, secret: r.secret });
    } else if (target) {
      await api(`/api/keys/${encodeURIComponent(target.id)}`, { method: 'PATCH', body: input });
      toast(t('keys.saved', { name: input.name }));
    }
    setEditing(null);
    await keys.reload();
  }, true);
  const [revoke] = useAction(async (k: KeyView) => {
    if (!confirm(t('keys.confirmRevoke', { name: k.name }))) return;
    await api(`/api/keys/${encodeURIComponent(k.id)}/revoke`, { method: 'POST' });
    toast(t('keys.revoked', { name: k.name }));
    await keys.reload();
  });
  const [rotate] = useAction(async (k: KeyView) => {
    if (!confirm(t('keys.confirmRotate', { name: k.name }))) return;
    const r = await api<{ key: KeyView; secret: string }>(`/api/keys/${encodeURIComponent(k.id)}/rotate`, { method: 'POST' });
    setSecret({ name: r.key.name, secret: r.secret });
    await keys.reload();
  });
  const openForm = (target: KeyView | 'new') => {
    clearSaveError();
    setEditing(target);
  };
  const budget = (k: KeyView) => k.limits?.dailyBudgetUsd ?? null;

  return (
    <>
      <div class="page-head">
        <h1>{t('keys.title')}</h1>
        <button class="primary" data-testid="new-key-button" onClick={() => openForm('new')}>{t('keys.new')}</button>
      </div>
      <Show when={keys.data()} fallback={<Pending error={keys.error()} />}>
        {(d) => (
          <div class="card table-wrap">
            <Show when={d().keys.length > 0} fallback={<div class="empty">{t('keys.none')}</div>}>
              <table class="rows-sm" data-testid="keys-table">
                <thead>
                  <tr><th>{t('common.name')}</th><th>{t('keys.prefix')}</th><th>{t('common.state')}</th><th class="hide-sm">{t('keys.scopes')}</th>
                    <th class="hide-sm">{t('keys.limits')}</th><th>{t('keys.spendToday')}</th><th class="hide-sm">{t('keys.lastUsed')}</th><th /></tr>
                </thead>
                <tbody>
                  <For each={d().keys}>{(k) => (
                    <tr data-testid={`key-${k.name}`} data-state={k.state}>
                      <td><strong>{k.name}</strong></td>
                      <td class="mono small">{k.prefix}…</td>
                      <td><Badge state={k.state} label={tx(`keys.state.${k.state}`, k.state)} /></td>
                      <td class="hide-sm mono small">{k.scopes?.length ? k.scopes.join(', ') : t('keys.allModels')}</td>
                      <td class="hide-sm small">
                        {[k.limits?.rpm ? `${k.limits.rpm} rpm` : '', k.limits?.tpm ? `${fmt.num(k.limits.tpm)} tpm` : '',
                          k.limits?.dailyBudgetUsd ? `${fmt.usd(k.limits.dailyBudgetUsd)}/${t('keys.day')}` : '',
                          k.limits?.monthlyBudgetUsd ? `${fmt.usd(k.limits.monthlyBudgetUsd)}/${t('keys.month')}` : ''].filter(Boolean).join(' · ') || '—'}
                      </td>
                      <td class="small" style={{ 'min-width': '110px' }}>
                        {fmt.usd(k.spend.todayUsd)} · {tn('common.requestCount', k.spend.requestsToday)}
                        <Show when={budget(k)}>{(b) => <Meter value={k.spend.todayUsd} max={b()} label={fmt.usd(b())} />}</Show>
                      </td>
                      <td class="hide-sm small">{fmt.dateTime(k.lastUsedAt)}</td>
                      <td>
                        {/* An expired key can still be given a later expiry, rotated or revoked. */}
                        <Show when={k.state !== 'revoked'}>
                          <div class="row" style={{ 'flex-wrap': 'nowrap' }}>
                            <button class="icon" onClick={() => openForm(k)}>{t('common.edit')}</button>
                            <button class="icon" data-testid="rotate-key" onClick={() => void rotate(k)}>{t('keys.rotate')}</button>
                            <button class="icon danger" data-testid="revoke-key" onClick={() => void revoke(k)}>{t('keys.revoke')}</button>
                          </div>
                        </Show>
                      </td>
                    </tr>
                  )}</For>
                </tbody>
              </table>
            </Show>
          </div>
        )}
      </Show>
      <Show when={editing()}>
        {(target) => (
          <Modal title={target() === 'new' ? t('keys.new') : t('keys.edit')} onClose={() => setEditing(null)}>
            <KeyForm initial={target() === 'new' ? undefined : (target() as KeyView)} busy={saving()} error={saveError()}
              submitLabel={target() === 'new' ? t('keys.create') : t('common.save')} onSubmit={(k) => void save(k)} onCancel={() => setEditing(null)} />
          </Modal>
        )}
      </Show>
      <Show when={secret()}>
        {(s) => (
          <Modal title={t('keys.secretTitle', { name: s().name })} onClose={() => setSecret(null)}>
            <div class="stack">
              <p>{t('keys.secretOnce')}</p>
              <div class="secret" data-testid="key-secret">{s().secret}</div>
              <div class="row end"><CopyButton text={s().secret} /><button class="primary" onClick={() => setSecret(null)}>{t('keys.secretDone')}</button></div>
            </div>
          </Modal>
        )}
      </Show>
    </>
  );
}
