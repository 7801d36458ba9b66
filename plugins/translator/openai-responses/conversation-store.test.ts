import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open as openBox, seal } from '../../../core/crypto/secret-box.ts';
import { keyRingOf } from '../../../core/crypto/secret-keys.ts';
import type { SecretBox } from '../../../core/plugin/types.ts';
import { Database } from 'bun:sqlite';
import { ConversationStore } from './conversation-store.ts';
import { listOf, listPage, parseListQuery } from './list-page.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const ring = keyRingOf(Buffer.alloc(32, 3).toString('base64'));
const box: SecretBox = { seal: (t, aad) => seal(ring, t, aad), open: (b, k, aad) => openBox(ring, b, k, aad) };
const file = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-conv-'));
  dirs.push(dir);
  return join(dir, 'responses.db');
};
const msg = (id: string, text: string) => ({ id, item: { id, type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });

describe('ConversationStore', () => {
  test('items in order, appended, deleted; another key sees nothing; reads come from memory and stay current', () => {
    const s = new ConversationStore(file(), box);
    s.create({ id: 'conv_1', keyId: 'k1', createdAt: 1, metadata: { a: 'b' } }, [msg('m1', 'one')]);
    expect(s.get('conv_1', 'k2')).toBeUndefined();
    expect(s.items('conv_1', 'k1').map((i) => i.id)).toEqual(['m1']);
    expect(s.add('conv_1', 'k1', [msg('m2', 'two'), msg('m3', 'three')])).toBe(true);
    expect(s.add('conv_1', 'k2', [msg('x', 'x')])).toBe(false);
    expect(s.items('conv_1', 'k1').map((i) => i.id)).toEqual(['m1', 'm2', 'm3']);
    expect(s.deleteItem('conv_1', 'm2')).toBe(true);
    expect(s.items('conv_1', 'k1').map((i) => i.id)).toEqual(['m1', 'm3']);
    expect(s.delete('conv_1', 'k1')).toBe(true);
    expect(s.items('conv_1', 'k1')).toEqual([]);
    s.close();
  });

  test('items are sealed in the file and read back after reopening', () => {
    const f = file();
    const s = new ConversationStore(f, box);
    s.create({ id: 'conv_2', keyId: 'k1', createdAt: 1, metadata: {} }, [msg('m1', 'CANARY-conv-55')]);
    s.close();
    expect(readFileSync(f).toString('latin1').includes('CANARY-conv-55')).toBe(false);
    const again = new ConversationStore(f, box);
    expect(again.items('conv_2', 'k1')[0]!.item).toMatchObject({ content: [{ text: 'CANARY-conv-55' }] });
    again.close();
  });

  test('item: any conversation\'s item of the key, by id', () => {
    const s = new ConversationStore(file(), box);
    s.create({ id: 'conv_1', keyId: 'k1', createdAt: 1, metadata: {} }, [msg('m1', 'one')]);
    expect(s.item('m1', 'k1')?.item).toMatchObject({ content: [{ text: 'one' }] });
    expect(s.item('m1', 'k2')).toBeUndefined();
    expect(s.item('nope', 'k1')).toBeUndefined();
    s.close();
  });

  test('page and itemOf answer as the whole list would (order, after, limit, repeated ids, rows that do not open), opening only the rows they need', () => {
    let opens = 0;
    const counting: SecretBox = { seal: box.seal, open: (b, k, aad) => (opens++, box.open(b, k, aad)) };
    const f = file();
    const s = new ConversationStore(f, counting);
    s.create({ id: 'conv_p', keyId: 'k1', createdAt: 1, metadata: {} }, ['a', 'dup', 'b', 'dup', 'c'].map((id, n) => msg(id, `${id}-${n}`)));
    // Rows copied under other ids do not open (sealed for their own): the newest `dup` and a `ghost`.
    const raw = new Database(f);
    raw.run("INSERT INTO conversation_items SELECT conversation_id, seq + 5, CASE seq WHEN 1 THEN 'dup' ELSE 'ghost' END, payload, sealed_with FROM conversation_items WHERE seq <= 2");
    raw.close();
    s.add('conv_p', 'k1', [msg('d', 'd-8'), msg('e', 'e-9')]);
    const all = s.items('conv_p', 'k1').map((i): Record<string, unknown> & { id: string } => ({ ...i.item, id: i.id }));
    expect(all.map((i) => i.content)).toEqual(['a-0', 'dup-1', 'b-2', 'dup-3', 'c-4', 'd-8', 'e-9'].map((text) => [{ type: 'input_text', text }]));
    let compared = 0;
    for (const order of ['asc', 'desc']) {
      for (const after of [null, 'a', 'dup', 'b', 'c', 'd', 'e', 'ghost', 'nope']) {
        for (let limit = 1; limit <= 8; limit++) {
          const q = new URLSearchParams({ order, limit: String(limit), ...(after ? { after } : {}) });
          let whole: unknown;
          try {
            whole = listPage(all, q, 'desc');
          } catch (e) {
            whole = (e as Error).message;
          }
          const page = s.page('conv_p', 'k1', parseListQuery(q, 'desc'));
          const got: unknown = page ? listOf(page.items.map((i) => ({ ...i.item, id: i.id })), page.hasMore) : `Invalid value for 'after': no item '${after}' in this list.`;
          expect(got).toEqual(whole);
          compared++;
        }
      }
    }
    expect(compared).toBe(144);
    expect(s.page('conv_p', 'k2', { order: 'asc', after: null, limit: 5 })).toEqual({ items: [], hasMore: false });
    expect(s.itemOf('conv_p', 'k1', 'dup')?.item.content).toEqual([{ type: 'input_text', text: 'dup-1' }]);
    expect(s.itemOf('conv_p', 'k1', 'ghost')).toBeUndefined();
    expect(s.itemOf('conv_p', 'k2', 'a')).toBeUndefined();

    opens = 0;
    expect(s.page('conv_p', 'k1', { order: 'asc', after: null, limit: 2 })?.items.map((i) => i.id)).toEqual(['a', 'dup']);
    expect(opens).toBe(3); // the page and one more, to know there is more
    opens = 0;
    expect(s.page('conv_p', 'k1', { order: 'desc', after: 'dup', limit: 1 })?.items.map((i) => i.id)).toEqual(['b']);
    expect(opens).toBe(4); // the newest `dup` that does not open, the one that does, then two
    opens = 0;
    expect(s.itemOf('conv_p', 'k1', 'c')?.id).toBe('c');
    expect(opens).toBe(1);
    s.close();
  });

  test('sweep deletes conversations unchanged since the cutoff; a turn, metadata or a deleted item renews one', () => {
    let now = 1_000;
    const s = new ConversationStore(file(), box, () => now);
    for (const id of ['a', 'b', 'c', 'd']) s.create({ id, keyId: 'k', createdAt: now, metadata: {} }, [msg(`${id}1`, id)]);
    now = 5_000;
    s.add('b', 'k', [msg('b2', 'more')]);
    s.setMetadata('c', 'k', { x: 'y' });
    s.deleteItem('d', 'd1');
    expect(s.sweep(2_000)).toBe(1);
    expect(s.get('a', 'k')).toBeUndefined();
    expect(s.item('a1', 'k')).toBeUndefined();
    expect(['b', 'c', 'd'].map((id) => s.get(id, 'k')?.id)).toEqual(['b', 'c', 'd']);
    expect(s.sweep(6_000)).toBe(3);
    s.close();
  });

  test('a version-1 file (no used_at) is upgraded: its conversations count as used at the upgrade', () => {
    const f = file();
    const old = new Database(f, { create: true });
    old.exec(`CREATE TABLE conversations (id TEXT PRIMARY KEY, key_id TEXT NOT NULL, created_at INTEGER NOT NULL, metadata TEXT NOT NULL);
      CREATE TABLE conversation_items (conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, item_id TEXT NOT NULL, payload BLOB NOT NULL, sealed_with TEXT, PRIMARY KEY (conversation_id, seq));
      INSERT INTO conversations VALUES ('old', 'k', 7000, '{}');
      PRAGMA user_version = 1;`);
    old.close();
    const before = Date.now();
    const s = new ConversationStore(f, box);
    expect(s.get('old', 'k')?.createdAt).toBe(7000);
    expect(s.sweep(before - 1)).toBe(0); // created long ago, but in use: kept
    expect(s.sweep(Date.now() + 1)).toBe(1);
    s.close();
  });

  test('a version-1 file from before conversations (responses only) opens and gets the table', () => {
    const f = file();
    const old = new Database(f, { create: true });
    old.exec(`CREATE TABLE responses (id TEXT PRIMARY KEY, key_id TEXT NOT NULL, previous_id TEXT, created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL, bytes INTEGER NOT NULL, payload BLOB NOT NULL, sealed_with TEXT); PRAGMA user_version = 1;`);
    old.close();
    const s = new ConversationStore(f, box);
    s.create({ id: 'conv_new', keyId: 'k', createdAt: 1, metadata: {} }, [msg('m1', 'hi')]);
    expect(s.items('conv_new', 'k').map((i) => i.id)).toEqual(['m1']);
    s.close();
  });
});
