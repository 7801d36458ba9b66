import { describe, expect, test } from 'bun:test';
import type { StoredAccount } from '../db/accounts-repo.ts';
import { storedAccountId } from './stored-account-id.ts';

const row = (accountId: string, meta: Record<string, unknown> = {}): StoredAccount => ({
  provider: 'cx', accountId, label: accountId, state: 'active', stateUntil: null, meta, createdAt: 0, updatedAt: 0, keyId: 'k',
});

describe('storedAccountId', () => {
  test('without a workspace the identity id; with one, the row of that workspace', () => {
    const rows = new Map<string, StoredAccount>();
    const get = (id: string) => rows.get(id);
    expect(storedAccountId({ accountId: 'a@x' }, get)).toBe('a@x');
    expect(storedAccountId({ accountId: 'a@x', workspace: 'w1' }, get)).toBe('a@x');
    rows.set('a@x', row('a@x', { workspace: 'w1' }));
    expect(storedAccountId({ accountId: 'a@x', workspace: 'w1' }, get)).toBe('a@x');
    expect(storedAccountId({ accountId: 'a@x', workspace: 'w2' }, get)).toBe('a@x#w2');
    rows.set('a@x#w2', row('a@x#w2', { workspace: 'w2' }));
    expect(storedAccountId({ accountId: 'a@x', workspace: 'w2' }, get)).toBe('a@x#w2');
  });

  test('a row stored before workspaces were told apart is taken as this workspace', () => {
    const get = (id: string) => (id === 'a@x' ? row('a@x') : undefined);
    expect(storedAccountId({ accountId: 'a@x', workspace: 'w9' }, get)).toBe('a@x');
  });

  test('an id that is not a login\'s (a typed key, a config account) goes to <id>-oauth, then -oauth-2, stably', () => {
    const notLogins = new Set(['a@x', 'a@x-oauth', 'cfg']);
    const taken = (id: string) => notLogins.has(id);
    const get = () => undefined;
    expect(storedAccountId({ accountId: 'a@x' }, get, taken)).toBe('a@x-oauth-2');
    expect(storedAccountId({ accountId: 'cfg' }, get, taken)).toBe('cfg-oauth');
    expect(storedAccountId({ accountId: 'b@x' }, get, taken)).toBe('b@x');
    // A workspace row is judged as the row it would be.
    expect(storedAccountId({ accountId: 'a@x', workspace: 'w1' }, (id) => (id === 'a@x' ? row('a@x', { workspace: 'w0' }) : undefined), taken)).toBe('a@x#w1');
  });
});

