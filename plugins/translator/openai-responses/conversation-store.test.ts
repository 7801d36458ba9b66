import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open as openBox, seal } from '../../../core/crypto/secret-box.ts';
import { keyRingOf } from '../../../core/crypto/secret-keys.ts';
import type { SecretBox } from '../../../core/plugin/types.ts';
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
});
