import { Route, Router } from '@solidjs/router';
import { lazy } from 'solid-js';
import { render } from 'solid-js/web';
import { App } from './app.tsx';
import { initialLocale, setLocale } from './i18n/i18n.ts';
import './styles/app.css';

// Every page is its own chunk: the first load fetches only the shell and the page it opens.
const Overview = lazy(() => import('./pages/overview/overview-page.tsx'));
const Providers = lazy(() => import('./pages/providers/providers-page.tsx'));
const Combos = lazy(() => import('./pages/combos/combos-page.tsx'));
const Plugins = lazy(() => import('./pages/plugins/plugins-page.tsx'));
const Usage = lazy(() => import('./pages/usage/usage-page.tsx'));
const Logs = lazy(() => import('./pages/logs/logs-page.tsx'));
const Live = lazy(() => import('./pages/logs/live-page.tsx'));
const Keys = lazy(() => import('./pages/keys/keys-page.tsx'));
const Playground = lazy(() => import('./pages/playground/playground-page.tsx'));
const Settings = lazy(() => import('./pages/settings/settings-page.tsx'));
const Tools = lazy(() => import('./pages/tools/tools-page.tsx'));
const Login = lazy(() => import('./pages/auth/login-page.tsx'));
const Setup = lazy(() => import('./pages/auth/setup-page.tsx'));
const NotFound = lazy(() => import('./pages/not-found-page.tsx'));

const start = async () => {
  const lang = initialLocale();
  if (lang !== 'en') await setLocale(lang).catch(() => undefined);
  else document.documentElement.lang = 'en';
  render(() => (
    <Router root={App}>
      <Route path="/login" component={Login} />
      <Route path="/setup" component={Setup} />
      <Route path="/" component={Overview} />
      <Route path="/providers" component={Providers} />
      <Route path="/combos" component={Combos} />
      <Route path="/plugins" component={Plugins} />
      <Route path="/usage" component={Usage} />
      <Route path="/logs" component={Logs} />
      <Route path="/logs/live" component={Live} />
      <Route path="/logs/:id" component={Logs} />
      <Route path="/keys" component={Keys} />
      <Route path="/playground" component={Playground} />
      <Route path="/settings" component={Settings} />
      <Route path="/tools" component={Tools} />
      <Route path="*404" component={NotFound} />
    </Router>
  ), document.getElementById('root')!);
};
void start();
