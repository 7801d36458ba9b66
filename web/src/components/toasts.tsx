import { createSignal, For } from 'solid-js';
import { errorText } from '../api/api-client.ts';

interface Toast {
  id: number;
  kind: 'ok' | 'err' | 'info';
  text: string;
}

const [toasts, setToasts] = createSignal<Toast[]>([]);
let seq = 0;

/** Shows a short message in the corner; errors stay longer. */
export function toast(text: string, kind: Toast['kind'] = 'ok'): void {
  const id = ++seq;
  setToasts((l) => [...l.slice(-3), { id, kind, text }]);
  setTimeout(() => setToasts((l) => l.filter((x) => x.id !== id)), kind === 'err' ? 8000 : 3500);
}

/** Shows any thrown value as an error toast. */
export function toastError(e: unknown): void {
  toast(errorText(e), 'err');
}

/** Renders the toast stack (once, in the shell). */
export function Toasts() {
  return (
    <div class="toasts" role="status" aria-live="polite">
      <For each={toasts()}>{(x) => <div class={`toast ${x.kind}`} data-testid="toast">{x.text}</div>}</For>
    </div>
  );
}
