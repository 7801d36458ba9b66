import { createSignal } from 'solid-js';

/** Dark or light: a `data-theme` attribute on <html> switches the CSS variables. */
export type Theme = 'dark' | 'light';

const KEY = 'sy.theme';
const [theme, setThemeSignal] = createSignal<Theme>((document.documentElement.dataset.theme as Theme) || 'light');

export { theme };

/** Applies a theme and remembers it (index.html applies the stored one before first paint). */
export function setTheme(next: Theme): void {
  document.documentElement.dataset.theme = next;
  setThemeSignal(next);
  try {
    localStorage.setItem(KEY, next);
  } catch {
    /* private mode */
  }
}
