import { Navigate, useNavigate } from '@solidjs/router';
import { createSignal, onCleanup, Show } from 'solid-js';
import { api, ApiError, errorText } from '../../api/api-client.ts';
import { fmt, t } from '../../i18n/i18n.ts';
import { authState, refreshAuth } from '../../lib/auth.ts';
import { AuthFrame } from './auth-frame.tsx';

/**
 * Only paths of this dashboard are followed after login (no open redirect). The check is on the
 * resolved URL: browsers read `/\host` like `//host`, another site, which the history API then
 * refuses with an exception.
 */
function safeNext(next: string | undefined): string {
  if (!next?.startsWith('/')) return '/';
  try {
    const url = new URL(next, window.location.origin);
    if (url.origin !== window.location.origin || url.pathname.startsWith('/login')) return '/';
    return url.pathname + url.search + url.hash;
  } catch {
    return '/';
  }
}

/**
 * Password login. After 5 failures in 15 minutes the gateway locks login for everyone; the page
 * then shows until when, counting down, and disables the form.
 */
export default function LoginPage() {
  // Read from the address bar itself: the router re-parses a `next` that holds its own query.
  const next = safeNext(new URLSearchParams(window.location.search).get('next') ?? undefined);
  const navigate = useNavigate();
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [lockedUntil, setLockedUntil] = createSignal<number | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 1000);
  onCleanup(() => clearInterval(timer));

  void refreshAuth().then((s) => {
    if (s?.lockedUntil && s.lockedUntil > Date.now()) setLockedUntil(s.lockedUntil);
  });
  const locked = () => (lockedUntil() ?? 0) > now();

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/login', { method: 'POST', body: { password: password() }, quiet401: true });
      await refreshAuth();
      navigate(next, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'login_locked') {
        setLockedUntil(err.lockedUntil ?? Date.now() + (err.retryAfterSec ?? 900) * 1000);
      } else if (err instanceof ApiError && err.code === 'setup_required') {
        navigate('/setup', { replace: true });
      } else {
        setError(err instanceof ApiError && err.code === 'wrong_password' ? t('auth.wrongPassword') : errorText(err));
      }
    } finally {
      setBusy(false);
      setPassword('');
    }
  };

  return (
    <Show when={!authState()?.loggedIn} fallback={<Navigate href={next} />}>
      <Show when={!authState()?.needsSetup} fallback={<Navigate href="/setup" />}>
        <AuthFrame title={t('auth.loginTitle')}>
          <Show when={locked()}>
            <div class="alert err" role="alert" data-testid="lockout">
              {t('auth.locked', { time: fmt.time(lockedUntil()), left: fmt.duration((lockedUntil() ?? 0) - now()) })}
            </div>
          </Show>
          <Show when={error()}><div class="alert err" role="alert" data-testid="login-error">{error()}</div></Show>
          <form class="stack" onSubmit={submit}>
            <label class="field">
              <span>{t('auth.password')}</span>
              <input type="password" name="password" autocomplete="current-password" required autofocus
                value={password()} onInput={(e) => setPassword(e.currentTarget.value)} disabled={locked()} />
            </label>
            <button class="primary" type="submit" disabled={busy() || locked() || !password()}>{t('auth.login')}</button>
          </form>
          <p class="muted small">{t('auth.forgot')}</p>
        </AuthFrame>
      </Show>
    </Show>
  );
}
