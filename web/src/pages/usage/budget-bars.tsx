import { For, Show } from 'solid-js';
import type { KeyView } from '../../api/types.ts';
import { Meter } from '../../components/ui.tsx';
import { fmt, t } from '../../i18n/i18n.ts';

/** Spend against the daily and monthly budgets of each active client key that has one. */
export function BudgetBars(props: { keys: KeyView[] }) {
  const withBudget = () => props.keys.filter((k) => k.state === 'active' && (k.limits?.dailyBudgetUsd || k.limits?.monthlyBudgetUsd));
  return (
    <Show when={withBudget().length > 0} fallback={<p class="muted">{t('usage.noBudgets')}</p>}>
      <div class="stack" data-testid="budget-bars">
        <For each={withBudget()}>{(k) => (
          <div>
            <strong>{k.name}</strong> <span class="muted mono small">{k.prefix}…</span>
            <Show when={k.limits?.dailyBudgetUsd}>
              {(b) => (
                <div class="small">
                  {t('usage.budgetDay', { spent: fmt.usd(k.spend.todayUsd), budget: fmt.usd(b()) })}
                  <Meter value={k.spend.todayUsd} max={b()} />
                </div>
              )}
            </Show>
            <Show when={k.limits?.monthlyBudgetUsd}>
              {(b) => (
                <div class="small">
                  {t('usage.budgetMonth', { spent: fmt.usd(k.spend.monthUsd), budget: fmt.usd(b()) })}
                  <Meter value={k.spend.monthUsd} max={b()} />
                </div>
              )}
            </Show>
          </div>
        )}</For>
      </div>
    </Show>
  );
}
