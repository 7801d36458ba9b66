import { createSignal, onCleanup, Show, type JSX } from 'solid-js';
import { errorText } from '../api/api-client.ts';
import { fmt, t } from '../i18n/i18n.ts';
import { toast, toastError } from './toasts.tsx';

const STATE_CLASS: Record<string, string> = {
  active: 'ok', closed: 'ok', ok: 'ok', ready: 'ok', connected: 'ok',
  disabled: '', available: '', revoked: '', expired: 'warn',
  errored: 'err', invalid: 'err', open: 'err', error: 'err', failed: 'err', 'no-adapter': 'err', 'needs-reauth': 'err',
  'half-open': 'warn', 'no-accounts': 'warn', cooling: 'warn', probing: 'warn', error_midstream: 'err',
  client_cancelled: 'warn', rejected: 'warn',
};

/** A coloured pill for a state word (`active`, `errored`, `open`…). */
export function Badge(props: { state: string; label?: string }) {
  return <span class={`badge ${STATE_CLASS[props.state] ?? 'info'}`} data-state={props.state}>{props.label ?? props.state}</span>;
}

/** Pretty-printed JSON (a JSON string is re-indented; other text is shown as is) in a scrolling box. */
export function JsonBlock(props: { value: unknown; testid?: string }) {
  const text = () => {
    const v = props.value;
    if (typeof v !== 'string') return JSON.stringify(v, null, 2) ?? 'null';
    if (!/^\s*[{[]/.test(v)) return v;
    try {
      return JSON.stringify(JSON.parse(v), null, 2);
    } catch {
      return v;
    }
  };
  return <pre class="code" data-testid={props.testid}>{text()}</pre>;
}

/** An error message box; renders nothing without an error. */
export function ErrorBox(props: { error: unknown }) {
  return <Show when={props.error}><div class="alert err" role="alert">{errorText(props.error)}</div></Show>;
}

/** A progress bar: green, amber over 80 %, red when full. */
export function Meter(props: { value: number; max: number; label?: string }) {
  const ratio = () => (props.max > 0 ? Math.min(1, props.value / props.max) : 0);
  const cls = () => (ratio() >= 1 ? 'bar err' : ratio() >= 0.8 ? 'bar warn' : 'bar');
  return (
    <div title={props.label} role="meter" aria-valuenow={props.value} aria-valuemin={0} aria-valuemax={props.max}>
      <div class={cls()}><div style={{ width: `${ratio() * 100}%` }} /></div>
    </div>
  );
}

/** Counts down to `until` (epoch ms) once a second. */
export function Countdown(props: { until: number | null }) {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 1000);
  onCleanup(() => clearInterval(timer));
  return <span class="mono">{props.until === null ? '—' : fmt.duration(props.until - now())}</span>;
}

/** A labelled form field. */
export function Field(props: { label: string; children: JSX.Element; wide?: boolean; hint?: string }) {
  return (
    <label class={props.wide ? 'field wide' : 'field'}>
      <span>{props.label}</span>
      {props.children}
      <Show when={props.hint}><small class="muted">{props.hint}</small></Show>
    </label>
  );
}

/**
 * Wraps an async action with a busy flag; errors become a toast (or are kept for an inline box
 * when `keepError` is set). Returns `[run, busy, error, clearError]`; a form that is closed and
 * opened again calls `clearError` so it does not open showing the last attempt's error.
 */
export function useAction<A extends unknown[]>(fn: (...args: A) => Promise<unknown>, keepError = false) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const run = async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      await fn(...args);
    } catch (e) {
      if (keepError) setError(e);
      else toastError(e);
    } finally {
      setBusy(false);
    }
  };
  return [run, busy, error, () => setError(null)] as const;
}

/**
 * Copies a text. The Clipboard API exists only in secure contexts (https, localhost): a gateway
 * opened at a plain-http LAN address has none, so a selected hidden text area and the `copy`
 * command are the fallback. False when neither worked.
 */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    /* no Clipboard API here, or no permission: try the copy command */
  }
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.cssText = 'position:fixed;top:0;left:0;opacity:0';
  (focused?.parentElement ?? document.body).append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
    focused?.focus();
  }
}

/** A "Copy" button for a text; when the browser refuses, a message says to copy it by hand. */
export function CopyButton(props: { text: string }) {
  const [done, setDone] = createSignal(false);
  const copy = async () => {
    if (!(await copyText(props.text))) return toast(t('common.copyFailed'), 'err');
    setDone(true);
    setTimeout(() => setDone(false), 1500);
  };
  return <button type="button" class="icon" onClick={copy}>{done() ? t('common.copied') : t('common.copy')}</button>;
}

/** What a section shows before its data arrives: "Loading…", or why it failed. */
export function Pending(props: { error?: unknown }) {
  return (
    <Show when={props.error} fallback={<div class="empty">{t('common.loading')}</div>}>
      <div class="alert err" role="alert">{errorText(props.error)}</div>
    </Show>
  );
}
