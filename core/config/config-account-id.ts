/**
 * The id the YAML gives one account of a provider entry: `key-N` for the N-th item of `keys:`,
 * the label or `account-N` for the N-th item of `accounts:` (`index` counts from 0; N from 1).
 * Disabled and empty items keep their place in the count, so an id does not move when another
 * item is switched off. Routing (`resolve-providers`), the dashboard's label check and its view
 * of the YAML all name config accounts by this rule. Pure; never throws.
 */
export function configAccountId(list: 'keys' | 'accounts', index: number, label?: string): string {
  if (list === 'keys') return `key-${index + 1}`;
  return label ?? `account-${index + 1}`;
}
