import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from 'bun:sqlite';
import { open as openBox, seal } from '../../../core/crypto/secret-box.ts';
import { keyRingOf } from '../../../core/crypto/secret-keys.ts';
import type { SecretBox } from '../../../core/plugin/types.ts';
import { ResponseStore, type StoredResponse } from './response-store.ts';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');
const boxOf = (...keys: string[]): SecretBox => {
  const ring = keyRingOf(...keys);
  return { seal: (t, aad) => seal(ring, t, aad), open: (b, k, aad) => openBox(ring, b, k, aad) };
};

const dirs: string[] = [];
function open(maxBytes = 1e9): ResponseStore {
  const dir = mkdtempSync(join(tmpdir(), 'sy-rstore-'));
  dirs.push(dir);
  return new ResponseStore(join(dir, 'responses.db'), maxBytes);
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const entry = (id: string, previousId: string | null, at: number, text = id): StoredResponse => ({
  id, keyId: 'k1', previousId, createdAt: at, expiresAt: at + 1000,
  input: [{ role: 'user', content: `q-${text}` }],
  response: { id, object: 'response', output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: `a-${text}` }] }] },
});

describe('ResponseStore', () => {
  test('history follows the chain, oldest first: input then output of each response', () => {
    const s = open();
    s.put(entry('r1', null, 1));
    s.put(entry('r2', 'r1', 2));
    s.put(entry('r3', 'r2', 3));
    const items = s.history('r3', 'k1', 10)!;
    expect(items.map((i) => JSON.stringify(i).match(/[qa]-r\d/)![0])).toEqual(['q-r1', 'a-r1', 'q-r2', 'a-r2', 'q-r3', 'a-r3']);
    expect(s.history('r3', 'k2', 10)).toBeUndefined();
  });

  test('a conversation continued turn after turn reads one row per turn; a delete or an expiry is still seen', () => {
    const s = open();
    s.put(entry('r1', null, 1));
    s.put(entry('r2', 'r1', 2));
    const two = s.history('r2', 'k1', 10)!;
    s.put(entry('r3', 'r2', 3));
    const reads: string[] = [];
    const get = s.get.bind(s);
    s.get = (id, keyId, now) => (reads.push(id), get(id, keyId, now));
    const three = s.history('r3', 'k1', 10)!;
    expect(reads).toEqual(['r3']);
    expect(three.slice(0, two.length)).toEqual([...two]);
    expect(three).toHaveLength(6);
    expect(s.history('r3', 'k2', 10)).toBeUndefined(); // another client key: nothing from memory
    expect(s.history('r3', 'k1', 1001)).toBeUndefined(); // r1 expired at 1001
    s.history('r3', 'k1', 10);
    expect(s.delete('r1', 'k1')).toBe(true);
    expect(s.history('r3', 'k1', 10)).toBeUndefined();
  });

  test('a missing or expired link breaks the chain', () => {
    const s = open();
    s.put(entry('r1', null, 1));
    s.put(entry('r2', 'r1', 2));
    expect(s.delete('r1', 'k1')).toBe(true);
    expect(s.history('r2', 'k1', 10)).toBeUndefined();
    s.put(entry('r3', null, 1));
    expect(s.get('r3', 'k1', 1000)).toBeDefined();
    expect(s.get('r3', 'k1', 1001)).toBeUndefined();
    expect(s.sweep(5000)).toBe(2);
  });

  test('past the size cap the oldest responses go first', () => {
    const one = JSON.stringify(entry('rX', null, 0).input).length + JSON.stringify(entry('rX', null, 0).response).length;
    const s = open(one * 5);
    for (let i = 0; i < 8; i++) s.put(entry(`r${i}`, null, i));
    s.flush(); // writes are batched; the cap is applied with the batch
    const kept = [0, 1, 2, 3, 4, 5, 6, 7].filter((i) => s.get(`r${i}`, 'k1', 0));
    expect(kept.at(-1)).toBe(7);
    expect(kept[0]).toBeGreaterThan(0);
    expect(kept.length).toBeLessThanOrEqual(5);
  });

  test('with a box, rows are sealed: no plaintext in the file, a rotated-away key or a moved row does not open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-rstore-'));
    dirs.push(dir);
    const file = join(dir, 'responses.db');
    const a = new ResponseStore(file, 1e9, boxOf(KEY_A));
    a.put(entry('r1', null, 1, 'CANARY-SECRET-42'));
    expect(a.get('r1', 'k1', 2)?.input).toEqual([{ role: 'user', content: 'q-CANARY-SECRET-42' }]);
    a.close();
    const raw = new Database(file);
    const row = raw.query('SELECT payload, sealed_with FROM responses').get() as { payload: Uint8Array; sealed_with: string };
    expect(Buffer.from(row.payload).toString('latin1')).not.toContain('CANARY');
    expect(row.sealed_with).toHaveLength(16);
    // The same blob under another id (a copied row) fails authentication.
    raw.run("INSERT INTO responses SELECT 'r2', key_id, previous_id, created_at, expires_at, bytes, payload, sealed_with FROM responses");
    raw.close();
    const rotated = new ResponseStore(file, 1e9, boxOf(KEY_B, KEY_A));
    expect(rotated.get('r1', 'k1', 2)).toBeDefined();
    expect(rotated.get('r2', 'k1', 2)).toBeUndefined();
    rotated.close();
    const gone = new ResponseStore(file, 1e9, boxOf(KEY_B));
    expect(gone.get('r1', 'k1', 2)).toBeUndefined();
    gone.close();
  });

  test('a queued response is read before it is written; the batch is written within 100 ms', async () => {
    const s = open();
    s.put(entry('q1', null, 1));
    expect(s.get('q1', 'k1', 2)?.id).toBe('q1');
    expect(s.get('q1', 'k2', 2)).toBeUndefined();
    await Bun.sleep(150);
    // Written by now: another connection to the file finds it.
    const again = new ResponseStore((s as unknown as { db: { filename: string } }).db.filename, 1e9);
    expect(again.get('q1', 'k1', 2)?.id).toBe('q1');
    again.close();
  });

  test('rows survive reopening the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-rstore-'));
    dirs.push(dir);
    const a = new ResponseStore(join(dir, 'responses.db'), 1e9);
    a.put(entry('r1', null, 1));
    a.close();
    const b = new ResponseStore(join(dir, 'responses.db'), 1e9);
    expect(b.get('r1', 'k1', 2)?.input).toEqual([{ role: 'user', content: 'q-r1' }]);
    b.close();
  });

  test('item: an output or input item by its id, an id-less input by `<response>_in_<n>`; gone with its response, and swept', () => {
    const s = open();
    const r = entry('r1', null, 1);
    (r.response.output as Array<Record<string, unknown>>)[0]!.id = 'msg_out';
    r.input.push({ id: 'fc_in', type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' });
    s.put(r);
    // Still queued: found in the queue.
    expect(s.item('msg_out', 'k1', 2)).toMatchObject({ id: 'msg_out', role: 'assistant' });
    expect(s.item('fc_in', 'k1', 2)).toMatchObject({ call_id: 'c' });
    expect(s.item('r1_in_0', 'k1', 2)).toEqual({ role: 'user', content: 'q-r1' });
    expect(s.item('r1_in_5', 'k1', 2)).toBeUndefined();
    expect(s.item('msg_out', 'k2', 2)).toBeUndefined();
    expect(s.item('msg_out', 'k1', 5000)).toBeUndefined(); // expired
    expect(s.delete('r1', 'k1')).toBe(true);
    expect(s.item('msg_out', 'k1', 2)).toBeUndefined();
    const db = new Database(join(dirs.at(-1)!, 'responses.db'));
    const rows = () => (db.query('SELECT COUNT(*) AS n FROM response_items').get() as { n: number }).n;
    expect(rows()).toBe(2);
    s.sweep(2);
    expect(rows()).toBe(0);
    db.close();
    s.close();
  });

  test('item looks in the queue without writing it: an unknown id costs no commit; the newest response with an id is the one found', () => {
    const s = open();
    const withItem = (id: string, text: string): StoredResponse => {
      const r = entry(id, null, 1, text);
      (r.response.output as Array<Record<string, unknown>>)[0]!.id = 'msg_shared';
      return r;
    };
    s.put(withItem('r1', 'first'));
    s.put(withItem('r2', 'second'));
    const db = new Database(join(dirs.at(-1)!, 'responses.db'), { readonly: true });
    const written = () => (db.query('SELECT COUNT(*) AS n FROM responses').get() as { n: number }).n;
    expect(s.item('msg_unknown', 'k1', 2)).toBeUndefined();
    expect(s.item('msg_shared', 'k2', 2)).toBeUndefined();
    expect(s.item('msg_shared', 'k1', 2)).toMatchObject({ content: [{ text: 'a-second' }] });
    expect(written()).toBe(0);
    // Written, the index names the same one: the last write of an id wins.
    s.flush();
    expect(written()).toBe(2);
    expect(s.item('msg_shared', 'k1', 2)).toMatchObject({ content: [{ text: 'a-second' }] });
    db.close();
    s.close();
  });

  test('responses stored before the item index (a version-2 file) are indexed: at once on a miss, else in the background', async () => {
    const box = boxOf(KEY_A);
    const dir = mkdtempSync(join(tmpdir(), 'sy-rstore-'));
    dirs.push(dir);
    const file = join(dir, 'responses.db');
    // Write two responses with today's store, then make the file look like one from before the index.
    const writer = new ResponseStore(file, 1e9, box);
    for (const id of ['r1', 'r2']) {
      writer.put({ ...entry(id, null, 1), expiresAt: 1e15, input: [{ id: `in_${id}`, type: 'message', role: 'user', content: 'q' }],
        response: { id, object: 'response', output: [{ id: `out_${id}`, type: 'message', role: 'assistant', content: [] }] } });
    }
    writer.close();
    const db = new Database(file);
    db.exec('DELETE FROM response_items; PRAGMA user_version = 2;');
    db.close();

    const lazy = new ResponseStore(file, 1e9, box);
    expect(lazy.item('out_r2', 'k1', 2)).toMatchObject({ id: 'out_r2', role: 'assistant' });
    expect(lazy.item('in_r1', 'k1', 2)).toMatchObject({ id: 'in_r1', role: 'user' });
    expect(lazy.item('out_r1', 'k2', 2)).toBeUndefined();
    lazy.close();

    const check = new Database(file);
    expect(check.query('SELECT COUNT(*) AS n FROM response_items').get()).toEqual({ n: 4 });
    expect(check.query("SELECT name FROM sqlite_master WHERE name = 'response_items_backfill'").get()).toBeNull();
    check.exec('DELETE FROM response_items; PRAGMA user_version = 2;');
    check.close();
    const background = new ResponseStore(file, 1e9, box);
    await Bun.sleep(50);
    const after = new Database(file, { readonly: true });
    expect(after.query('SELECT COUNT(*) AS n FROM response_items').get()).toEqual({ n: 4 });
    after.close();
    background.close();
  });
});
