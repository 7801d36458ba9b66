import { describe, expect, test } from 'bun:test';
import * as v from 'valibot';
import { accountFingerprint, resolveProviders } from '../../core/config/resolve-providers.ts';
import { parsePresets } from '../../core/config/presets.ts';
import { ConfigSchema } from '../../core/config/schema.ts';
import type { StoredAccount } from '../../core/db/accounts-repo.ts';
import { withStoredAccounts } from '../../core/oauth/stored-accounts.ts';

/** Every account runtime carries a fingerprint: the same account has the same one wherever it sits. */
const presets = parsePresets('presets: []');
const resolve = (keys: string[], accounts: unknown[] = []) =>
  resolveProviders(v.parse(ConfigSchema, { providers: { p: { type: 'openai', base_url: 'https://p.example/v1', keys, accounts } } }), presets)
    .get('p')!.accounts;

describe('account fingerprints', () => {
  test('a key keeps its fingerprint when it moves to another id; another key at the id has another', () => {
    const before = resolve(['sk-aaaa-0000001', 'sk-bbbb-0000002', 'sk-cccc-0000003']);
    const after = resolve(['sk-bbbb-0000002', 'sk-cccc-0000003']);
    expect(before.map((a) => a.id)).toEqual(['key-1', 'key-2', 'key-3']);
    expect(after.map((a) => a.id)).toEqual(['key-1', 'key-2']);
    expect(after[0].fingerprint).toBe(before[1].fingerprint!);
    expect(after[1].fingerprint).toBe(before[2].fingerprint!);
    expect(after[0].fingerprint).not.toBe(before[0].fingerprint!);
    expect(new Set(before.map((a) => a.fingerprint)).size).toBe(3);
  });

  test('short, and holds no part of the secret', () => {
    const secret = 'sk-live-0123456789abcdef';
    const [a] = resolve([secret]);
    expect(a.fingerprint).toMatch(/^[\w-]{12}$/);
    for (let i = 0; i + 6 <= secret.length; i++) expect(a.fingerprint!.includes(secret.slice(i, i + 6))).toBe(false);
  });

  test('`accounts:` items: from the key, or from provider and id when keyless', () => {
    const [work, anon] = resolve([], [{ label: 'work', key: 'sk-work-0000001' }, { label: 'local' }]);
    expect(work.fingerprint).toBe(accountFingerprint({ secret: 'sk-work-0000001' }));
    expect(anon.fingerprint).toBe(accountFingerprint({ provider: 'p', account: 'local' }));
    // The same key under `keys:` is the same account.
    expect(resolve(['sk-work-0000001'])[0].fingerprint).toBe(work.fingerprint!);
  });

  test('stored (OAuth, dashboard) accounts: from provider and their database id', () => {
    const providers = new Map(Object.entries({ p: { name: 'p', accounts: [] } })) as unknown as Parameters<typeof withStoredAccounts>[0];
    const row = (accountId: string) => ({ provider: 'p', accountId, label: accountId, state: 'active', meta: {} }) as unknown as StoredAccount;
    const [a, b] = withStoredAccounts(providers, { list: () => [row('a@x.example'), row('b@x.example')] }).get('p')!.accounts;
    expect(a.fingerprint).toBe(accountFingerprint({ provider: 'p', account: 'a@x.example' }));
    expect(b.fingerprint).not.toBe(a.fingerprint!);
    // Not the same as a key that happens to equal the id.
    expect(accountFingerprint({ secret: 'a@x.example' })).not.toBe(a.fingerprint!);
  });
});
