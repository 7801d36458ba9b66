import { createSignal } from 'solid-js';
import type { KeyView } from '../../api/types.ts';
import { ErrorBox, Field } from '../../components/ui.tsx';
import { t } from '../../i18n/i18n.ts';

/** The body of `POST /api/keys` / `PATCH /api/keys/:id`. */
export interface KeyInput {
  name: string;
  scopes: string[];
  limits: { rpm: number | null; tpm: number | null; dailyBudgetUsd: number | null; monthlyBudgetUsd: number | null };
  expiresAt: number | null;
}

const numOrNull = (s: string) => (s.trim() === '' ? null : Number(s));
const show = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
const pad = (n: number) => String(n).padStart(2, '0');
/** The `YYYY-MM-DD` of a date input: the viewer's local day holding `t`. */
const dateOf = (t: number | null) => {
  if (!t) return '';
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};
/** A chosen date means "usable through that day": the last second of it in the viewer's time zone. */
const endOfLocalDay = (date: string) => new Date(`${date}T23:59:59`).getTime();

/** Name, scopes, limits, budgets and expiry of a client key (create or edit). */
export function KeyForm(props: { initial?: KeyView; busy: boolean; error: unknown; submitLabel: string; onSubmit: (k: KeyInput) => void; onCancel: () => void }) {
  const i = props.initial;
  const [name, setName] = createSignal(i?.name ?? '');
  const [scopes, setScopes] = createSignal(i?.scopes?.join(', ') ?? '');
  const [rpm, setRpm] = createSignal(show(i?.limits?.rpm));
  const [tpm, setTpm] = createSignal(show(i?.limits?.tpm));
  const [daily, setDaily] = createSignal(show(i?.limits?.dailyBudgetUsd));
  const [monthly, setMonthly] = createSignal(show(i?.limits?.monthlyBudgetUsd));
  const [expires, setExpires] = createSignal(dateOf(i?.expiresAt ?? null));
  const submit = (e: Event) => {
    e.preventDefault();
    props.onSubmit({
      name: name().trim(),
      scopes: scopes().split(/[\s,]+/).filter(Boolean),
      limits: { rpm: numOrNull(rpm()), tpm: numOrNull(tpm()), dailyBudgetUsd: numOrNull(daily()), monthlyBudgetUsd: numOrNull(monthly()) },
      // An untouched date keeps the exact expiry (one set by the CLI or the API may not end a day).
      expiresAt: !expires() ? null : expires() === dateOf(i?.expiresAt ?? null) ? i!.expiresAt! : endOfLocalDay(expires()),
    });
  };
  return (
    <form class="stack" onSubmit={submit} data-testid="key-form">
      <div class="form">
        <Field label={t('common.name')}><input name="name" data-testid="key-name" required value={name()} onInput={(e) => setName(e.currentTarget.value)} /></Field>
        <Field label={t('keys.expires')}><input type="date" name="expires" value={expires()} onInput={(e) => setExpires(e.currentTarget.value)} /></Field>
        <Field label={t('keys.scopes')} wide hint={t('keys.scopesHint')}>
          <input name="scopes" data-testid="key-scopes" placeholder="groq/*, fast" value={scopes()} onInput={(e) => setScopes(e.currentTarget.value)} />
        </Field>
        <Field label={t('keys.rpm')}><input type="number" min="1" name="rpm" value={rpm()} onInput={(e) => setRpm(e.currentTarget.value)} /></Field>
        <Field label={t('keys.tpm')}><input type="number" min="1" name="tpm" value={tpm()} onInput={(e) => setTpm(e.currentTarget.value)} /></Field>
        <Field label={t('keys.dailyBudget')}><input type="number" min="0" step="0.01" name="daily" data-testid="key-daily" value={daily()} onInput={(e) => setDaily(e.currentTarget.value)} /></Field>
        <Field label={t('keys.monthlyBudget')}><input type="number" min="0" step="0.01" name="monthly" value={monthly()} onInput={(e) => setMonthly(e.currentTarget.value)} /></Field>
      </div>
      <ErrorBox error={props.error} />
      <div class="row end">
        <button type="button" onClick={props.onCancel}>{t('common.cancel')}</button>
        <button type="submit" class="primary" data-testid="key-submit" disabled={props.busy || !name().trim()}>{props.submitLabel}</button>
      </div>
    </form>
  );
}
