import { createSignal } from 'solid-js';
import { api } from '../../api/api-client.ts';
import { toast } from '../../components/toasts.tsx';
import { ErrorBox, Field, useAction } from '../../components/ui.tsx';
import { t } from '../../i18n/i18n.ts';

/** Changes the dashboard password (other sessions are logged out by the gateway). */
export function PasswordCard() {
  const [current, setCurrent] = createSignal('');
  const [next, setNext] = createSignal('');
  const [change, busy, error] = useAction(async (e: Event) => {
    e.preventDefault();
    await api('/api/auth/password', { method: 'POST', body: { current: current(), password: next() }, quiet401: true });
    setCurrent('');
    setNext('');
    toast(t('settings.passwordChanged'));
  }, true);
  return (
    <form class="card stack" onSubmit={(e) => void change(e)}>
      <h2>{t('settings.password')}</h2>
      <div class="form">
        <Field label={t('settings.currentPassword')}>
          <input type="password" autocomplete="current-password" required value={current()} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </Field>
        <Field label={t('settings.newPassword')}>
          <input type="password" autocomplete="new-password" minLength={10} required value={next()} onInput={(e) => setNext(e.currentTarget.value)} />
        </Field>
      </div>
      <ErrorBox error={error()} />
      <div class="row end"><button type="submit" disabled={busy() || next().length < 10 || !current()}>{t('settings.changePassword')}</button></div>
    </form>
  );
}
