import { A, useLocation, useNavigate } from '@solidjs/router';
import { createEffect, createSignal, For, type JSX } from 'solid-js';
import { LOCALES, locale, setLocale, t, type Locale, type MessageKey } from '../i18n/i18n.ts';
import { logout } from '../lib/auth.ts';
import { setTheme, theme } from '../lib/theme.ts';
import { Logo } from './icons.tsx';

/** Navigation entries: path and message key. */
export const NAV: Array<{ path: string; key: MessageKey }> = [
  { path: '/', key: 'nav.overview' },
  { path: '/providers', key: 'nav.providers' },
  { path: '/combos', key: 'nav.combos' },
  { path: '/plugins', key: 'nav.plugins' },
  { path: '/usage', key: 'nav.usage' },
  { path: '/logs', key: 'nav.logs' },
  { path: '/keys', key: 'nav.keys' },
  { path: '/playground', key: 'nav.playground' },
  { path: '/settings', key: 'nav.settings' },
  { path: '/tools', key: 'nav.tools' },
];

/** Language and theme switchers (also shown on the login and setup pages). */
export function Preferences() {
  return (
    <div class="row">
      <select aria-label={t('prefs.language')} data-testid="lang-switch" value={locale()}
        onChange={(e) => void setLocale(e.currentTarget.value as Locale)}>
        <For each={LOCALES}>{(l) => <option value={l.id}>{l.label}</option>}</For>
      </select>
      <button class="icon" data-testid="theme-switch" title={t('prefs.theme')}
        onClick={() => setTheme(theme() === 'dark' ? 'light' : 'dark')}>
        {theme() === 'dark' ? '☀' : '☾'}
      </button>
    </div>
  );
}

/** The dashboard frame: side navigation (a drawer on phones), preferences and logout. */
export function Shell(props: { children?: JSX.Element }) {
  const [open, setOpen] = createSignal(false);
  const location = useLocation();
  const navigate = useNavigate();
  createEffect(() => {
    void location.pathname;
    setOpen(false);
  });
  const signOut = async () => {
    await logout();
    navigate('/login', { replace: true });
  };
  return (
    <div class="layout">
      <nav class={open() ? 'nav open' : 'nav'} aria-label={t('nav.label')}>
        <div class="brand"><Logo />Switchyard</div>
        <For each={NAV}>{(n) => <A href={n.path} end={n.path === '/'} activeClass="active">{t(n.key)}</A>}</For>
        <div class="nav-foot">
          <Preferences />
          <button data-testid="logout" onClick={() => void signOut()}>{t('auth.logout')}</button>
        </div>
      </nav>
      {open() && <div class="scrim" onClick={() => setOpen(false)} />}
      <div class="main">
        <header class="topbar">
          <button class="icon" aria-label={t('nav.menu')} data-testid="menu" onClick={() => setOpen(!open())}>☰</button>
          <div class="brand"><Logo />Switchyard</div>
        </header>
        <main class="content">{props.children}</main>
      </div>
    </div>
  );
}
