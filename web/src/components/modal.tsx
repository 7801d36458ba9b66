import { onCleanup, onMount, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import { t } from '../i18n/i18n.ts';

/** A dialog over the page; Escape or the close button (or a click outside) calls `onClose`. */
export function Modal(props: { title: string; onClose: () => void; wide?: boolean; children: JSX.Element }) {
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') props.onClose();
  };
  onMount(() => document.addEventListener('keydown', onKey));
  onCleanup(() => document.removeEventListener('keydown', onKey));
  return (
    <Portal>
      <div class="modal-back" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
        <div class={props.wide ? 'modal wide' : 'modal'} role="dialog" aria-modal="true" aria-label={props.title}>
          <h2>
            {props.title}
            <button class="icon" aria-label={t('common.close')} onClick={() => props.onClose()}>✕</button>
          </h2>
          {props.children}
        </div>
      </div>
    </Portal>
  );
}
