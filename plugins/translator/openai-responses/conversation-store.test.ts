import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open as openBox, seal } from '../../../core/crypto/secret-box.ts';
import { keyRingOf } from '../../../core/crypto/secret-keys.ts';
import type { SecretBox } from '../../../core/plugin/types.ts';
import { Database } from 'bun:sqlite';
import { ConversationStore } from './conversation-store.ts';

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
