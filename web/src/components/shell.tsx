import { A, useLocation, useNavigate } from '@solidjs/router';
import { createEffect, createSignal, For, on, onCleanup, type JSX } from 'solid-js';
import { LOCALES, locale, setLocale, t, type Locale, type MessageKey } from '../i18n/i18n.ts';
import { logout } from '../lib/auth.ts';
import { setTheme, theme } from '../lib/theme.ts';
import { Logo } from './icons.tsx';
import { keepTabInside } from './modal.tsx';

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

/**
 * The dashboard frame: side navigation (a drawer on phones), preferences and logout. The open
 * drawer takes the keyboard focus (its current page's link), keeps Tab inside it and closes on
 * Escape, giving the focus back to the menu button, like a dialog.
 */
export function Shell(props: { children?: JSX.Element }) {
  const [open, setOpen] = createSignal(false);
  const location = useLocation();
  const navigate = useNavigate();
  let nav!: HTMLElement;
  let menu!: HTMLButtonElement;
  createEffect(() => {
    void location.pathname;
    setOpen(false);
  });
  createEffect(on(open, (isOpen) => {
    if (isOpen) (nav.querySelector<HTMLElement>('a.active') ?? nav.querySelector<HTMLElement>('a'))?.focus();
  }, { defer: true }));
  const onKey = (e: KeyboardEvent) => {
    // The menu button is hidden when the navigation is a sidebar (wide screens): no drawer then.
    if (!open() || menu.offsetParent === null) return;
    if (e.key === 'Escape') {
      setOpen(false);
      menu.focus();
    } else if (e.key === 'Tab') keepTabInside(nav, e);
  };
  document.addEventListener('keydown', onKey);
  onCleanup(() => document.removeEventListener('keydown', onKey));
  const signOut = async () => {
    await logout();
    navigate('/login', { replace: true });
  };
  return (
    <div class="layout">
      <nav ref={nav} id="nav" class={open() ? 'nav open' : 'nav'} aria-label={t('nav.label')}>
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
          <button ref={menu} class="icon" aria-label={t('nav.menu')} aria-controls="nav" aria-expanded={open()} data-testid="menu"
            onClick={() => setOpen(!open())}>☰</button>
          <div class="brand"><Logo />Switchyard</div>
        </header>
        <main class="content">{props.children}</main>
      </div>
    </div>
  );
}
