import { expect, test } from 'bun:test';
import { configAccountId } from './config-account-id.ts';

test('keys are numbered from 1; accounts go by label, else by position', () => {
  expect([configAccountId('keys', 0), configAccountId('keys', 2)]).toEqual(['key-1', 'key-3']);
  expect([configAccountId('accounts', 0), configAccountId('accounts', 1, 'work')]).toEqual(['account-1', 'work']);
  // A label is the id even when it looks like another item's positional id.
  expect(configAccountId('accounts', 0, 'account-2')).toBe('account-2');
});
