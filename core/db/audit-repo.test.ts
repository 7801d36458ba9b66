import { afterEach, describe, expect, test } from 'bun:test';
import { createAuditRepo } from './audit-repo.ts';
import { openMemoryDatabase, type OpenedDatabase } from './open-database.ts';

const open: OpenedDatabase[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

describe('audit repo', () => {
  test('records entries and lists them newest first with filters', () => {
    const o = openMemoryDatabase();
    open.push(o);
    let t = 1000;
    const audit = createAuditRepo(o, { now: () => t });
    const a = audit.record({ actor: 'cli', action: 'key.created', target: 'key_1', details: { prefix: 'sy-abc', scopes: ['chat'] } });
    t = 2000;
    audit.record({ actor: 'admin', action: 'key.revoked', target: 'key_1' });
    t = 3000;
    audit.record({ actor: 'admin', action: 'config.saved' });
    expect(a).toEqual({ id: a.id, ts: 1000, actor: 'cli', action: 'key.created', target: 'key_1', details: { prefix: 'sy-abc', scopes: ['chat'] } });
    expect(audit.list().map((e) => e.action)).toEqual(['config.saved', 'key.revoked', 'key.created']);
    expect(audit.list({ limit: 1 }).map((e) => e.ts)).toEqual([3000]);
    expect(audit.list({ actor: 'admin', since: 2500 }).map((e) => e.action)).toEqual(['config.saved']);
    expect(audit.list({ action: 'key.created' })[0]?.details).toEqual({ prefix: 'sy-abc', scopes: ['chat'] });
    expect(audit.list({ action: 'key.revoked' })[0]?.details).toBeNull();
    expect(audit.list({ limit: -5 }).length).toBe(1);
  });
});
