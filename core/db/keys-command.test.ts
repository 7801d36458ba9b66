import { describe, expect, test } from 'bun:test';
import { keysCommand, type KeyCreateFlags } from './keys-command.ts';
import { createKeysRepo } from './keys-repo.ts';
import { openMemoryDatabase } from './open-database.ts';

const NOW = Date.UTC(2026, 10, 26);

function run(db: ReturnType<typeof openMemoryDatabase>, sub: string, flags: KeyCreateFlags = {}, arg?: string, plugins?: Set<string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = keysCommand(sub, arg, { db, flags, now: NOW, plugins, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('switchyard keys', () => {
  test('create with scopes, limits and an expiry: the secret alone on the last line, the key as the dashboard would make it', () => {
    const db = openMemoryDatabase();
    const r = run(db, 'create', { name: 'alice', scopes: 'claude-*, groq/*', rpm: '60', 'daily-usd': '5', 'monthly-usd': '50', expires: '30d' });
    expect(r.code).toBe(0);
    const secret = r.out.at(-1)!;
    expect(secret).toStartWith('sy-');
    expect(r.out[0]).toContain('scopes claude-*, groq/*');
    const key = createKeysRepo(db).findBySecret(secret)!;
    expect(key).toMatchObject({ name: 'alice', scopes: ['claude-*', 'groq/*'], limits: { rpm: 60, dailyBudgetUsd: 5, monthlyBudgetUsd: 50 }, expiresAt: NOW + 30 * 86_400_000 });
    expect(createKeysRepo(db).findBySecret(run(db, 'create', { expires: '2027-01-31' }).out.at(-1)!)?.expiresAt).toBe(Date.parse('2027-01-31'));
  });

  test('limits the config has no plugin for get a note on stderr; the key is still made and last on stdout', () => {
    const db = openMemoryDatabase();
    const none = run(db, 'create', { rpm: '60', 'daily-usd': '5' }, undefined, new Set(['retry']));
    expect(none.code).toBe(0);
    expect(none.out.at(-1)).toStartWith('sy-');
    expect(none.err).toEqual([
      'Note: --rpm/--tpm are enforced by the rate-limit plugin, which the config does not list: add "- rate-limit" under plugins: to enforce them.',
      'Note: --daily-usd/--monthly-usd are enforced by the budget plugin, which the config does not list: add "- budget" under plugins: to enforce them.',
    ]);
    expect(run(db, 'create', { rpm: '60', 'daily-usd': '5' }, undefined, new Set(['rate-limit', 'budget'])).err).toEqual([]);
    expect(run(db, 'create', { name: 'plain' }, undefined, new Set()).err).toEqual([]);
    // An unreadable config says nothing either way.
    expect(run(db, 'create', { tpm: '1000' }).err).toEqual([]);
  });

  test('bad flags are exit code 2 and create nothing', () => {
    const db = openMemoryDatabase();
    for (const flags of [{ rpm: '0' }, { 'daily-usd': 'lots' }, { expires: 'soon' }, { expires: '2020-01-01' }, { scopes: ' , ' }] as KeyCreateFlags[]) {
      const r = run(db, 'create', flags);
      expect(r.code).toBe(2);
      expect(r.err[0]).toMatch(/^--\S+ takes/);
    }
    expect(createKeysRepo(db).list()).toEqual([]);
  });

  test('list and revoke', () => {
    const db = openMemoryDatabase();
    run(db, 'create', { name: 'bob' });
    const [k] = createKeysRepo(db).list();
    expect(run(db, 'list').out[0]).toContain('\tbob\tactive');
    expect(run(db, 'revoke', {}, k!.id).code).toBe(0);
    expect(run(db, 'list').out[0]).toContain('\tbob\trevoked');
    expect(run(db, 'revoke', {}, 'key_nope').code).toBe(1);
    expect(run(db, 'frobnicate').code).toBe(2);
  });
});
