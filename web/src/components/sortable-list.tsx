import { createSignal, Index, Show } from 'solid-js';
import { t } from '../i18n/i18n.ts';

/** Moves one item of a list to another index (a copy; the input is left unchanged). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(Math.max(0, Math.min(next.length, to)), 0, item as T);
  return next;
}

/**
 * An ordered list editable by mouse (HTML5 drag and drop) and keyboard (up/down buttons, or
 * Alt+Arrow on a focused row). Used for combo targets and plugin order.
 */
export function SortableList(props: {
  items: string[];
  onChange: (next: string[]) => void;
  onRemove?: (index: number) => void;
  label: string;
  testid?: string;
  extra?: (item: string) => unknown;
}) {
  const [dragging, setDragging] = createSignal<number | null>(null);
  const [over, setOver] = createSignal<number | null>(null);
  const move = (from: number, to: number) => {
    if (to < 0 || to >= props.items.length || from === to) return;
    props.onChange(moveItem(props.items, from, to));
  };
  const onKey = (e: KeyboardEvent, i: number) => {
    if (!e.altKey) return;
    if (e.key === 'ArrowUp') { e.preventDefault(); move(i, i - 1); }
    if (e.key === 'ArrowDown') { e.preventDefault(); move(i, i + 1); }
  };
  return (
    <ol class="targets" aria-label={props.label} data-testid={props.testid}>
      <Index each={props.items}>{(item, i) => (
        <li
          draggable="true"
          tabindex="0"
          data-index={i}
          data-item={item()}
          class={[dragging() === i ? 'dragging' : '', over() === i && dragging() !== i ? 'over' : ''].join(' ')}
          onDragStart={(e) => { setDragging(i); e.dataTransfer?.setData('text/plain', String(i)); if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move'; }}
          onDragOver={(e) => { e.preventDefault(); setOver(i); }}
          onDragLeave={() => setOver((o) => (o === i ? null : o))}
          onDrop={(e) => {
            e.preventDefault();
            const from = dragging() ?? Number(e.dataTransfer?.getData('text/plain'));
            setDragging(null); setOver(null);
            if (Number.isInteger(from)) move(from, i);
          }}
          onDragEnd={() => { setDragging(null); setOver(null); }}
          onKeyDown={(e) => onKey(e, i)}
        >
          <span class="handle" aria-hidden="true">⠿</span>
          <span class="muted small">{i + 1}.</span>
          <span class="name" title={item()}>{item()}</span>
          {props.extra?.(item()) as never}
          <button type="button" class="icon" aria-label={t('common.moveUp', { item: item() })} data-testid="move-up" disabled={i === 0} onClick={() => move(i, i - 1)}>↑</button>
          <button type="button" class="icon" aria-label={t('common.moveDown', { item: item() })} data-testid="move-down" disabled={i === props.items.length - 1} onClick={() => move(i, i + 1)}>↓</button>
          <Show when={props.onRemove}>
            <button type="button" class="icon danger" aria-label={t('common.remove')} onClick={() => props.onRemove?.(i)}>✕</button>
          </Show>
        </li>
      )}</Index>
    </ol>
  );
}
