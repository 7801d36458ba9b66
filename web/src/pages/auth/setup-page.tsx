import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { api, ApiError, errorText } from '../../api/api-client.ts';
import { t } from '../../i18n/i18n.ts';
import { authState, refreshAuth } from '../../lib/auth.ts';
import { AuthFrame } from './auth-frame.tsx';

const MIN = 10;

/**
 * First run: the console printed `/setup?token=…`. The token comes from the URL (or is pasted);
 * the user chooses the dashboard password and is logged in. The token is removed from the
 * address bar at once so it does not linger in history.
 */
export default function SetupPage() {
  const [params] = useSearchParams<{ token?: string }>();
  const navigate = useNavigate();
  const [token, setToken] = createSignal(params.token ?? '');
  const [password, setPassword] = createSignal('');
  const [confirm, setConfirm] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [done, setDone] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const fromLink = !!params.token;
  if (fromLink) history.replaceState(null, '', '/setup');
  void refreshAuth();

  const problem = () => {
    if (password().length > 0 && password().length < MIN) return t('setup.tooShort', { n: MIN });
    if (confirm() && confirm() !== password()) return t('setup.mismatch');
    return null;
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (problem() || password() !== confirm()) return;
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/setup', { method: 'POST', body: { token: token().trim(), password: password() }, quiet401: true });
      await refreshAuth();
      navigate('/', { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'setup_done') setDone(true);
      else setError(err instanceof ApiError && err.code === 'invalid_token' ? t('setup.invalidToken') : errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame title={t('setup.title')}>
      <Show when={!done() && authState()?.needsSetup !== false} fallback={
        <div class="alert" data-testid="setup-done">{t('setup.done')} <A href="/login">{t('auth.login')}</A></div>
      }>
        <p class="muted">{t('setup.intro')}</p>
        <Show when={error()}><div class="alert err" role="alert" data-testid="setup-error">{error()}</div></Show>
        <form class="stack" onSubmit={submit}>
          <Show when={!fromLink}>
            <label class="field"><span>{t('setup.token')}</span>
              <input name="token" required value={token()} onInput={(e) => setToken(e.currentTarget.value)} />
            </label>
          </Show>
          <label class="field"><span>{t('setup.password')}</span>
            <input type="password" name="password" autocomplete="new-password" required minLength={MIN}
              value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
          </label>
          <label class="field"><span>{t('setup.confirm')}</span>
            <input type="password" name="confirm" autocomplete="new-password" required
              value={confirm()} onInput={(e) => setConfirm(e.currentTarget.value)} />
          </label>
          <Show when={problem()}><small class="muted" style={{ color: 'var(--err)' }}>{problem()}</small></Show>
          <button class="primary" type="submit" disabled={busy() || !token() || !!problem() || !password() || password() !== confirm()}>
            {t('setup.submit')}
          </button>
        </form>
      </Show>
    </AuthFrame>
  );
}
