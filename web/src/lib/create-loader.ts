import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { keepUnchanged } from './keep-unchanged.ts';

export interface Loader<T> {
  /** The last good answer (kept while a refresh runs, so the page does not flicker). */
  data: Accessor<T | undefined>;
  /** The last refresh's error, cleared by the next success. */
  error: Accessor<unknown>;
  loading: Accessor<boolean>;
  /** Fetches again now; resolves when done (never rejects). */
  reload(): Promise<void>;
  /** Replaces the data locally (after an edit answered with the new state). */
  set(v: T): void;
}

/**
 * Loads data for a page outside Suspense: the first load fills `data`, later reloads replace it
 * only when they succeed, keeping the objects of everything that did not change (`keepUnchanged`),
 * so a refresh rebuilds only the rows that changed: a list keeps the focus and the input of the
 * others. With `intervalMs` it refreshes on a timer while the page is shown (paused while the
 * tab is hidden). Stale answers of overlapping reloads are dropped.
 */
export function createLoader<T>(fetcher: () => Promise<T>, intervalMs?: number): Loader<T> {
  const [data, setData] = createSignal<T | undefined>(undefined);
  const [error, setError] = createSignal<unknown>(null);
  const [loading, setLoading] = createSignal(false);
  let seq = 0;
  let alive = true;
  const reload = async () => {
    const n = ++seq;
    setLoading(true);
    try {
      const v = await fetcher();
      if (alive && n === seq) {
        setData((prev) => keepUnchanged(prev, v));
        setError(null);
      }
    } catch (e) {
      if (alive && n === seq) setError(e);
    } finally {
      if (alive && n === seq) setLoading(false);
    }
  };
  void reload();
  if (intervalMs) {
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') void reload();
    }, intervalMs);
    onCleanup(() => clearInterval(timer));
  }
  onCleanup(() => {
    alive = false;
  });
  return { data, error, loading, reload, set: (v) => setData((prev) => keepUnchanged(prev, v)) };
}
