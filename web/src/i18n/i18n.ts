import { createSignal } from 'solid-js';
import en from './en.json';

/**
 * Messages live in one flat JSON file per language (`en.json`, `pt-BR.json`). English ships in
 * the main bundle; other languages load on demand. The choice is kept in localStorage.
 * Missing keys fall back to English, then to the key itself (visible, so they get noticed).
 * A count has one key per CLDR plural category (`<base>.one`, `<base>.other`…), read by `tn`.
 */
export type Locale = 'en' | 'pt-BR';
export type MessageKey = keyof typeof en;
type Messages = Record<string, string>;

export const LOCALES: Array<{ id: Locale; label: string }> = [
  { id: 'en', label: 'English' },
  { id: 'pt-BR', label: 'Português (Brasil)' },
];

const STORAGE_KEY = 'sy.lang';
const loaders: Record<Locale, () => Promise<Messages>> = {
  en: async () => en,
  'pt-BR': async () => (await import('./pt-BR.json')).default as Messages,
};

const [locale, setLocaleSignal] = createSignal<Locale>('en');
const [messages, setMessages] = createSignal<Messages>(en);

/** The active locale (reactive). */
export { locale };

/** Switches the language, loads its messages and remembers the choice. */
export async function setLocale(next: Locale): Promise<void> {
  const m = await loaders[next]();
  setMessages(m);
  setLocaleSignal(next);
  document.documentElement.lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
}

/** The stored language, else the browser's (Portuguese speakers get pt-BR), else English. */
export function initialLocale(): Locale {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    /* ignore */
  }
  if (stored === 'en' || stored === 'pt-BR') return stored;
  return navigator.language?.toLowerCase().startsWith('pt') ? 'pt-BR' : 'en';
}

/** Translates a key, replacing `{name}` placeholders. Reactive: re-runs when the language changes. */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  const text = messages()[key] ?? (en as Messages)[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (_, k: string) => (k in vars ? String(vars[k]) : `{${k}}`));
}

/** Base names of the counted messages: `x` when `x.other` exists. */
export type PluralKey = { [K in MessageKey]: K extends `${infer B}.other` ? B : never }[MessageKey];

const pluralRules = new Map<string, Intl.PluralRules>();

/**
 * Translates a count: picks `<key>.<category>` by the language's plural rules (Intl.PluralRules),
 * else `<key>.other`, English as the fallback. An optional `<key>.zero` wins for 0: CLDR files 0
 * under `one` in Portuguese, but "0 erros" is what a Brazilian reader expects on a dashboard.
 * `{n}` is the count formatted in the active locale. Reactive like `t`.
 */
export function tn(key: PluralKey, n: number, vars?: Record<string, string | number>): string {
  const lang = locale();
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)));
  const m = messages(), e = en as Messages;
  const exact = `${key}.${rules.select(n)}`, other = `${key}.other`;
  const text = (n === 0 ? m[`${key}.zero`] : undefined) ?? m[exact] ?? m[other] ?? e[exact] ?? e[other] ?? key;
  const all: Record<string, string | number> = { n: fmt.num(n), ...vars };
  return text.replace(/\{(\w+)\}/g, (_, k: string) => (k in all ? String(all[k]) : `{${k}}`));
}

/** Formats numbers and dates in the active locale. */
export const fmt = {
  num: (n: number | null | undefined, digits = 0) =>
    n === null || n === undefined ? '—' : n.toLocaleString(locale(), { maximumFractionDigits: digits }),
  usd: (n: number | null | undefined) =>
    n === null || n === undefined ? '—' : '$' + n.toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: n !== 0 && Math.abs(n) < 0.01 ? 6 : 2 }),
  pct: (n: number | null | undefined) => (n === null || n === undefined ? '—' : (n * 100).toLocaleString(locale(), { maximumFractionDigits: 1 }) + '%'),
  ms: (n: number | null | undefined) => (n === null || n === undefined ? '—' : n >= 10_000 ? (n / 1000).toFixed(1) + ' s' : Math.round(n) + ' ms'),
  time: (t: number | null | undefined) => (t ? new Date(t).toLocaleTimeString(locale()) : '—'),
  dateTime: (t: number | null | undefined) => (t ? new Date(t).toLocaleString(locale()) : '—'),
  /** `3d 4h`, `4h 12m`, `5m 3s`, `12s`. */
  duration(ms: number | null | undefined): string {
    if (ms === null || ms === undefined) return '—';
    const s = Math.max(0, Math.round(ms / 1000));
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    if (d > 0) return `${d}d ${h}h`;
    if (h > 0) return `${h}h ${m}m`;
    if (m > 0) return `${m}m ${s % 60}s`;
    return `${s}s`;
  },
};

/** Like `t` for keys built at run time: the fallback when the key has no message. */
export function tx(key: string, fallback: string): string {
  return messages()[key] ?? (en as Messages)[key] ?? fallback;
}
