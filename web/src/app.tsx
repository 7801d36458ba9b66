import { Navigate, useLocation, type RouteSectionProps } from '@solidjs/router';
import { ErrorBoundary, Match, onCleanup, onMount, Suspense, Switch } from 'solid-js';
import { errorText, onUnauthorized } from './api/api-client.ts';
import { Shell } from './components/shell.tsx';
import { Toasts } from './components/toasts.tsx';
import { t } from './i18n/i18n.ts';
import { authError, authState, markLoggedOut, refreshAuth } from './lib/auth.ts';

const PUBLIC = new Set(['/login', '/setup']);

/**
 * The root of every route. Public pages (login, setup) render alone; every other page needs a
 * session: before setup the user is sent to /setup, without a session to /login (keeping the
 * page they asked for in `?next=`).
 */
export function App(props: RouteSectionProps) {
  const location = useLocation();
  onMount(() => void refreshAuth());
  onCleanup(onUnauthorized(() => markLoggedOut()));
  const next = () => encodeURIComponent(location.pathname + location.search);
  const isPublic = () => PUBLIC.has(location.pathname);
  return (
    <>
      <Switch fallback={<div class="empty">{t('common.loading')}</div>}>
        <Match when={isPublic()}>
          <Suspense>{props.children}</Suspense>
        </Match>
        <Match when={!authState() && authError()}>
          <div class="auth-page"><div class="alert err">{errorText(authError())}</div></div>
        </Match>
        <Match when={authState()?.needsSetup}>
          <Navigate href={`/setup${location.search}`} />
        </Match>
        <Match when={authState() && !authState()!.loggedIn}>
          <Navigate href={`/login?next=${next()}`} />
        </Match>
        <Match when={authState()?.loggedIn}>
          <Shell>
            <ErrorBoundary fallback={(err, reset) => (
              <div class="alert err" role="alert" data-testid="page-crash">
                {t('common.pageError')} {errorText(err)} <button class="link" onClick={reset}>{t('common.retry')}</button>
              </div>
            )}>
              <Suspense fallback={<div class="empty">{t('common.loading')}</div>}>{props.children}</Suspense>
            </ErrorBoundary>
          </Shell>
        </Match>
      </Switch>
      <Toasts />
    </>
  );
}
