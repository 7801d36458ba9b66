import { onCleanup, onMount, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import { t } from '../i18n/i18n.ts';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The elements Tab can reach inside `root`, in order (hidden ones left out). */
const focusables = (root: HTMLElement) =>
  [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);

/**
 * For a Tab keydown: keeps the focus inside `root`, wrapping from the last element to the first
 * (Shift+Tab: first to last), and brings a focus that is outside back in. Used by dialogs and
 * the phone navigation drawer.
 */
export function keepTabInside(root: HTMLElement, e: KeyboardEvent): void {
  const els = focusables(root);
  if (els.length === 0) return;
  const first = els[0]!, last = els[els.length - 1]!;
  const inside = root.contains(document.activeElement);
  if (e.shiftKey && (!inside || document.activeElement === first)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (!inside || document.activeElement === last)) {
    e.preventDefault();
    first.focus();
  }
}

/**
 * A dialog over the page; Escape or the close button (or a click outside) calls `onClose`.
 * Keyboard focus moves into the dialog when it opens (its first field or button after the
 * title's close button), Tab and Shift+Tab cycle inside it, and closing gives focus back to
 * the element that had it, so a keyboard user never ends up on the page behind the backdrop.
 */
export function Modal(props: { title: string; onClose: () => void; wide?: boolean; children: JSX.Element }) {
  let dialog!: HTMLDivElement;
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      props.onClose();
      return;
    }
    if (e.key === 'Tab') keepTabInside(dialog, e);
  };
  onMount(() => {
    document.addEventListener('keydown', onKey);
    const els = focusables(dialog);
    (els[1] ?? els[0] ?? dialog).focus();
  });
  onCleanup(() => {
    document.removeEventListener('keydown', onKey);
    if (opener?.isConnected) opener.focus();
  });
  return (
    <Portal>
      <div class="modal-back" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
        <div ref={dialog} class={props.wide ? 'modal wide' : 'modal'} role="dialog" aria-modal="true" aria-label={props.title} tabindex="-1">
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
